"""The text search (`School.objects.search()`): the everyday words teenagers use for trades, and the same
answers on PostgreSQL (full text, French, accents ignored) as on SQLite.

The suite runs on both databases in CI (.ci/run): these expectations hold on each."""

import pytest
from django.db import connection

from programs.models import TradeKeyword
from schools.models import School


def found(text):
    return set(School.objects.published().search(text).values_list("slug", flat=True))


class TestEverydayWords:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("mécano", {"gm2a-argentan"}),
            ("garage", {"gm2a-argentan"}),
            ("soudure", {"metal-academy", "metropole-havraise"}),
            ("cuisine", {"le-ptit-plat"}),
            ("resto", {"le-ptit-plat"}),
            ("couture", {"fil-en-normandie"}),
            ("bois", {"edp-100-bois-caen"}),
            ("charpentier", {"edp-100-bois-caen"}),
            ("usinage", {"ecole-usinage-cotentin", "usineure"}),
            ("fruits et légumes", {"ecole-des-semeurs"}),
            ("FRUITS ET LEGUMES", {"ecole-des-semeurs"}),
            ("mecano argentan", {"gm2a-argentan"}),
            ("mecano caen", set()),
        ],
    )
    def test_everyday_words_find_their_trade(self, directory, typed, expected):
        assert found(typed) == expected

    def test_staff_can_teach_the_search_a_new_word(self, directory):
        assert found("pâtisserie") == set()
        TradeKeyword.objects.create(
            trade_id=School.objects.get(slug="le-ptit-plat").trades.get().pk, word="Pâtisserie"
        )
        assert found("patisserie") == {"le-ptit-plat"}

    def test_the_list_page_uses_the_synonyms(self, client, directory):
        response = client.get("/ecoles/", {"q": "mécano"})
        assert [school.slug for school in response.context["object_list"]] == ["gm2a-argentan"]


class TestSameAnswersOnBothDatabases:
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
    def test_same_answers_on_both_databases(self, directory, typed, expected):
        assert found(typed) == expected

    def test_little_words_alone_filter_nothing(self, directory):
        assert found("de la") == set(School.objects.published().values_list("slug", flat=True))

    def test_postgresql_searches_in_full_text_and_sqlite_by_substring(self, directory):
        sql = str(School.objects.search("mecanique").query)
        if connection.vendor == "postgresql":
            assert "@@" in sql and "french_unaccent" in sql
        else:
            assert "UNACCENT" in sql and "LIKE" in sql


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN : PostgreSQL seulement (DATABASE_URL)")
def test_postgresql_looks_the_words_up_in_the_indexes_of_migration_0021():
    """Each word is looked up in the schools' names and the communes' from their indexes, whose expressions
    core.search.Words must write exactly: matching a document built for each school read every school (0.35 s
    a query at 10,000 schools)."""
    schools = School.objects.published().search("atelier caen").values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a test's tables are small: a scan would look as cheap
        plan = schools.explain()
        cursor.execute("RESET enable_seqscan")
    assert "school_words_idx" in plan and "commune_words_idx" in plan, plan
