"""A regional staff member at work in the admin, in Chromium on a 1280 px screen: finds the sheets without an
open day, adds one, marks the school verified, undoes a wrong edit from the history, previews a draft. The
screenshots of the README's "Pour l'équipe régionale" section are taken here."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schools.models import School
from tests.browser.conftest import EDITOR_PASSWORD, EDITOR_USERNAME

pytestmark = pytest.mark.django_db
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "admin"


def shot(page, name):
    """Written whole then renamed: .ci/run's two suites (SQLite, PostgreSQL) take the same shots at once."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    partial = SCREENSHOTS / f".{name}.{os.getpid()}.png"
    partial.write_bytes(page.screenshot())
    os.replace(partial, SCREENSHOTS / f"{name}.png")


def log_in(page):
    page.goto("/admin/")
    page.get_by_label("Nom d’utilisateur").fill(EDITOR_USERNAME)
    page.get_by_label("Mot de passe").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Connexion").click()


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_regional_staff_fill_a_gap_verify_undo_and_preview(page, new_context, screen):
    school = School.objects.get(slug="metal-academy")
    log_in(page)

    # 1. The admin home counts the sheets without an open day; its link lists them.
    gaps = page.locator("#school-gaps")
    expect(gaps).to_contain_text("Fiches à compléter")
    shot(page, "1-accueil")
    gaps.get_by_role("listitem").filter(has_text="portes ouvertes").get_by_role("link").click()
    expect(page.locator("#result_list")).to_contain_text(school.name)
    shot(page, "2-il-manque-portes-ouvertes")

    # 2. Every school's form fits the screen, whatever its funding lines and articles; an open day is added
    # and the sheet marked verified.
    for pk in School.objects.values_list("pk", flat=True):
        page.goto(f"/admin/schools/school/{pk}/change/")
        assert page_width(page) <= 1280, page.url
    page.goto("/admin/schools/school/?manque=open_day")
    page.get_by_role("link", name=school.name, exact=True).click()
    page.locator("#open_days-group .add-row a").click()
    coming = timezone.localdate() + datetime.timedelta(days=30)
    page.locator('input[name="open_days-0-date"]').fill(coming.strftime("%d/%m/%Y"))
    page.locator('input[name="open_days-0-details"]').fill("Sur rendez-vous")
    shot(page, "3-ajout-portes-ouvertes")
    page.get_by_role("button", name="Enregistrer et marquer comme vérifiée").first.click()
    expect(page.locator(".messagelist .success").first).to_contain_text("marquée comme vérifiée")
    school.refresh_from_db()
    assert school.verified_on == timezone.localdate()
    assert school.open_days.filter(date=coming).exists()

    visitor = new_context().new_page()
    visitor.goto(school.get_absolute_url())
    expect(visitor.locator(".updated")).to_contain_text("Informations vérifiées par la Région le")
    expect(visitor.get_by_text(re.compile("Sur rendez-vous"))).to_be_visible()

    # 3. A wrong edit, undone from the history.
    page.goto(f"/admin/schools/school/{school.pk}/change/")
    managing_body = page.get_by_label(re.compile(r"^Organisme gestionnaire"))
    original = managing_body.input_value()
    managing_body.fill("Faute de frappe")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert School.objects.get(pk=school.pk).managing_body == "Faute de frappe"
    page.goto(f"/admin/schools/school/{school.pk}/change/")
    page.get_by_role("link", name="Historique").click()
    expect(page.locator("#change-history")).to_contain_text(f"{original} → Faute de frappe")
    shot(page, "4-historique")
    page.get_by_role("link", name="Rétablir cette version").first.click()
    expect(page.get_by_text("Confirmez le rétablissement")).to_be_visible()
    page.get_by_role("button", name="Rétablir cette version").first.click()
    assert School.objects.get(pk=school.pk).managing_body == original

    # 4. A draft, previewed at its real address; the public gets a 404.
    page.goto(f"/admin/schools/school/{school.pk}/change/")
    page.get_by_label("Statut").select_option(label="Brouillon")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.get_by_role("link", name="Voir l'aperçu").click()
    expect(page.get_by_text("Brouillon : non visible du public.")).to_be_visible()
    shot(page, "5-apercu-brouillon")
    assert visitor.goto(school.get_absolute_url()).status == 404

    # Published again, as the other browser tests expect (on PostgreSQL the browser's edits outlive a test).
    page.goto(f"/admin/schools/school/{school.pk}/change/")
    page.get_by_label("Statut").select_option(label="Publiée")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert visitor.goto(school.get_absolute_url()).status == 200
