"""The page for parents: plain answers, sourced, with no database behind it."""

import pytest
from django.urls import reverse

from tests.outline import outline

PARENTS_URL = reverse("parents")


@pytest.fixture
def parents_page(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):  # only the page cache's content version: the page needs no data
        response = client.get(PARENTS_URL)
    assert response.status_code == 200
    return outline(response)


def test_has_one_main_heading(parents_page):
    assert parents_page.h1_count == 1


@pytest.mark.parametrize(
    ("section_id", "heading"),
    [
        ("principe", "Qu'est-ce qu'une école de production ?"),
        ("statut", "Le statut de votre enfant"),
        ("cout", "Combien ça coûte ?"),
        ("rythme", "Une semaine à l'école"),
        ("apres", "Après le CAP"),
        ("entrer", "Comment entrer dans une école ?"),
        ("sources", "Sources"),
    ],
)
def test_answers_the_questions_parents_ask(parents_page, section_id, heading):
    assert parents_page.h2_texts[section_id] == heading
    assert section_id in parents_page.labelled_sections


def test_every_section_is_labelled_by_a_heading_on_the_page(parents_page):
    assert all(label in parents_page.h2_texts for label in parents_page.labelled_sections)


def test_key_facts_are_stated(parents_page):
    for fact in ("pas apprenti", "500 €", "150 €", "35 heures", "22 à 24 heures", "45 %", "bac pro"):
        assert fact in parents_page.text


def test_links_to_schools_trades_and_the_schools_it_names(parents_page):
    hrefs = {link["href"] for link in parents_page.links}
    assert reverse("schools:school_list") in hrefs
    assert reverse("programs:trade_list") in hrefs
    assert "/ecoles/metal-academy/" in hrefs
    assert "/ecoles/edp-100-bois-caen/" in hrefs


def test_external_links_open_safely_and_say_they_leave_the_site(parents_page):
    external = [link for link in parents_page.links if link["href"].startswith(("http://", "https://"))]
    assert len(external) >= 10
    for link in external:
        assert "noopener" in link["rel"], link["href"]
        assert "external" in link["rel"], link["href"]
        assert link["text"].endswith(" (site externe)"), link["href"]


def test_every_source_reference_points_to_a_listed_source(parents_page):
    references = {link["href"][1:] for link in parents_page.links if link["href"].startswith("#source-")}
    listed = {element_id for element_id in parents_page.ids if element_id.startswith("source-")}
    assert references
    assert references == listed
