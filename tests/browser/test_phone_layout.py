"""Phones first: the list's first school shows on the first screen of a 390 px phone, no page scrolls sideways
at 320 px, the filters fold behind "Affiner", and the home box's answer shows what it understood."""

import re

import pytest
from playwright.sync_api import expect

from schools.models import School
from tests.browser.conftest import page_paths

pytestmark = pytest.mark.django_db

PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}


@pytest.fixture
def screen():
    """Each test sets the widths it checks itself."""
    return "phone"


def school_paths():
    return [school.get_absolute_url() for school in School.objects.published().order_by("slug")]


@pytest.mark.parametrize("path", ["/ecoles/", "/ecoles/?q=m%C3%A9canique+Caen", "/ecoles/?departement=14"])
def test_the_first_school_starts_on_the_first_screen_of_a_phone(page, path):
    page.set_viewport_size(PHONE)
    page.goto(path)
    first_card = page.locator(".card").first.bounding_box()
    assert first_card["y"] < PHONE["height"] - 100, first_card  # its name and town at least are in view
    expect(page.get_by_label("Financeur", exact=True)).to_be_hidden()  # folded behind "Affiner"


def test_no_page_scrolls_sideways_at_320_px(page, site):
    page.set_viewport_size(NARROWEST)
    too_wide = {}
    for path in [*page_paths().values(), *school_paths()]:
        page.goto(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > NARROWEST["width"]:
            too_wide[path] = width
    assert not too_wide


def test_the_filters_fold_behind_affiner_and_the_active_ones_show_as_chips(page):
    page.set_viewport_size(PHONE)
    page.goto("/ecoles/?departement=14&financement=fse-plus")
    chips = page.get_by_role("list", name="Filtres actifs").get_by_role("listitem")
    expect(chips).to_have_count(2)
    expect(chips.last).to_contain_text("Financeur")
    funder = page.get_by_label("Financeur", exact=True)
    expect(funder).to_be_hidden()
    page.get_by_text("Affiner", exact=True).click()  # a native <details>: no script involved
    expect(funder).to_be_visible()
    expect(funder).to_have_value("fse-plus")


def test_the_home_box_understands_a_trade_and_a_place(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("searchbox", name="Un métier, une ville, une école").fill("mécanique, Caen")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ecoles/\?q="))
    chips = page.get_by_role("list", name="Filtres actifs")
    expect(chips).to_contain_text("Métier : Mécanique automobile")
    expect(chips).to_contain_text("Près de : Caen")
    expect(page.get_by_role("heading", level=2, name=re.compile("plus lointaine de Caen"))).to_be_visible()
    expect(page.locator(".card-place").first).to_contain_text(re.compile(r"à \d+ km à vol d'oiseau"))
    # The map names the town of each dot in text, and marks the place searched from.
    expect(page.locator(".map-towns text")).to_have_text(["Caen", "Argentan"])
    expect(page.locator(".map-origin")).to_have_count(1)
    expect(page.locator(".map figcaption")).to_contain_text("Le losange marque Caen")


def test_a_former_commune_is_found_and_shown_with_its_commune(page):
    page.set_viewport_size(PHONE)
    page.goto("/ecoles/?q=Tourlaville")
    heading = page.get_by_role("heading", level=2, name=re.compile("Tourlaville, Cherbourg-en-Cotentin"))
    expect(heading).to_be_visible()
    expect(page.locator(".card-title").first).to_have_text("École d'usinage du Cotentin")
