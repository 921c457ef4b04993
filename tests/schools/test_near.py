"""Nearest first: "what can I learn near me?" answered from the real gazetteer and the real directory."""

import re

import pytest
from django.db.models import Count

from places.models import Commune
from tests.factories import make_school, make_trade
from tests.responses import school_slugs, text

LIST_URL = "/ecoles/"


class TestNearestFirst:
    @pytest.mark.parametrize(
        ("typed", "first"),
        [
            ("50700", "ecole-usinage-cotentin"),
            ("valognes", "ecole-usinage-cotentin"),
            ("VALOGNES", "ecole-usinage-cotentin"),
            ("Condé-en-Normandie", "fil-en-normandie"),
            ("conde en normandie", "fil-en-normandie"),
            ("rouen", "le-ptit-plat"),
            ("76000", "le-ptit-plat"),
            ("Évreux", "usineure"),
            ("caen", "edp-100-bois-caen"),
        ],
    )
    def test_nearest_school_comes_first(self, client, directory, typed, first):
        response = client.get(LIST_URL, {"pres_de": typed})
        assert response.status_code == 200
        assert school_slugs(response)[0] == first
        assert len(school_slugs(response)) == 10  # nearest first, nobody dropped

    def test_distances_are_shown_in_km_and_increase(self, client, directory):
        response = client.get(LIST_URL, {"pres_de": "valognes"})
        distances = [school.distance_km for school in response.context["object_list"]]
        assert distances == sorted(distances)
        page = text(response)
        assert "de la plus proche à la plus lointaine de Valognes" in page
        assert "à moins de 1 km" in page  # the Valognes school is at the town hall's position
        # Valognes → Argentan is about 136 km as the crow flies (great-circle distance between the town
        # halls).
        argentan = next(s for s in response.context["object_list"] if s.slug == "gm2a-argentan")
        assert 125 < argentan.distance_km < 145
        assert re.search(r"à \d+ km", page)

    def test_radius_keeps_only_schools_within_reach(self, client, directory):
        response = client.get(LIST_URL, {"pres_de": "Caen", "rayon": "20"})
        assert school_slugs(response) == ["edp-100-bois-caen", "metal-academy"]
        assert all(school.distance_km <= 20 for school in response.context["object_list"])
        wider = school_slugs(client.get(LIST_URL, {"pres_de": "Caen", "rayon": "50"}))
        assert "fil-en-normandie" in wider and "ecole-usinage-cotentin" not in wider

    def test_combines_with_trade_filter(self, client, directory):
        response = client.get(LIST_URL, {"pres_de": "Valognes", "metier": "usinage"})
        assert school_slugs(response) == ["ecole-usinage-cotentin", "usineure"]

    def test_postcode_shared_by_several_communes_searches_around_them_and_offers_a_choice(
        self, client, directory
    ):
        shared = Commune.objects.current().with_postcode("14110")  # a postcode names the communes of today
        assert shared.count() > 1
        response = client.get(LIST_URL, {"pres_de": "14110"})
        page = text(response)
        assert response.status_code == 200
        assert school_slugs(response)[0] == "fil-en-normandie"
        assert "Plusieurs communes correspondent à « 14110 »" in page
        for commune in shared:
            assert commune.name in page
        assert "pres_de=Cond%C3%A9-en-Normandie+%2814110%29" in response.content.decode()
        chosen = client.get(LIST_URL, {"pres_de": "Condé-en-Normandie (14110)"})
        assert school_slugs(chosen)[0] == "fil-en-normandie" and "Plusieurs communes" not in text(chosen)

    def test_a_name_shared_by_several_communes_offers_the_choices(self, client, directory):
        # Two communes of today with one name (a former commune named like the commune it joined is not a
        # choice).
        homonyms = (
            Commune.objects.current().values("search_name").order_by("search_name").annotate(n=Count("id"))
        )
        name = next(row["search_name"] for row in homonyms if row["n"] > 1)
        response = client.get(LIST_URL, {"pres_de": name})
        assert response.status_code == 200
        assert "Plusieurs communes correspondent" in text(response)

    def test_unknown_place_says_so_and_keeps_the_other_filters(self, client, directory):
        response = client.get(LIST_URL, {"pres_de": "Trifouilly-les-Oies", "metier": "usinage"})
        assert response.status_code == 200
        assert "Nous ne trouvons pas « Trifouilly-les-Oies »" in text(response)
        assert sorted(school_slugs(response)) == ["ecole-usinage-cotentin", "usineure"]

    @pytest.mark.parametrize("radius", ["7", "abc", "-10", "1" * 50])
    def test_unknown_radius_is_ignored_with_a_message(self, client, directory, radius):
        response = client.get(LIST_URL, {"pres_de": "Caen", "rayon": radius})
        assert response.status_code == 200
        assert "Le rayon « " in text(response)
        assert len(school_slugs(response)) == 10

    def test_radius_without_a_place_is_explained(self, client, directory):
        assert "Le rayon sert avec « Près de »" in text(client.get(LIST_URL, {"rayon": "20"}))

    def test_pagination_keeps_the_place_and_the_order(self, client, directory):
        trade = make_trade()
        for i in range(15):
            make_school(name=f"Autre {i:02}", commune="Argentan", trades=[trade])
        first = client.get(LIST_URL, {"pres_de": "valognes"})
        assert "pres_de=valognes&amp;page=2" in first.content.decode()
        second = client.get(LIST_URL, {"pres_de": "valognes", "page": "2"})
        assert len(school_slugs(first)) == 12 and len(school_slugs(second)) == 12  # 25 schools: 12, 12, 1
        distances = [s.distance_km for s in [*first.context["object_list"], *second.context["object_list"]]]
        assert distances == sorted(distances)

    def test_pagination_with_a_radius_keeps_the_order(self, client, directory):
        """With a radius, the schools are counted by the map's query; each page is read nearest first."""
        trade = make_trade()
        for i in range(15):
            make_school(name=f"Autre {i:02}", commune="Argentan", trades=[trade])
        near = {"pres_de": "argentan", "rayon": "100"}
        first = client.get(LIST_URL, near)
        assert "pres_de=argentan&amp;rayon=100&amp;page=2" in first.content.decode()
        second = client.get(LIST_URL, {**near, "page": "2"})
        assert len(school_slugs(first)) == 12 and school_slugs(second)
        schools = [*first.context["object_list"], *second.context["object_list"]]
        assert [(s.distance_km, s.name) for s in schools] == sorted((s.distance_km, s.name) for s in schools)

    @pytest.mark.parametrize("extra", [0, 40])
    def test_query_count_with_pres_de_does_not_grow_with_schools(
        self, client, directory, django_assert_num_queries, extra
    ):
        trade = make_trade()
        for i in range(extra):
            make_school(name=f"Autre {i:02}", commune="Caen", trades=[trade])
        # content version, options, place lookup, map points with the count, page, trades of the page
        with django_assert_num_queries(6):
            client.get(LIST_URL, {"pres_de": "caen", "metier": "usinage", "rayon": "100", "page": "1"})
