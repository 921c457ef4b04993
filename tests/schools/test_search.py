"""The search understands the everyday words teenagers use for trades."""

import pytest

from programs.models import TradeKeyword
from schools.models import School


def found(text):
    return set(School.objects.published().search(text).values_list("slug", flat=True))


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
def test_everyday_words_find_their_trade(directory, typed, expected):
    assert found(typed) == expected


def test_staff_can_teach_the_search_a_new_word(directory):
    assert found("pâtisserie") == set()
    TradeKeyword.objects.create(
        trade_id=School.objects.get(slug="le-ptit-plat").trades.get().pk, word="Pâtisserie"
    )
    assert found("patisserie") == {"le-ptit-plat"}


def test_the_list_page_uses_the_synonyms(client, directory):
    response = client.get("/ecoles/", {"q": "mécano"})
    assert [school.slug for school in response.context["object_list"]] == ["gm2a-argentan"]
