"""A school updates its own sheet, in Chromium: staff create an invitation link in the admin; the school opens
it on a 390 px phone, makes a typing slip, then adds an open day and a phone number; a "Rédaction" member
accepts the proposal in the admin; the public page shows both, with the new verification date. axe checks the
form as the school sees it after its slip, and the two admin pages, which the Nu Html Checker finds valid too
(the public pages are in page_paths())."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from schools.models import School
from tests.browser.test_accessibility import assert_no_violation
from tests.browser.test_html_validity import vnu_errors
from tests.browser.test_staff_journey import log_in, shot

pytestmark = pytest.mark.django_db
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_a_school_updates_its_sheet_and_staff_accept_it(page, new_context, screen, tmp_path):
    school = School.objects.get(slug="metropole-havraise")
    coming = timezone.localdate() + datetime.timedelta(days=45)

    # 1. Staff create the link from the school's form; it is shown once, to copy.
    log_in(page)
    page.goto(f"/admin/schools/school/{school.pk}/change/")
    page.get_by_role("link", name="Inviter l'école à mettre à jour sa fiche").click()
    page.get_by_role("button", name="Créer un lien d'invitation (sans l'envoyer)").click()
    link = page.locator("code.invitation-link").inner_text()
    assert_no_violation(page, Axe())
    admin_pages = {"invitations": page.request.get(page.url).body()}
    assert re.fullmatch(r"http://localhost:\d+/ecoles/proposer/[^/]+/", link), link

    # 2. The school opens it on a phone: its sheet, prefilled; nothing scrolls sideways.
    on_phone = new_context().new_page()
    on_phone.set_viewport_size(PHONE)
    on_phone.goto(link)
    expect(on_phone.get_by_role("heading", level=1)).to_have_text(f"Mettre à jour la fiche de {school.name}")
    assert on_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    on_phone.get_by_label("Téléphone").fill("02 35")  # a slip: said at the top and beside the field
    on_phone.get_by_label("Votre nom").fill("Léa Martin")
    on_phone.get_by_label("Votre fonction à l'école").fill("Directrice")
    on_phone.get_by_role("button", name="Envoyer la proposition").click()
    summary = on_phone.get_by_role("alert")
    expect(summary).to_contain_text("Le formulaire n'est pas envoyé")
    expect(summary.get_by_role("link")).to_contain_text(
        "Téléphone : Saisissez un numéro de téléphone français"
    )
    assert_no_violation(on_phone, Axe())
    on_phone.set_viewport_size(PHONE)

    on_phone.get_by_label("Téléphone").fill("02 35 12 34 56")
    row = on_phone.get_by_role("group", name="Nouvelle journée 1")
    row.get_by_label("Date").fill(coming.isoformat())
    row.get_by_label("Heure de début").fill("09:30")
    row.get_by_label("Heure de fin").fill("12:00")
    row.get_by_label("Précisions").fill("Visite de l'atelier")
    on_phone.get_by_role("button", name="Envoyer la proposition").click()
    expect(on_phone.get_by_role("heading", level=1)).to_have_text("Merci, votre proposition est envoyée")

    # Nothing public has changed yet.
    visitor = new_context().new_page()
    visitor.goto(school.get_absolute_url())
    expect(visitor.get_by_text("02 35 12 34 56")).to_have_count(0)

    # 3. A "Rédaction" member reviews it beside the sheet and accepts it.
    page.goto("/admin/proposals/proposal/?status__exact=pending")
    page.get_by_role("link", name=school.name).first.click()
    changes = page.locator("#proposal-changes")
    expect(changes).to_contain_text("02 35 12 34 56")
    expect(changes).to_contain_text("Visite de l'atelier")
    shot(page, "6-proposition-d-une-ecole")
    assert_no_violation(page, Axe())
    admin_pages["review"] = page.request.get(page.url).body()
    page.get_by_role("button", name="Accepter la sélection").click()
    expect(page.locator(".messagelist .success")).to_contain_text("est acceptée")

    # 4. The public page shows the phone, the open day and the day's verification.
    visitor.goto(school.get_absolute_url())
    expect(visitor.get_by_text("02 35 12 34 56")).to_be_visible()
    expect(visitor.get_by_text(re.compile("Visite de l'atelier"))).to_be_visible()
    today = date_format(timezone.localdate(), "j F Y")
    expect(visitor.locator(".updated")).to_have_text(f"Informations vérifiées par la Région le {today}.")

    # The two admin pages are valid HTML too.
    for name, body in admin_pages.items():
        (tmp_path / f"{name}.html").write_bytes(body)
    assert vnu_errors(sorted(tmp_path.glob("*.html"))) == {}
