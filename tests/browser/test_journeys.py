"""What people do on the site, in a real browser, on a phone (375 × 812) and a desktop screen (1280 × 800)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from schools.models import School
from tests.browser.conftest import (
    EDITOR_PASSWORD,
    EDITOR_USERNAME,
    EXTRA_DEPARTEMENT,
    EXTRA_PROGRAMME,
    EXTRA_TRADE,
)

pytestmark = pytest.mark.django_db

# Computed style of an element, as far as a focus indicator goes: outline or box-shadow; for a point of the
# SVG map (a link drawn as a circle), the circle's size and colours.
FOCUS_STYLE_JS = """el => {
  const s = getComputedStyle(el);
  const outline = s.outlineStyle === "none" || parseFloat(s.outlineWidth) === 0
    ? "none" : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
  const circle = el.querySelector(":scope > circle");
  const point = circle && getComputedStyle(circle);
  return {outline, shadow: s.boxShadow, point: point ? `${point.r} ${point.fill} ${point.stroke}` : null};
}"""


def pdf_page_count(pdf):
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def test_a_teenager_browses_by_trade(page, site):
    school = School.objects.get(slug="metal-academy")
    page.goto("/")
    page.get_by_role("link", name=re.compile(r"^Chaudronnerie et soudage")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chaudronnerie et soudage")
    assert page.url == site.url + f"/metiers/{EXTRA_TRADE}/"

    # The extra schools fill the trade's first page (12 a page): the real one is on the second.
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"pour apprendre ce métier, page 1 sur 2"))
    ).to_be_visible()
    expect(page.get_by_role("link", name=school.name, exact=True)).to_have_count(0)
    page.get_by_role("navigation", name="Pages de résultats").get_by_role(
        "link", name="Page suivante"
    ).click()
    page.get_by_role("link", name=school.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(school.name)

    links = page.get_by_role("region", name="Témoignages et articles").get_by_role("link")
    expected_urls = list(school.testimonial_links.values_list("url", flat=True))
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == expected_urls
    link = links.first
    assert {"noopener", "external"} <= set(link.get_attribute("rel").split())
    expect(link).to_contain_text("(site externe)")  # said to screen reader users too (visually hidden)
    assert urlsplit(expected_urls[0]).netloc != urlsplit(site.url).netloc

    # The network is closed: any request leaving the live server gets a stub page instead.
    left_for = []

    def outside(route):
        left_for.append(route.request.url)
        route.fulfill(content_type="text/html", body="<!doctype html><title>Article</title><p>Article")

    page.context.route(lambda url: not url.startswith(site.url), outside)
    link.click()
    page.wait_for_url(expected_urls[0])
    assert left_for == [expected_urls[0]]
    expect(page.locator("p")).to_have_text("Article")


def test_a_parent_filters_pages_through_results_and_prints_a_school(page, site):
    expected = School.objects.published().in_departement(EXTRA_DEPARTEMENT).offering(EXTRA_PROGRAMME)
    assert 12 < expected.count() <= 24  # two pages of 12
    page.goto("/ecoles/")
    page.get_by_text("Affiner", exact=True).click()
    page.get_by_label("Département", exact=True).select_option(EXTRA_DEPARTEMENT)
    page.get_by_label("Formation", exact=True).select_option(EXTRA_PROGRAMME)
    page.get_by_role("button", name="Afficher les écoles").click()

    results = page.get_by_role("region", name=re.compile(r"^\d+ écoles"))
    expect(results.get_by_role("heading", level=2)).to_have_text(f"{expected.count()} écoles, page 1 sur 2")
    expect(results.get_by_role("article")).to_have_count(12)
    pagination = page.get_by_role("navigation", name="Pages de résultats")
    pagination.get_by_role("link", name="Page suivante").click()

    expect(results.get_by_role("heading", level=2)).to_have_text(f"{expected.count()} écoles, page 2 sur 2")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"departement": [EXTRA_DEPARTEMENT], "formation": [EXTRA_PROGRAMME], "page": ["2"]}
    expect(page.get_by_label("Département", exact=True)).to_have_value(EXTRA_DEPARTEMENT)
    expect(page.get_by_label("Formation", exact=True)).to_have_value(EXTRA_PROGRAMME)
    chips = page.get_by_role("list", name="Filtres actifs").get_by_role("listitem")
    expect(chips).to_have_count(2)
    expect(chips.first).to_contain_text("Formation")
    expect(chips.last).to_contain_text("Département : Calvados")
    names_on_page_2 = list(expected.order_by("name").values_list("name", flat=True)[12:])
    expect(results.get_by_role("heading", level=3)).to_have_text(names_on_page_2)

    results.get_by_role("link", name="Metal Academy", exact=True).click()  # not "Ajouter à une sélection : …"
    expect(page.get_by_role("heading", level=1)).to_have_text("Metal Academy")

    page.emulate_media(media="print")
    for screen_only in [".site-header nav", ".breadcrumb", ".site-footer", ".skip-link"]:
        expect(page.locator(screen_only)).to_be_hidden()
    no_print = page.locator(".no-print")
    assert no_print.count() >= 3  # funding, articles, sources
    for i in range(no_print.count()):
        expect(no_print.nth(i)).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="QR code vers la fiche en ligne")).to_be_visible()
    expect(page.locator(".print-qr")).to_contain_text(f"{site.url}/ecoles/metal-academy/")
    box = page.get_by_role("img", name="QR code vers la fiche en ligne").bounding_box()
    assert box["width"] >= 90  # 25 mm at 96 px per inch is 94 px: big enough for a phone camera

    pdf = page.pdf(prefer_css_page_size=True)  # A4, as print.css asks
    assert pdf.startswith(b"%PDF")
    assert pdf_page_count(pdf) == 1


@pytest.mark.parametrize(
    ("typed", "school_name"),
    [("evreux", "L'Usin'Eure"), ("conde en normandie", "Fil en Normandie")],
    ids=["evreux", "conde-en-normandie"],
)
def test_someone_types_a_town_without_accents_and_finds_the_school(page, typed, school_name):
    page.goto("/")
    page.get_by_role("searchbox", name="Un métier, une ville, une école").fill(typed)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ecoles/\?q="))
    expect(page.get_by_role("list", name="Filtres actifs")).to_contain_text(typed)
    page.get_by_role("link", name=school_name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(school_name)


class Keyboard:
    """A visitor with a keyboard only. Each element focused with Tab or Shift+Tab is checked for a visible
    focus indicator: its outline or box-shadow differs from the one it had before anything was focused."""

    def __init__(self, page):
        self.page = page
        self.reached = []  # description of each element focused, in order
        page.evaluate(
            f"""() => {{
              const style = {FOCUS_STYLE_JS};
              window.unfocusedStyle = new Map();
              const focusable = "a, button, input, select, summary, textarea, [tabindex]";
              for (const el of document.querySelectorAll(focusable)) {{
                window.unfocusedStyle.set(el, style(el));
              }}
            }}"""
        )

    def press(self, key):
        self.page.keyboard.press(key)
        if key in ("Tab", "Shift+Tab"):
            self.check_focus_indicator()

    def check_focus_indicator(self):
        focus = self.page.evaluate(
            f"""() => {{
              const el = document.activeElement;
              const style = {FOCUS_STYLE_JS};
              return {{
                id: el.id, tag: el.tagName.toLowerCase(), text: el.innerText || el.value || "",
                inFilters: !!el.closest("form.filters"), onMap: !!el.closest(".map"),
                label: el.getAttribute("aria-label"),
                focused: style(el), unfocused: window.unfocusedStyle.get(el) || null,
              }};
            }}"""
        )
        assert focus["unfocused"] is not None, f"focus went to an unexpected element: {focus}"
        assert focus["focused"] != focus["unfocused"], f"no visible focus indicator: {focus}"
        if focus["focused"]["point"] is None:
            assert focus["focused"]["outline"] != "none" or focus["focused"]["shadow"] != "none", focus
        self.reached.append(focus)

    @property
    def focused(self):
        return self.reached[-1]

    def tab_to(self, predicate, limit=80):
        for _ in range(limit):
            self.press("Tab")
            if predicate(self.focused):
                return
        raise AssertionError(f"never reached with Tab; last focused: {self.focused}")

    def choose(self, option_value, limit=40):
        """Arrow keys on a focused <select>, until the wanted option is selected."""
        for _ in range(limit):
            if self.page.evaluate("() => document.activeElement.value") == option_value:
                return
            self.press("ArrowDown")
        raise AssertionError(f"option {option_value!r} never selected with the arrow keys")


def test_a_keyboard_only_visitor_filters_the_list(page):
    page.goto("/ecoles/")
    keyboard = Keyboard(page)
    form_controls = page.evaluate(
        """() => [...document.querySelectorAll("form.filters :is(a, button, input, select, summary)")]
                 .map(el => el.id || el.textContent.trim())"""
    )
    # the search box and its button, "Affiner", six filters, the button and "Tout effacer"
    assert len(form_controls) == 11

    keyboard.tab_to(lambda el: el["id"] == "id_q")
    keyboard.tab_to(lambda el: el["tag"] == "summary")
    keyboard.press("Enter")  # opens "Affiner"
    keyboard.tab_to(lambda el: el["id"] == "id_formation")
    keyboard.choose(EXTRA_PROGRAMME)
    keyboard.press("Tab")
    assert keyboard.focused["id"] == "id_departement"
    keyboard.choose(EXTRA_DEPARTEMENT)
    keyboard.tab_to(lambda el: el["text"] == "Tout effacer")
    keyboard.press("Shift+Tab")
    assert keyboard.focused["text"] == "Afficher les écoles"
    reached_in_form = [el["id"] or el["text"] for el in keyboard.reached if el["inFilters"]]
    assert set(reached_in_form) == set(form_controls)
    with page.expect_navigation():
        keyboard.press("Space")

    query = parse_qs(urlsplit(page.url).query)
    assert query["departement"] == [EXTRA_DEPARTEMENT]
    assert query["formation"] == [EXTRA_PROGRAMME]
    keyboard = Keyboard(page)
    keyboard.tab_to(lambda el: el["text"] == "Page suivante")
    with page.expect_navigation():
        keyboard.press("Enter")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"departement": [EXTRA_DEPARTEMENT], "formation": [EXTRA_PROGRAMME], "page": ["2"]}
    expect(page.get_by_role("heading", level=2, name=re.compile("page 2 sur 2"))).to_be_visible()


def test_a_keyboard_only_visitor_opens_a_school_from_the_map(page):
    page.goto("/")
    keyboard = Keyboard(page)
    keyboard.tab_to(lambda el: el["onMap"])
    assert keyboard.focused["focused"]["point"].startswith("16px")  # the bigger, yellow point
    school_name, town = keyboard.focused["label"].rsplit(", ", 1)  # each point names its school and town
    with page.expect_navigation():
        keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(school_name)


def test_regional_staff_edit_a_school_and_the_public_page_shows_it(page, new_context, screen):
    school = School.objects.get(slug="ecole-des-semeurs")
    added = f"Nouvelle serre inaugurée ({screen})."
    visitor = new_context().new_page()
    visitor.goto(school.get_absolute_url())  # the page is now in the public cache
    expect(visitor.get_by_text(added)).to_have_count(0)

    page.goto("/admin/")
    page.get_by_label("Nom d’utilisateur").fill(EDITOR_USERNAME)
    page.get_by_label("Mot de passe").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.locator("tr.model-school").get_by_role("link", name="Écoles", exact=True).click()
    page.get_by_role("link", name=school.name, exact=True).click()
    description = page.get_by_label(re.compile(r"^Présentation\W*$"))  # the description field
    description.fill(description.input_value() + "\n\n" + added)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text(school.name)

    visitor.reload()
    expect(visitor.locator(".prose").first.get_by_text(added)).to_be_visible()
