"""In Chromium, a "Rédaction" member exports the schools, edits the file, sees the changes before importing
them, then turns on the second factor with the code of an authenticator app; the policy blocks nothing."""

import csv
import io
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from schools.models import School
from tests.browser.conftest import EDITOR_PASSWORD, EDITOR_USERNAME, SECOND_FACTOR_USERNAME
from tests.browser.test_content_security_policy import assert_nothing_blocked, watched  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.parametrize("screen", ["desktop"], indirect=True)]


def log_in(page, username=EDITOR_USERNAME):
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contenu de l'annuaire")


def test_an_editor_exports_edits_previews_and_imports_the_schools(watched, tmp_path):  # noqa: F811
    log_in(watched)
    watched.goto("/admin/schools/school/")
    watched.get_by_role("link", name="Exporter").click()
    watched.get_by_label("Format").select_option(label="csv")
    with watched.expect_download() as download:
        watched.get_by_role("button", name="Exporter").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == School.objects.count()
    edited = next(row for row in rows if row["identifiant"] == "metal-academy")
    edited["nom court"] = "Metal Academy (Caen)"
    path = tmp_path / "ecoles.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    watched.goto("/admin/schools/school/")
    watched.get_by_role("link", name="Importer").click()
    watched.get_by_label("Fichier à importer").set_input_files(path)
    watched.get_by_label("Format").select_option(label="csv")
    watched.get_by_role("button", name="Voir ce qui changerait").click()

    expect(watched.locator("tr.update")).to_have_count(1)
    expect(watched.locator("tr.update ins")).to_contain_text("(Caen)")
    expect(watched.locator("tr.skip")).to_have_count(len(rows) - 1)
    watched.screenshot(path=tmp_path / "apercu-import.png", full_page=True)
    assert_nothing_blocked(watched)
    assert School.objects.get(slug="metal-academy").short_name != "Metal Academy (Caen)"

    watched.get_by_role("button", name="Confirmer l’importation").click()
    expect(watched.locator(".messagelist")).to_contain_text("Import terminé : 0 ajout(s), 1 modification(s)")
    assert School.objects.get(slug="metal-academy").short_name == "Metal Academy (Caen)"
    assert_nothing_blocked(watched)


def test_an_editor_turns_on_the_second_factor(watched, tmp_path):  # noqa: F811
    log_in(watched, SECOND_FACTOR_USERNAME)
    watched.get_by_role("link", name="Second facteur").click()
    watched.get_by_role("link", name="Activer le second facteur").click()
    expect(
        watched.get_by_role("img", name="QR code à scanner avec l'application d'authentification")
    ).to_be_visible()
    watched.screenshot(path=tmp_path / "second-facteur.png", full_page=True)
    assert_nothing_blocked(watched)

    # What the phone does with the key it scanned: the code of the current 30 seconds.
    key = b32decode(watched.locator("code").inner_text().replace(" ", ""))
    watched.get_by_label("Code affiché par l'application").fill(f"{TOTP(key).token():06d}")
    watched.get_by_role("button", name="Activer le second facteur").click()

    expect(watched.locator(".messagelist")).to_contain_text("Second facteur activé")
    assert_nothing_blocked(watched)
