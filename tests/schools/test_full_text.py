"""The search gives the same answers on PostgreSQL (full text, French, accents ignored) and on SQLite.

The suite runs on both databases in CI (.ci/run): these expectations hold on each."""

import pytest
from django.db import connection

from schools.models import School


def found(text):
    return set(School.objects.published().search(text).values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mécaniques", {"gm2a-argentan"}),  # plural folded / stemmed
        ("MECANIQUE Argentan", {"gm2a-argentan"}),
        ("évreux", {"usineure"}),
        ("usin'eure", {"usineure"}),
        ("condé-en-normandie", {"fil-en-normandie"}),
        ("le petit quevilly", {"le-ptit-plat"}),
        ("école production", {"metropole-havraise", "epifa-flers", "ecole-usinage-cotentin"}),
        ("chaudronnerie", {"metal-academy", "metropole-havraise"}),
        ("cap primeur", {"ecole-des-semeurs"}),
        ("zzzz", set()),
    ],
)
def test_same_answers_on_both_databases(directory, typed, expected):
    assert found(typed) == expected


def test_little_words_alone_filter_nothing(directory):
    assert found("de la") == set(School.objects.published().values_list("slug", flat=True))


def test_postgresql_searches_in_full_text_and_sqlite_by_substring(directory):
    sql = str(School.objects.search("mecanique").query)
    if connection.vendor == "postgresql":
        assert "@@" in sql and "french_unaccent" in sql
    else:
        assert "UNACCENT" in sql and "LIKE" in sql
