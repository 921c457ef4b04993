"""A counsellor builds a selection with JavaScript off, shares its address and prints it on A4."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import pdf_page_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "java_script_enabled": False}


def test_a_counsellor_builds_shares_and_prints_a_selection(page, site):
    page.goto("/ecoles/?departement=61")
    cards = page.get_by_role("article")
    first_name = cards.first.get_by_role("heading", level=3).inner_text()
    cards.first.get_by_role("link", name=re.compile(r"^Ajouter à une sélection")).click()
    expect(page).to_have_url(re.compile(r"/selection/\?ecoles=[-a-z0-9]+$"))
    expect(page.get_by_role("heading", level=2, name=first_name)).to_be_visible()

    page.get_by_role("link", name="Ajouter d'autres écoles").click()
    expect(page.get_by_text("Votre sélection : 1 école.")).to_be_visible()
    page.get_by_label("Rechercher une école, une ville, un métier").fill("Metal Academy")
    page.get_by_role("button", name="Chercher").click()  # the form carries the selection
    page.get_by_role("link", name="Ajouter à une sélection : Metal Academy").click()
    entries = page.locator(".selection > li")
    expect(entries).to_have_count(2)
    assert page.context.cookies() == []  # no cookie: everything is in the address

    page.get_by_label("Distance depuis (commune ou code postal)").fill("Caen")
    page.get_by_role("button", name="Calculer").click()
    expect(entries.first).to_contain_text("à vol d'oiseau de Caen")
    expect(page.get_by_role("list", name="Distances mesurées depuis")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.get_by_role("list", name="Distances mesurées depuis")).to_be_hidden()  # no chip on paper
    expect(page.locator("form.place-form")).to_be_hidden()
    expect(page.get_by_role("link", name=re.compile("^Retirer de la sélection")).first).to_be_hidden()
    school_codes = page.get_by_role("img", name="QR code vers la fiche en ligne de l'école")
    expect(school_codes).to_have_count(2)
    for i in range(2):
        expect(school_codes.nth(i)).to_be_visible()
        assert school_codes.nth(i).bounding_box()["width"] >= 90  # 25 mm
        expect(entries.nth(i).locator("address")).to_be_visible()
    expect(page.get_by_role("img", name="QR code vers cette sélection en ligne")).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    assert pdf_page_count(pdf) == 1  # two schools and the selection's code fit on one A4 sheet

    page.emulate_media(media="screen")
    entries.first.get_by_role("link", name=re.compile("^Retirer de la sélection")).click()
    expect(page.locator(".selection > li")).to_have_count(1)
    expect(page.get_by_role("list", name="Distances mesurées depuis")).to_be_visible()  # the place stays


def test_twelve_schools_print_on_a4_pages(page, site):
    slugs = [f"atelier-essai-{n:02}" for n in range(1, 13)]
    page.goto(f"/selection/?ecoles={','.join(slugs)}")
    expect(page.locator(".selection > li")).to_have_count(12)
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    assert 1 < pdf_page_count(pdf) <= 6
