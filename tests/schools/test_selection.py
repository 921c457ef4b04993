"""A counsellor's shortlist: /selection/?ecoles=a,b built by plain links, no account, no cookie."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.models import OpenDay
from schools.selection import MAX_SCHOOLS, Selection
from tests.factories import make_programme, make_school, make_trade
from tests.responses import text

SELECTION_URL = reverse("selection")


def names(response):
    return [entry["school"].name for entry in response.context["entries"]]


@pytest.fixture
def schools(db):
    cooking = make_trade(slug="cuisine", name="Cuisine")
    cap = make_programme(trades=[cooking], slug="cap-cuisine", title="CAP Cuisine")
    first = make_school(
        name="La Cuisine d'Argentan",
        slug="cuisine-argentan",
        commune="Argentan",
        trades=[cooking],
        programmes=[cap],
        street_address="3 rue du Four",
        phone="+33233000000",
        email="contact@example.org",
        age_min=15,
        age_max=18,
        cost="free",
    )
    second = make_school(name="L'Atelier d'Évreux", slug="atelier-evreux", commune="Évreux")
    draft = make_school(name="Brouillon", slug="brouillon", status="draft")
    return {"first": first, "second": second, "draft": draft}


class TestParse:
    def test_keeps_order_and_drops_duplicates_blanks_and_junk(self):
        selection = Selection.parse(" b, a,,b ,<script>, a;b ,c")
        assert selection.slugs == ["b", "a", "c"]
        assert selection.ignored == ["<script>", "a;b"]

    def test_reads_a_bounded_part_of_a_huge_address(self):
        selection = Selection.parse(",".join(f"s{n}" for n in range(10_000)))
        assert len(selection.slugs) == 4 * MAX_SCHOOLS

    def test_adding_keeps_the_others_and_readable_commas(self):
        assert Selection(["a", "b"]).url_adding("c") == "/selection/?ecoles=a,b,c"
        assert Selection(["a", "b"]).url_adding("a") == "/selection/?ecoles=a,b"


class TestSelectionPage:
    def test_shows_what_a_young_person_needs_to_act(self, client, schools):
        today = timezone.localdate()
        OpenDay.objects.create(school=schools["first"], date=today - datetime.timedelta(days=3))
        OpenDay.objects.create(
            school=schools["first"], date=today + datetime.timedelta(days=9), start_time=datetime.time(9)
        )
        OpenDay.objects.create(school=schools["first"], date=today + datetime.timedelta(days=40))
        response = client.get(SELECTION_URL, {"ecoles": "cuisine-argentan,atelier-evreux"})
        assert response.status_code == 200
        assert names(response) == ["La Cuisine d'Argentan", "L'Atelier d'Évreux"]
        page = text(response)
        for fact in [
            "Cuisine",
            "CAP Cuisine",
            "De 15 à 18 ans",
            "Formation gratuite",
            'href="tel:+33233000000">02 33 00 00 00<',
            "contact@example.org",
            "3 rue du Four, 61200 Argentan",
            f'datetime="{today + datetime.timedelta(days=9):%Y-%m-%d}"',
            "de 9h00",
            "Coût non communiqué",
            "Coordonnées non communiquées",
            "Aucune date annoncée pour le moment",
        ]:
            assert fact in page, fact
        assert f"{today + datetime.timedelta(days=40):%Y-%m-%d}" not in page  # the next one only
        assert "http://testserver/selection/?ecoles=cuisine-argentan,atelier-evreux" in page

    def test_sets_no_cookie(self, client, schools):
        response = client.get(SELECTION_URL, {"ecoles": "cuisine-argentan"})
        assert not response.cookies
        assert "Set-Cookie" not in response.headers

    def test_each_school_can_be_removed(self, client, schools):
        response = client.get(SELECTION_URL, {"ecoles": "cuisine-argentan,atelier-evreux", "pres_de": "Caen"})
        removals = [entry["remove_url"] for entry in response.context["entries"]]
        assert removals == [
            "/selection/?ecoles=atelier-evreux&pres_de=Caen",
            "/selection/?ecoles=cuisine-argentan&pres_de=Caen",
        ]
        assert names(client.get(removals[0])) == ["L'Atelier d'Évreux"]
        assert 'href="/selection/?ecoles=atelier-evreux&amp;pres_de=Caen"' in response.content.decode()

    def test_unknown_drafts_and_junk_are_ignored_with_a_message(self, client, schools):
        response = client.get(
            SELECTION_URL, {"ecoles": "brouillon,inconnue,cuisine-argentan,<b>x</b>,../../etc"}
        )
        assert response.status_code == 200
        assert names(response) == ["La Cuisine d'Argentan"]
        page = text(response)
        assert "Ces écoles ne sont pas (ou plus) dans l'annuaire : elles sont ignorées" in page
        for ignored in ["« brouillon »", "« inconnue »", "« <b>x</b> »", "« ../../etc »"]:
            assert ignored in page
        assert "<b>x</b>" not in response.content.decode()  # quoted back escaped
        assert "Brouillon" not in page  # a draft's name never shows
        assert response.context["share_url"] == "http://testserver/selection/?ecoles=cuisine-argentan"

    @pytest.mark.parametrize(
        "query",
        [
            {"ecoles": "a\x00b"},
            {"ecoles": ",,,,"},
            {"ecoles": "x" * 5000},
            {"ecoles": "ecole-1", "pres_de": "\x00"},
            {"ecoles": "ecole-1", "pres_de": "y" * 500},
            {"pres_de": "Caen"},
            {"ecoles": ["a", "b"]},
            {},
        ],
    )
    def test_junk_never_fails(self, client, schools, query):
        response = client.get(SELECTION_URL, query)
        assert response.status_code == 200

    def test_a_nul_character_is_reported(self, client, schools):
        page = text(client.get(SELECTION_URL, {"ecoles": "cuisine-argentan\x00"}))
        assert "L'adresse de la sélection contient un caractère invalide" in page
        assert "Cette sélection est vide" in page

    def test_at_most_twelve_schools(self, client, db):
        schools = [make_school(slug=f"ecole-choisie-{n:02}") for n in range(MAX_SCHOOLS + 2)]
        slugs = [school.slug for school in schools]
        response = client.get(SELECTION_URL, {"ecoles": ",".join(slugs)})
        assert [entry["school"].slug for entry in response.context["entries"]] == slugs[:MAX_SCHOOLS]
        page = text(response)
        assert "Une sélection compte 12 écoles au plus. Ces écoles n'y sont pas reprises" in page
        assert schools[-1].name in page
        assert response.context["share_url"].endswith(",".join(slugs[:MAX_SCHOOLS]))

    def test_distance_from_a_place(self, client, schools):
        response = client.get(SELECTION_URL, {"ecoles": "atelier-evreux,cuisine-argentan", "pres_de": "Caen"})
        assert names(response) == ["L'Atelier d'Évreux", "La Cuisine d'Argentan"]  # the counsellor's order
        page = text(response)
        assert re.search(r"À \d+ km à vol d'oiseau de Caen", page)
        assert "Distances depuis : Caen" in page

    def test_unknown_place_says_so_and_keeps_the_schools(self, client, schools):
        response = client.get(SELECTION_URL, {"ecoles": "atelier-evreux", "pres_de": "Nullepart"})
        assert names(response) == ["L'Atelier d'Évreux"]
        assert "Nous ne trouvons pas « Nullepart »" in text(response)

    def test_empty_selection_explains_how_to_build_one(self, client, db):
        page = text(client.get(SELECTION_URL))
        assert "Cette sélection est vide" in page
        assert "Ajouter à une sélection" in page

    def test_one_qr_code_per_school_and_one_for_the_selection(self, client, schools):
        page = text(client.get(SELECTION_URL, {"ecoles": "cuisine-argentan,atelier-evreux"}))
        assert page.count('aria-label="QR code vers la fiche en ligne de l\'école"') == 2
        assert page.count('aria-label="QR code vers cette sélection en ligne"') == 1
        assert "http://testserver/ecoles/cuisine-argentan/" in page


@pytest.mark.parametrize("school_count", [3, 30], scope="class")
class TestSelectionPageQueries:
    def test_fixed_number_of_queries(
        self, client, directory_of_size, django_assert_num_queries, school_count
    ):
        schools = directory_of_size
        for school in schools[:3]:
            OpenDay.objects.create(school=school, date=timezone.localdate())
        slugs = ",".join(school.slug for school in schools[:MAX_SCHOOLS])
        # content version, schools, trades, programmes, open days; the place: one commune lookup
        with django_assert_num_queries(6):
            response = client.get(SELECTION_URL, {"ecoles": slugs, "pres_de": "Caen"})
        assert len(response.context["entries"]) == min(school_count, MAX_SCHOOLS)


class TestAddingFromOtherPages:
    def test_the_list_offers_to_add_each_school_and_carries_the_selection(self, client, schools):
        page = client.get(reverse("schools:school_list"), {"selection": "atelier-evreux"}).content.decode()
        assert 'href="/selection/?ecoles=atelier-evreux,cuisine-argentan"' in page
        assert "Votre sélection : 1 école." in page
        assert '<input type="hidden" name="selection" value="atelier-evreux">' in page
        assert 'href="/ecoles/cuisine-argentan/?selection=atelier-evreux"' in page
        assert "Dans la sélection (1/12)" in page  # L'Atelier d'Évreux, already in
        assert 'href="/ecoles/?selection=atelier-evreux">Tout effacer' in page  # keeps the selection

    def test_the_list_starts_a_selection(self, client, schools):
        page = client.get(reverse("schools:school_list")).content.decode()
        assert 'href="/selection/?ecoles=cuisine-argentan"' in page
        assert "Votre sélection" not in page

    def test_a_full_selection_offers_no_more(self, client, schools):
        full = ",".join(f"ecole-pleine-{n}" for n in range(MAX_SCHOOLS))
        page = text(client.get(reverse("schools:school_list"), {"selection": full}))
        assert "Sélection complète (12 écoles)" in page
        assert "Ajouter à une sélection" not in page

    def test_the_school_page_adds_itself_to_the_carried_selection(self, client, schools):
        url = schools["first"].get_absolute_url()
        page = client.get(url, {"selection": "atelier-evreux"}).content.decode()
        assert 'href="/selection/?ecoles=atelier-evreux,cuisine-argentan"' in page
        page = client.get(url).content.decode()
        assert 'href="/selection/?ecoles=cuisine-argentan"' in page

    def test_the_list_adds_no_query(self, client, schools):
        with CaptureQueriesContext(connection) as plain:
            client.get(reverse("schools:school_list"))
        with CaptureQueriesContext(connection) as carrying:
            client.get(reverse("schools:school_list"), {"selection": "atelier-evreux,cuisine-argentan"})
        assert len(carrying) == len(plain)
