import pytest
from django.urls import reverse
from django.utils import timezone

from schools.models import OpenDay, School
from tests.factories import (
    make_directory,
    make_funding_source,
    make_programme,
    make_school,
    make_school_funding,
    make_testimonial_link,
    make_trade,
)
from tests.responses import school_names, text

LIST_URL = reverse("schools:school_list")


@pytest.fixture
def mechanics(db):
    return make_trade(slug="mecanique-automobile", name="Mécanique automobile", icon="car")


@pytest.fixture
def sample(db, mechanics):
    """Three schools that differ on every filter."""
    cap_mv = make_programme(trades=[mechanics], slug="cap-mv", title="CAP Maintenance des véhicules")
    sewing = make_trade(slug="couture-confection", name="Couture et confection", icon="needle")
    fse = make_funding_source(slug="fse-plus", name="FSE+", kind="eu")
    argentan = make_school(
        name="GM2A",
        slug="gm2a",
        commune="Argentan",
        trades=[mechanics],
        programmes=[cap_mv],
    )
    make_school_funding(argentan, fse)
    evreux = make_school(
        name="L'Usin'Eure",
        slug="usineure",
        commune="Évreux",
        trades=[make_trade(slug="usinage", name="Usinage")],
    )
    make_school_funding(evreux, fse)
    conde = make_school(
        name="Fil en Normandie",
        slug="fil",
        commune="Condé-en-Normandie",
        trades=[sewing],
    )
    return {"argentan": argentan, "evreux": evreux, "conde": conde}


class TestSchoolList:
    def test_lists_published_schools_with_count(self, client, sample):
        response = client.get(LIST_URL)
        assert response.status_code == 200
        assert school_names(response) == ["Fil en Normandie", "GM2A", "L'Usin'Eure"]
        assert "3 écoles" in response.content.decode()

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"metier": "mecanique-automobile"}, ["GM2A"]),
            ({"formation": "cap-mv"}, ["GM2A"]),
            ({"departement": "27"}, ["L'Usin'Eure"]),
            ({"financement": "fse-plus"}, ["GM2A", "L'Usin'Eure"]),
            ({"q": "argentan"}, ["GM2A", "Fil en Normandie", "L'Usin'Eure"]),  # a place: nearest first
            ({"financement": "fse-plus", "departement": "61"}, ["GM2A"]),
            ({"financement": "fse-plus", "metier": "usinage", "q": "evreux"}, ["L'Usin'Eure"]),
            ({"metier": "couture-confection", "departement": "61"}, []),
        ],
    )
    def test_filters_alone_and_combined(self, client, sample, params, expected):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200
        assert school_names(response) == expected

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            # A place: every school, nearest first (schools/search_box.py reads the box).
            ("evreux", ["L'Usin'Eure", "GM2A", "Fil en Normandie"]),
            ("ÉVREUX", ["L'Usin'Eure", "GM2A", "Fil en Normandie"]),
            ("Evreux", ["L'Usin'Eure", "GM2A", "Fil en Normandie"]),
            ("conde en normandie", ["Fil en Normandie", "GM2A", "L'Usin'Eure"]),
            ("condé-en-normandie", ["Fil en Normandie", "GM2A", "L'Usin'Eure"]),
            ("mecanique", ["GM2A"]),  # a trade name
            ("MAINTENANCE vehicules", ["GM2A"]),  # a programme title
            ("usin'eure", ["L'Usin'Eure"]),  # the school's name (and its département)
            ("couture argentan", ["Fil en Normandie"]),  # a trade near a place
            ("couture usinage", []),  # every word must match the same school
        ],
    )
    def test_search_ignores_accents_case_and_hyphens(self, client, sample, typed, expected):
        assert school_names(client.get(LIST_URL, {"q": typed})) == expected

    def test_empty_result_explains_itself_and_offers_a_reset(self, client, sample):
        response = client.get(LIST_URL, {"metier": "couture-confection", "departement": "61"})
        html = text(response)
        assert "0 école\n" in html or "0 école<" in html
        assert "Aucune école ne correspond" in html
        assert f'href="{LIST_URL}"' in html
        assert "Métier : Couture et confection" in html  # the active filters are shown, each removable

    def test_active_search_is_shown_and_removable(self, client, sample):
        html = text(client.get(LIST_URL, {"q": "zzz", "departement": "14"}))
        assert "Recherche : zzz" in html
        assert 'href="?departement=14"' in html

    def test_pagination_keeps_the_filters(self, client, mechanics):
        for i in range(30):
            make_school(name=f"École {i:02}", trades=[mechanics])
        make_school(name="Hors filtre")
        response = client.get(LIST_URL, {"metier": "mecanique-automobile", "departement": "50"})
        html = response.content.decode()
        assert "30 écoles, page 1 sur 3" in html
        assert "?metier=mecanique-automobile&amp;departement=50&amp;page=2" in html
        page_2 = client.get(LIST_URL, {"metier": "mecanique-automobile", "departement": "50", "page": "2"})
        assert school_names(page_2) == [f"École {i:02}" for i in range(12, 24)]

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"departement": "99"}, "Le département « 99 » n'existe pas dans l'annuaire"),
            ({"metier": "astronaute"}, "Le métier « astronaute » n'existe pas"),
            ({"formation": "x" * 300}, "La formation"),
            ({"financement": "<b>"}, "Le financeur « <b> »"),
            ({"q": "a" * 5000}, "Le texte recherché est trop long"),
            ({"q": "evreux\x00"}, "Le texte recherché contient un caractère invalide"),
        ],
    )
    def test_bad_filter_values_get_a_clear_answer_and_other_filters_still_apply(
        self, client, sample, params, message
    ):
        response = client.get(LIST_URL, {**params, "financement": params.get("financement", "fse-plus")})
        assert response.status_code == 200
        assert message in text(response)
        assert "<b>" not in response.content.decode()
        if "financement" not in params:
            assert school_names(response) == ["GM2A", "L'Usin'Eure"]

    @pytest.mark.parametrize("page_number", ["abc", "0", "-1", "99999", "1e9", "\x00", "9" * 400])
    def test_junk_page_numbers_show_a_real_page(self, client, sample, page_number):
        response = client.get(LIST_URL, {"page": page_number})
        assert response.status_code == 200
        assert len(school_names(response)) == 3

    @pytest.mark.parametrize(
        "query_string",
        [
            "q=%22%27%3E%3Cscript%3Ealert(1)%3C/script%3E",
            "metier=%00",
            "departement=14&departement=27",
            "q=%ZZ",
            "page=2&page=x",
            "unknown=1",
            "q=" + "%C3%A9" * 2000,
        ],
    )
    def test_hostile_query_strings_never_break_the_page(self, client, sample, query_string):
        response = client.get(f"{LIST_URL}?{query_string}")
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.content.decode()

    def test_drafts_are_not_listed_counted_or_found(self, client, sample):
        make_school(name="Brouillon secret", slug="brouillon", status="draft", commune="Argentan")
        response = client.get(LIST_URL, {"q": "argentan"})
        assert school_names(response) == ["GM2A", "Fil en Normandie", "L'Usin'Eure"]
        assert "Brouillon secret" not in client.get(LIST_URL).content.decode()


class TestSchoolDetail:
    def test_shows_everything_published_about_the_school(self, client, sample, mechanics):
        school = sample["argentan"]
        school.age_min, school.age_max, school.cost = 15, 18, "free"
        school.pedagogy = "Les élèves réparent les voitures des clients."
        school.source_notes = "Une source dit un tiers, une autre deux tiers."
        school.save()
        make_testimonial_link(
            school, title="Le garage-école monte en puissance", kind="press", publisher="Zepros"
        )
        response = client.get(school.get_absolute_url())
        html = text(response)
        assert response.status_code == 200
        assert html.count("<h1") == 1
        for expected in [
            "GM2A",
            "École de production, Argentan (Orne)",
            "Mécanique automobile",
            "CAP Maintenance des véhicules",
            "De 15 à 18 ans",
            "Formation gratuite",
            "Les élèves réparent",
            "FSE+",
            "2026",
            "Le garage-école monte en puissance",
            "(site externe)",
            "Une source dit un tiers",
            "Sources",
            "Ces informations n'ont pas encore été vérifiées par la Région.",
        ]:
            assert expected in html, expected
        assert f'href="{mechanics.get_absolute_url()}"' in html
        assert 'rel="noopener external"' in html

    def test_fee_and_unknowns_are_said_plainly(self, client, db):
        school = make_school(cost="fee", annual_fee_eur=150, cost_details="tenue de travail comprise")
        html = text(client.get(school.get_absolute_url()))
        assert "150 € par an (tenue de travail comprise)" in html
        assert "Intitulé exact non confirmé" in html  # no programme linked
        assert "Non communiqué" in html

    def test_unknown_and_draft_schools_are_404_in_french(self, client, db):
        draft = make_school(status="draft")
        for url in [draft.get_absolute_url(), "/ecoles/nexiste-pas/", "/ecoles/%3Cscript%3E/"]:
            response = client.get(url)
            assert response.status_code == 404
            assert "Cette page n'existe pas" in text(response)


class TestHome:
    def test_explains_the_model_and_offers_trades_figures_and_search(self, client, db):
        make_directory(3)
        make_school(status="draft")
        response = client.get("/")
        html = text(response)
        assert response.status_code == 200
        assert "Faire pour apprendre" in html
        assert "Voir les 3 écoles" in html
        assert "Métier commun 0" in html
        assert "90 %" in html and "2023" in html and "Source" in html
        assert f'action="{LIST_URL}"' in html


@pytest.mark.parametrize("school_count", [10, 200], scope="class")
class TestQueryCounts:
    """Each public page runs a fixed number of queries, whatever the number of schools."""

    @pytest.mark.parametrize(
        ("url", "queries"),
        [
            # Each count starts with the page cache's content version (see core/cache.py).
            # key figures, trades with counts, school count, map points
            ("/", 5),
            # filter options, count, page, trades of the page, map points
            (LIST_URL, 6),
            # a filter: the map's points counted in the same query
            (LIST_URL + "?formation=cap-commun&page=3", 5),
            # … and the search box's trade words and place names ("école" is dropped: every school is one)
            (LIST_URL + "?metier=metier-commun-0&departement=50&financement=financeur-commun&q=ecole", 7),
            # … the place's commune, no "q" left
            (LIST_URL + "?q=Valognes", 9),
            # … and the everyday words of the text search
            (LIST_URL + "?q=Valognes+commune", 10),
            ("/metiers/", 2),
            # the trade, its schools counted, one page of them, their trades, its programmes
            ("/metiers/metier-commun-0/", 6),
            ("/formations/", 2),
            ("/formations/cap-commun/", 8),
            ("/financements/", 2),
            ("/financements/financeur-commun/", 5),
        ],
    )
    def test_public_pages(self, client, directory_of_size, django_assert_num_queries, url, queries):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200

    def test_school_page(self, client, directory_of_size, django_assert_num_queries):
        school = directory_of_size[-1]
        OpenDay.objects.create(school=school, date=timezone.localdate())
        # content version, school and commune, trades, programmes, fundings, testimonial links, sources,
        # upcoming open days: the page, its JSON-LD and its print sheet use these rows only
        with django_assert_num_queries(8):
            assert client.get(school.get_absolute_url()).status_code == 200


def test_search_finds_nothing_for_drafts_even_by_exact_name(client, db):
    make_school(name="Projet pas encore ouvert", status="draft")
    assert School.objects.published().search("projet").count() == 0
    assert school_names(client.get(LIST_URL, {"q": "Projet pas encore ouvert"})) == []


def test_cards_escape_every_text_they_show(client, db):
    """Cards are written by a tag (schools/templatetags/cards.py), not a template: it escapes each text."""
    trade = make_trade(name="Fer & <b>Bois</b>")
    name = 'Atelier "Fer & Bois" <Caen>'
    school = make_school(name=name, commune="Caen", trades=[trade], cost_details="<i>")
    html = client.get(LIST_URL, {"pres_de": "Caen", "selection": school.slug}).content.decode()
    name = "Atelier &quot;Fer &amp; Bois&quot; &lt;Caen&gt;"
    assert f'<a href="{school.get_absolute_url()}?selection={school.slug}">{name}</a>' in html
    assert f'<span class="visually-hidden"> ({name} y figure)</span>' in html
    assert "Fer &amp; &lt;b&gt;Bois&lt;/b&gt;</li>" in html
    assert "(&lt;i&gt;)</p>" in html and "à moins de 1 km à vol d'oiseau" in html
    for raw in ("<Caen>", "<b>", "<i>"):
        assert raw not in html
