"""The search box (schools/search_box.py): real inputs → the filters they become, and the page they give.

Run on SQLite and on PostgreSQL (.ci/run): the reading is the same on both."""

from html import unescape

import pytest

from places.lookup import find_place
from schools.search_box import read_search_box
from tests.factories import make_school, make_trade
from tests.responses import school_slugs

LIST_URL = "/ecoles/"
MECA, CUISINE, BOIS, COUTURE = (
    "mecanique-automobile",
    "cuisine-restauration",
    "charpente-bois",
    "couture-confection",
)
SOUDURE, USINAGE, PRIMEUR = "chaudronnerie-soudage", "usinage", "maraichage-primeur"
CHERBOURG = "Cherbourg-en-Cotentin"

# (typed, filters read, the commune that `pres_de` names — None when it names none or several)
READINGS = [
    # A trade, by its name, a word of its name or an everyday word.
    ("mécano", {"metier": MECA}, None),
    ("cuisine", {"metier": CUISINE}, None),
    ("bois", {"metier": BOIS}, None),
    ("FRUITS ET LEGUMES", {"metier": PRIMEUR}, None),
    ("mécanique industrielle", {"metier": USINAGE}, None),  # the longer phrase wins over "mécanique"
    # A trade and a place, in any order and punctuation.
    ("mécanique Caen", {"metier": MECA, "pres_de": "Caen"}, "Caen"),
    ("mécanique, Caen", {"metier": MECA, "pres_de": "Caen"}, "Caen"),
    ("cuisine près de Lisieux", {"metier": CUISINE, "pres_de": "Lisieux"}, "Lisieux"),
    ("bois 14000", {"metier": BOIS, "pres_de": "14000"}, "Caen"),
    ("garage à Vire", {"metier": MECA, "pres_de": "Vire"}, "Vire, Vire Normandie"),
    ("soudure près de Cherbourg", {"metier": SOUDURE, "pres_de": "Cherbourg"}, CHERBOURG),
    (
        "couture Condé-sur-Noireau",
        {"metier": COUTURE, "pres_de": "Condé-sur-Noireau"},
        "Condé-sur-Noireau, Condé-en-Normandie",
    ),
    ("fruits et légumes Évreux", {"metier": PRIMEUR, "pres_de": "Évreux"}, "Évreux"),
    ("chaudronnerie Le Havre", {"metier": SOUDURE, "pres_de": "Le Havre"}, "Le Havre"),
    ("resto au Havre", {"metier": CUISINE, "pres_de": "Havre"}, "Le Havre"),
    # No source says a school teaches joinery: the word stays a word, and the place still reads as one.
    ("menuiserie Bois-Guillaume", {"q": "menuiserie", "pres_de": "Bois-Guillaume"}, "Bois-Guillaume"),
    ("restaurant Rouen", {"metier": CUISINE, "pres_de": "Rouen"}, "Rouen"),
    ("maraîchage Mesnil-en-Ouche", {"metier": PRIMEUR, "pres_de": "Mesnil-en-Ouche"}, "Mesnil-en-Ouche"),
    ("voiture st-lo", {"metier": MECA, "pres_de": "st-lo"}, "Saint-Lô"),
    ("Mécaniques automobiles Saint-Lô 50000", {"metier": MECA, "pres_de": "Saint-Lô 50000"}, "Saint-Lô"),
    ("usinage 50700", {"metier": USINAGE, "pres_de": "50700"}, None),  # several communes: a choice
    # A place alone: communes, former communes, abbreviations, postcodes.
    ("Lisieux", {"pres_de": "Lisieux"}, "Lisieux"),
    ("Cherbourg", {"pres_de": "Cherbourg"}, CHERBOURG),
    ("Cherbourg-Octeville", {"pres_de": "Cherbourg-Octeville"}, f"Cherbourg-Octeville, {CHERBOURG}"),
    ("Tourlaville", {"pres_de": "Tourlaville"}, f"Tourlaville, {CHERBOURG}"),
    (
        "Équeurdreville-Hainneville",
        {"pres_de": "Équeurdreville-Hainneville"},
        f"Équeurdreville-Hainneville, {CHERBOURG}",
    ),
    (
        "equeurdreville hainneville",
        {"pres_de": "equeurdreville hainneville"},
        f"Équeurdreville-Hainneville, {CHERBOURG}",
    ),
    ("Vire", {"pres_de": "Vire"}, "Vire, Vire Normandie"),
    ("Condé-sur-Noireau", {"pres_de": "Condé-sur-Noireau"}, "Condé-sur-Noireau, Condé-en-Normandie"),
    ("st lo", {"pres_de": "st lo"}, "Saint-Lô"),
    ("St-Lô", {"pres_de": "St-Lô"}, "Saint-Lô"),
    ("saint-lo", {"pres_de": "saint-lo"}, "Saint-Lô"),
    ("Caen 14000", {"pres_de": "Caen 14000"}, "Caen"),
    ("Lisieux, 14100", {"pres_de": "Lisieux, 14100"}, "Lisieux"),
    ("Lisieux (14100)", {"pres_de": "Lisieux (14100)"}, "Lisieux"),
    ("Valognes (50700)", {"pres_de": "Valognes (50700)"}, "Valognes"),
    ("14 100", {"pres_de": "14 100"}, None),
    ("14100", {"pres_de": "14100"}, None),
    ("bois-guillaume", {"pres_de": "bois-guillaume"}, "Bois-Guillaume"),  # a place, not the trade "bois"
    ("aux Andelys", {"pres_de": "Andelys"}, "Les Andelys"),
    ("Petit-Quevilly", {"pres_de": "Petit-Quevilly"}, "Le Petit-Quevilly"),
    ("autour de Flers", {"pres_de": "Flers"}, "Flers"),
    ("cuisine près de Trifouilly-les-Oies", {"metier": CUISINE, "pres_de": "Trifouilly-les-Oies"}, None),
    ("près de Trifouilly zzzz cuisine", {"metier": CUISINE, "pres_de": "Trifouilly zzzz"}, None),
    # A département.
    ("couture calvados", {"metier": COUTURE, "departement": "14"}, None),
    ("soudure Seine-Maritime", {"metier": SOUDURE, "departement": "76"}, None),
    ("usinage Manche", {"metier": USINAGE, "departement": "50"}, None),
    # School names, and words that are none of these.
    ("Metal Academy", {"q": "Metal Academy"}, None),
    ("GM2A Argentan", {"pres_de": "Argentan", "q": "GM2A"}, "Argentan"),
    ("EDP 100 % bois", {"metier": BOIS, "q": "EDP 100"}, None),
    ("école de production", {}, None),  # every school is one
    ("près de", {}, None),
    ("zzzz", {"q": "zzzz"}, None),
    ("<script>alert(1)</script>", {"q": "script alert 1 script"}, None),
    ("", {}, None),
]


class TestReading:
    """What the box reads from real inputs, on the real directory and gazetteer."""

    @pytest.mark.parametrize(("typed", "filters", "commune"), READINGS)
    def test_what_the_box_reads(self, directory, typed, filters, commune):
        assert read_search_box(typed) == filters
        if "pres_de" in filters:
            place = find_place(filters["pres_de"])
            assert (place.commune.full_name if place.commune else None) == commune

    def test_a_filter_chosen_in_the_form_is_left_alone_and_its_words_stay_searched(self, directory):
        assert read_search_box("cuisine Caen", taken=["metier"]) == {"pres_de": "Caen", "q": "cuisine"}
        assert read_search_box("cuisine Caen", taken=["pres_de"]) == {"metier": CUISINE, "q": "Caen"}


def test_there_are_forty_real_inputs_and_every_place_name_of_the_issue():
    typed = {row[0] for row in READINGS}
    assert len(typed) >= 40
    for name in ["Cherbourg", "Cherbourg-Octeville", "Tourlaville", "Équeurdreville-Hainneville", "Vire"]:
        assert name in typed
    assert {"Condé-sur-Noireau", "st lo", "St-Lô", "saint-lo", "Caen 14000", "Lisieux, 14100"} <= typed
    assert {"Lisieux (14100)", "14 100", "mécanique Caen", "cuisine près de Lisieux", "bois 14000"} <= typed


def page(client, **params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return response, unescape(response.content.decode())


class TestTheAnswer:
    """The list page a search box input gives, on the real directory and gazetteer."""

    def test_a_trade_and_a_place_become_visible_filters_nearest_first(self, client, directory):
        response, html = page(client, q="mécanique Caen")
        assert school_slugs(response) == ["gm2a-argentan"]
        assert "Métier : Mécanique automobile" in html and "Près de : Caen" in html  # the removable chips
        assert "de la plus proche à la plus lointaine de Caen" in html
        assert "km à vol d'oiseau" in html
        assert '<option value="mecanique-automobile" selected>' in html  # the form shows what was understood
        # Removing the trade keeps the place, and the box does not put it back.
        chips = {chip["label"]: chip["remove_query"] for chip in response.context["filter"].active_filters()}
        assert chips == {"Près de": "metier=mecanique-automobile", "Métier": "pres_de=Caen"}

    def test_a_place_alone_lists_every_school_nearest_first(self, client, directory):
        response, html = page(client, q="Tourlaville")
        assert school_slugs(response)[0] == "ecole-usinage-cotentin" and len(school_slugs(response)) == 10
        assert "de la plus proche à la plus lointaine de Tourlaville, Cherbourg-en-Cotentin" in html

    def test_when_nothing_fits_the_nearest_schools_teaching_the_trade_are_shown(self, client, directory):
        response, html = page(client, q="couture près de Caen", rayon="10")
        assert school_slugs(response) == []
        assert "Aucune école ne correspond exactement à tous ces choix." in html
        assert (
            "Les écoles les plus proches de Caen qui enseignent le métier « Couture et confection »" in html
        )
        assert [s.slug for s in response.context["alternatives"]["schools"]] == ["fil-en-normandie"]

    def test_when_no_school_teaches_it_nearby_the_nearest_schools_at_all_are_shown(self, client, directory):
        response, html = page(client, q="Caen zzzz")
        assert school_slugs(response) == []
        assert "Les écoles les plus proches de Caen</h2>" in html
        assert [s.slug for s in response.context["alternatives"]["schools"]] == [
            "edp-100-bois-caen",
            "metal-academy",
            "fil-en-normandie",
        ]

    def test_without_a_place_the_schools_teaching_the_trade_are_shown(self, client, directory):
        response, html = page(client, q="cuisine calvados")
        assert school_slugs(response) == []
        assert "Les écoles qui enseignent le métier « Cuisine et service en salle »" in html
        assert [s.slug for s in response.context["alternatives"]["schools"]] == ["le-ptit-plat"]

    def test_nothing_to_go_on_offers_the_whole_list(self, client, directory):
        response, html = page(client, q="zzzz")
        assert "Aucune école ne correspond exactement" in html and "alternatives" not in html
        assert f'href="{LIST_URL}"' in html

    @pytest.mark.parametrize(
        "typed", ["\x00cuisine", "mécanique " * 20, "<b>Caen</b>", "'; DROP TABLE x; --", "١٤١٠٠"]
    )
    def test_bad_input_never_fails(self, client, directory, typed):
        response, html = page(client, q=typed)
        assert "<b>Caen</b>" not in html

    @pytest.mark.parametrize("extra", [0, 40])
    def test_query_count_of_an_answer_without_exact_match_does_not_grow(
        self, client, directory, django_assert_num_queries, extra
    ):
        trade = make_trade()
        for i in range(extra):
            make_school(name=f"Autre {i:02}", commune="Caen", trades=[trade])
        # content version, options, trade words, place names, the place, map points with their count, then
        # the nearest schools teaching the trade and their trades
        with django_assert_num_queries(8):
            client.get(LIST_URL, {"q": "mécano Caen", "rayon": "10", "departement": "76"})
