"""The Nu Html Checker (vnu.jar, the W3C validator's engine, from npm) finds no error in any kind of page."""

import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from contact.abuse import RateLimit
from tests.browser.conftest import expected_status, page_paths

pytestmark = pytest.mark.django_db

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(files):
    """One Java run for every file: {file name: ["line N: message", ...]} for the files with errors."""
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(run.stderr or run.stdout)  # vnu writes its JSON report to stderr
    except json.JSONDecodeError:
        raise AssertionError(f"vnu.jar did not run:\n{run.stdout}{run.stderr}") from None
    errors = {}
    for message in report["messages"]:
        name = Path(message.get("url", "?")).name
        errors.setdefault(name, []).append(f"line {message.get('lastLine', '?')}: {message['message']}")
    return errors


def posted_pages(site_url):
    """The public's forms answered with their errors (400) and refused from another site (403):
    {name: (path, form, headers, status)}."""
    paths = page_paths()
    own = {"Origin": site_url}
    return {
        "contact-errors": (paths["contact-form"], {"first_name": "Camille", "age": "16"}, own, 400),
        "report-errors": (
            paths["report-form"].split("?")[0],
            {"page": "/metiers/", "description": "x"},
            own,
            400,
        ),
        "cross-site": (
            paths["contact-form"],
            {"first_name": "Camille"},
            {"Origin": "https://evil.example"},
            403,
        ),
    }


@pytest.fixture
def screen():
    """The HTML does not depend on the screen: one check, not one per width."""
    return "desktop"


def test_every_kind_of_page_is_valid_html(page, site, tmp_path, monkeypatch):
    assert VNU_JAR.exists(), "the Nu Html Checker is missing: run `make browser-deps` (npm ci)"
    files = []
    for name, path in page_paths().items():
        response = page.request.get(path)  # the bytes the live server sends, before any parsing
        assert response.status == expected_status(name), path
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.body())
        files.append(file)
    for name, (path, form, headers, status) in posted_pages(site.url).items():
        response = page.request.post(path, form=form, headers=headers)
        assert response.status == status, name
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.body())
        files.append(file)
    # The 429 page: every client over its limit (the live server runs in this process).
    monkeypatch.setattr(RateLimit, "reached", lambda self, request: True)
    path, form, headers, _ = posted_pages(site.url)["report-errors"]
    response = page.request.post(path, form={**form, "description": "Le numéro est faux."}, headers=headers)
    assert response.status == 429
    file = tmp_path / "too-many.html"
    file.write_bytes(response.body())
    files.append(file)
    errors = vnu_errors(files)
    assert not errors, "\n".join(f"{name}: {line}" for name, lines in errors.items() for line in lines)
