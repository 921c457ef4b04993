"""axe-core finds no violation (WCAG 2.1 AA, the basis of the RGAA, and axe's best practices) on any kind
of page, on a phone and on a desktop screen."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import SCREENS, page_paths

pytestmark = pytest.mark.django_db

PAGES = page_paths()


@pytest.fixture
def screen():
    """Each test checks its page at every width itself: one page load and one injection of axe, not two."""
    return "phone"


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_axe_violation(page, axe, path):
    response = page.goto(path)
    assert response.status == (404 if path == PAGES["not-found"] else 200)
    reports = {}
    for screen, viewport in SCREENS.items():
        page.set_viewport_size(viewport)
        results = axe.run(page)
        if results.violations_count:
            reports[f"{screen} {viewport['width']}×{viewport['height']}"] = results.generate_report()
    assert not reports, "\n".join(f"--- {screen}\n{report}" for screen, report in reports.items())
