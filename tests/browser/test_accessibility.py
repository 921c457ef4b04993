"""axe-core finds no violation (WCAG 2.1 AA, the basis of the RGAA, and axe's best practices) on any kind
of page, on a phone and on a desktop screen."""

import pytest
from axe_playwright_python.sync_playwright import Axe

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
