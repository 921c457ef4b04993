"""The public's forms in Chromium on a 390 px phone: a family asks a school to call back, with JavaScript on
and off, is told what to correct, then what happens next; a reader reports an error from a trade page.

What the browser sends is stored by the live server: each test looks for its own rows by a name of its own
(on PostgreSQL they are committed and outlive the test until the browser tests' database is flushed)."""

import re

import pytest
from playwright.sync_api import expect

from contact.models import ContactRequest, ErrorReport
from tests.browser.conftest import EXTRA_TRADE

pytestmark = pytest.mark.django_db

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def screen():
    return "phone"


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def javascript(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, javascript):
    return {**browser_context_args, "viewport": PHONE, "java_script_enabled": javascript}


def test_a_family_asks_a_school_to_call_back(page, site, javascript):
    first_name = "Camille" if javascript else "Noé"
    page.goto("/ecoles/metal-academy/")
    form = page.locator("#contact-form")
    expect(page.get_by_role("heading", level=2, name="Être recontacté par l'école")).to_be_visible()

    form.get_by_label("Votre prénom").fill(first_name)
    form.get_by_label("Âge du jeune intéressé par l'école").fill("16")
    form.get_by_label("Faire un séjour découverte").check()
    form.get_by_label("Votre message (facultatif)").fill("Nous aimerions voir l'atelier.\nMerci !")
    send = form.get_by_role("button", name="Envoyer ma demande")
    assert send.bounding_box()["height"] >= 44
    assert form.locator("label", has_text="Faire un séjour découverte").bounding_box()["height"] >= 44
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    send.click()

    # Neither a phone nor an e-mail: the form comes back with the error, linked to its field, values kept.
    expect(page).to_have_title(re.compile("^Erreur : Être recontacté par Metal Academy"))
    summary = page.get_by_role("group", name=re.compile("Le formulaire n'est pas parti"))
    summary.get_by_role("link", name=re.compile("^Téléphone")).click()
    phone = page.get_by_label("Téléphone (facultatif)")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_accessible_description(re.compile("Indiquez un téléphone ou une adresse e-mail"))
    expect(page.get_by_label("Votre prénom")).to_have_value(first_name)
    expect(page.get_by_label("Faire un séjour découverte")).to_be_checked()

    phone.fill("06 12 34 56 78")
    page.get_by_role("button", name="Envoyer ma demande").click()

    expect(page).to_have_url(re.compile(r"/ecoles/metal-academy/etre-recontacte/merci/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande est bien enregistrée")
    expect(page.get_by_text("votre demande part par courriel à l'équipe de la Région")).to_be_visible()
    assert page.context.cookies() == []
    request = ContactRequest.objects.get(first_name=first_name)
    assert (request.school.slug, request.phone, request.age, request.wish) == (
        "metal-academy",
        "+33612345678",
        16,
        "stay",
    )
    assert request.message == "Nous aimerions voir l'atelier.\nMerci !"


def test_a_reader_reports_an_error_from_a_trade_page(page, site, javascript):
    description = f"Le lien vers l'école ne marche pas ({'avec' if javascript else 'sans'} JavaScript)."
    page.goto(f"/metiers/{EXTRA_TRADE}/")
    form = page.locator("#report-form")
    expect(form).to_be_hidden()
    page.get_by_text("Signaler une erreur sur cette page").click()  # a <details>: no script needed
    form.get_by_label("Qu'est-ce qui ne va pas ?").fill(description)
    form.get_by_role("button", name="Envoyer le signalement").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre signalement")
    page.get_by_role("link", name="Retour à la page").click()
    expect(page).to_have_url(re.compile(rf"/metiers/{EXTRA_TRADE}/$"))
    report = ErrorReport.objects.get(description=description)
    assert report.page_path == f"/metiers/{EXTRA_TRADE}/"
    assert report.page_label.startswith("Métier : ")
