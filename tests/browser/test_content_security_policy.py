"""In a real browser, the Content-Security-Policy (no inline script or style) blocks nothing the site or the
admin needs, and the browser reports no error: every public page, then the admin as a "Rédaction" member.
"""

import pytest
from playwright.sync_api import expect

from schools.models import School
from security.middleware import DENIED_FEATURES
from tests.browser.conftest import EDITOR_PASSWORD, EDITOR_USERNAME, expected_status, page_paths

pytestmark = pytest.mark.django_db

PAGES = page_paths()

# Runs before any script of each page (Playwright's init scripts are not subject to the page's policy).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
    + ` (${event.sourceFile}:${event.lineNumber})`);
});
"""


@pytest.fixture
def watched(page):
    """The page, recording policy violations, console errors and uncaught exceptions."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.problems = []

    def on_console(message):
        # The admin's pages name no icon, so Chromium asks for /favicon.ico, which does not exist.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            page.problems.append(f"{message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


def assert_nothing_blocked(page):
    assert page.evaluate("window.cspViolations") == []
    assert page.problems == []


@pytest.mark.parametrize("name, path", PAGES.items(), ids=PAGES.keys())
def test_no_public_page_triggers_the_policy(watched, name, path):
    response = watched.goto(path)
    assert response.headers["content-security-policy"]
    watched.wait_for_load_state("load")
    if expected_status(name) != 200:  # the page's own status, reported by the console
        watched.problems.remove(
            f"Failed to load resource: the server responded with a status of {response.status} "
            f"({response.status_text}) ({response.url})"
        )
    assert_nothing_blocked(watched)


def test_the_admin_works_under_the_policy(watched):
    school = School.objects.get(slug="metal-academy")
    watched.goto("/admin/login/")
    watched.get_by_label("Nom d’utilisateur").fill(EDITOR_USERNAME)
    watched.get_by_label("Mot de passe").fill(EDITOR_PASSWORD)
    watched.get_by_role("button", name="Connexion").click()
    expect(watched.get_by_role("heading", level=1)).to_have_text("Contenu de l'annuaire")
    assert_nothing_blocked(watched)

    for path in [
        "/admin/schools/school/",
        "/admin/schools/school/?statut__exact=published",
        "/admin/schools/school/add/",
        "/admin/programs/programme/",
        "/admin/sources/source/add/",
    ]:
        watched.goto(path)
        watched.wait_for_load_state("load")
        assert_nothing_blocked(watched)

    # The change form's scripts run (autocomplete, inlines) and inject nothing that the policy blocks.
    watched.goto(f"/admin/schools/school/{school.pk}/change/")
    expect(watched.get_by_role("heading", level=1)).to_contain_text("Modification")
    watched.locator(".select2-selection").first.click()
    expect(watched.locator(".select2-results__option").first).to_be_visible()
    watched.keyboard.press("Escape")
    rows = watched.locator("[class*='dynamic-']").count()
    watched.locator(".add-row a").first.click()
    expect(watched.locator("[class*='dynamic-']")).to_have_count(rows + 1)
    assert_nothing_blocked(watched)


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_the_browser_understands_every_feature_the_permissions_policy_denies(page):
    """Chromium warns (in its console, not through page events) about a feature it does not know."""
    session = page.context.new_cdp_session(page)
    warnings = []
    session.on("Log.entryAdded", lambda event: warnings.append(event["entry"]["text"]))
    session.send("Log.enable")
    page.goto("/parents/")
    known = page.evaluate("document.featurePolicy.features()")
    assert [feature for feature in DENIED_FEATURES if feature not in known] == []
    assert [text for text in warnings if "Permissions-Policy" in text] == []
    assert not set(DENIED_FEATURES) & set(page.evaluate("document.featurePolicy.allowedFeatures()"))


def test_the_json_ld_data_block_is_read_and_blocks_nothing(watched):
    """A <script type="application/ld+json"> is data, not code: the policy (script-src 'self', no
    'unsafe-inline') has nothing to block, and the structured data is there for search engines."""
    watched.goto(PAGES["school"])
    watched.wait_for_load_state("load")
    data = watched.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["@graph"][0]["@type"] == "School"
    assert data["@graph"][0]["name"] == "Metal Academy"
    assert_nothing_blocked(watched)
