"""One home for each piece of markup the templates share, and choices compared through their enums."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def templates():
    return [(path.relative_to(TEMPLATES), path.read_text()) for path in TEMPLATES.rglob("*.html")]


def test_external_links_are_written_by_one_tag():
    written_by_hand = [str(path) for path, text in templates() if "noopener" in text]
    assert written_by_hand == []


def test_the_external_link_tag_says_it_leaves_the_site():
    html = Template(
        '{% load links %}{% external_link url "Site web" of=name %} '
        '{% external_link url title hreflang="en" %}'
    ).render(Context({"url": "https://example.org/?a=1&b=2", "name": "A & B", "title": "<b>x</b>"}))
    assert html == (
        '<a href="https://example.org/?a=1&amp;b=2" rel="noopener external">Site web'
        '<span class="visually-hidden"> de A &amp; B (site externe)</span></a> '
        '<a href="https://example.org/?a=1&amp;b=2" rel="noopener external" hreflang="en">'
        "&lt;b&gt;x&lt;/b&gt;"
        '<span class="visually-hidden"> (site externe)</span></a>'
    )


def test_breadcrumbs_are_written_once():
    written = [str(path) for path, text in templates() if 'class="breadcrumb"' in text]
    assert written == ["includes/_breadcrumb.html"]


def test_no_template_compares_a_value_with_a_raw_string():
    raw_comparison = re.compile(r"\{%\s*(?:el)?if\b[^%]*?(?:==|!=)\s*[\"']")
    compared_raw = [str(path) for path, text in templates() if raw_comparison.search(text)]
    assert compared_raw == []


def test_the_icon_tag_draws_the_named_icon_hidden_from_screen_readers():
    html = Template("{% load icons %}{% icon name %}").render(Context({"name": "gear"}))
    assert html == (TEMPLATES / "icons" / "gear.svg").read_text()
    assert html.startswith('<svg class="icon"') and 'aria-hidden="true"' in html
