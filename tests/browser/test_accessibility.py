"""axe-core finds no violation (WCAG 2.1 AA, the basis of the RGAA, and axe's best practices) on any kind
of page, on a phone and on a desktop screen."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from contact.abuse import RateLimit
from tests.browser.conftest import SCREENS, expected_status, page_paths

pytestmark = pytest.mark.django_db

PAGES = page_paths()


@pytest.fixture
def screen():
    """Each test checks its page at every width itself: one page load and one injection of axe, not two."""
    return "phone"


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("name, path", PAGES.items(), ids=PAGES.keys())
def test_no_axe_violation(page, axe, name, path):
    response = page.goto(path)
    assert response.status == expected_status(name)
    assert_no_violation(page, axe)


def assert_no_violation(page, axe):
    """axe on the page as it is, at every width."""
    reports = {}
    for screen, viewport in SCREENS.items():
        page.set_viewport_size(viewport)
        results = axe.run(page)
        if results.violations_count:
            reports[f"{screen} {viewport['width']}×{viewport['height']}"] = results.generate_report()
    assert not reports, "\n".join(f"--- {screen}\n{report}" for screen, report in reports.items())


# The public's forms sent back with their errors (status 400), typed in the browser then sent: each passes
# the browser's own checks (required fields) and fails the site's (no phone nor e-mail; a blank text).
FORMS_WITH_ERRORS = {
    "contact-errors": (
        PAGES["contact-form"],
        {"Votre prénom": "Camille", "Âge du jeune intéressé par l'école": "16", "S'inscrire": True},
        "Envoyer ma demande",
    ),
    "report-errors": (PAGES["report-form"], {"Qu'est-ce qui ne va pas ?": "   "}, "Envoyer le signalement"),
}


@pytest.mark.parametrize("path, typed, button", FORMS_WITH_ERRORS.values(), ids=FORMS_WITH_ERRORS.keys())
def test_no_axe_violation_on_a_form_sent_back_with_its_errors(page, axe, path, typed, button):
    page.goto(path)
    for label, value in typed.items():
        if value is True:
            page.get_by_label(label).check()
        else:
            page.get_by_label(label).fill(value)
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("button", name=button).click()
    assert sent.value.status == 400
    assert page.title().startswith("Erreur : ")
    assert_no_violation(page, axe)


def test_no_axe_violation_on_the_page_of_too_many_posts(page, axe, monkeypatch):
    """The 429 page: every client over its limit (the live server runs in this process)."""
    monkeypatch.setattr(RateLimit, "reached", lambda self, request: True)
    page.goto(PAGES["report-form"])
    page.get_by_label("Qu'est-ce qui ne va pas ?").fill("Le numéro de téléphone est faux.")
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("button", name="Envoyer le signalement").click()
    assert sent.value.status == 429
    assert page.get_by_role("heading", level=1).inner_text() == "Trop d'envois en peu de temps"
    assert_no_violation(page, axe)
