"""Open data: /donnees/ and its downloads, parsed back with the tools a reuser would use."""

import csv
import datetime
import io
import json
from html import unescape

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from opendata.exports import FIELDS, spreadsheet_safe
from schools.models import OpenDay
from tests.factories import (
    make_funding_source,
    make_programme,
    make_school,
    make_school_funding,
    make_source,
    make_trade,
)

DOWNLOADS = ["opendata:csv", "opendata:json", "opendata:geojson", "opendata:open_days"]


@pytest.fixture
def directory_sample(db):
    cooking = make_trade(slug="cuisine", name="Cuisine")
    cap = make_programme(trades=[cooking], slug="cap-cuisine", title="CAP Cuisine")
    article = make_source(
        title="Un article sur l'école", publisher="Ouest-France", url="https://example.org/a"
    )
    school = make_school(
        name="L'Atelier ; « Cuisine », Caen",
        slug="atelier-cuisine",
        commune="Caen",
        trades=[cooking],
        programmes=[cap],
        sources=[article],
        street_address="1 rue du Port",
        phone="+33231000000",
        managing_body='=HYPERLINK("http://evil")',
        age_min=15,
        age_max=18,
        cost="fee",
        annual_fee_eur=300,
        latitude="49.18000",
        longitude="-0.37000",
        coordinates_precision="building",
    )
    make_school_funding(
        school,
        make_funding_source(slug="region", name="Région Normandie"),
        amount_eur=1000,
        amount_basis="per_year",
    )
    other = make_school(name="Fil en Normandie", slug="fil", commune="Condé-en-Normandie")
    make_school(name="Brouillon secret", slug="brouillon-secret", status="draft")
    today = timezone.localdate()
    OpenDay.objects.create(
        school=school,
        date=today + datetime.timedelta(days=5),
        start_time=datetime.time(9),
        end_time=datetime.time(12, 30),
        details="Sur rendez-vous",
    )
    OpenDay.objects.create(school=other, date=today + datetime.timedelta(days=8))
    OpenDay.objects.create(school=other, date=today - datetime.timedelta(days=8))  # past
    return {"school": school, "other": other}


def get(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response


class TestCsv:
    def test_utf8_with_bom_one_school_a_line(self, client, directory_sample):
        response = get(client, "opendata:csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content.startswith(b"\xef\xbb\xbf")
        text = response.content.decode("utf-8-sig")
        assert len(text.splitlines()) == 1 + 2  # the header, then one line for each published school
        rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
        assert [row["identifiant"] for row in rows] == ["fil", "atelier-cuisine"]
        row = rows[1]
        assert list(row) == [field.name for field in FIELDS]
        assert row["nom"] == "L'Atelier ; « Cuisine », Caen"
        assert row["fiche"] == "http://testserver/ecoles/atelier-cuisine/"
        assert row["metiers"] == "Cuisine"
        assert row["formations"] == "CAP Cuisine"
        assert (row["latitude"], row["longitude"], row["position"]) == ("49.18", "-0.37", "building")
        assert (row["age_min"], row["age_max"], row["cout"], row["frais_annuels_eur"]) == (
            "15",
            "18",
            "fee",
            "300",
        )
        assert row["telephone"] == "+33231000000"  # a phone number stays as it is, never a formula
        assert row["organisme_gestionnaire"] == '\'=HYPERLINK("http://evil")'  # never run as a formula
        assert (
            row["prochaine_porte_ouverte"] == (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
        )
        assert rows[0]["position"] == "mairie"
        assert (rows[0]["nom_court"], rows[0]["adresse"], rows[0]["age_min"]) == ("", "", "")  # unknown
        assert "Brouillon" not in text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        ("", ""),
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("+A1", "'+A1"),
        ("-0.37", "-0.37"),
        ("+33231000000", "+33231000000"),
        ("- une liste", "- une liste"),
        ("ligne 1\nligne 2", "ligne 1 ligne 2"),
        (15, "15"),
    ],
)
def test_spreadsheet_safe_cells(value, cell):
    assert spreadsheet_safe(value) == cell


class TestJson:
    def test_schools_with_trades_programmes_fundings_and_sources(self, client, directory_sample):
        response = get(client, "opendata:json")
        assert response["Content-Type"] == "application/json"
        document = json.loads(response.content)
        assert document["licence"]["url"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
        assert document["documentation"] == "http://testserver/donnees/"
        schools = {school["identifiant"]: school for school in document["ecoles"]}
        assert set(schools) == {"atelier-cuisine", "fil"}
        school = schools["atelier-cuisine"]
        assert school["metiers"] == [{"identifiant": "cuisine", "nom": "Cuisine"}]
        assert school["formations"][0]["intitule"] == "CAP Cuisine"
        assert school["formations"][0]["niveau"] == 3
        [funding] = school["financements"]
        assert funding["financeur"]["nom"] == "Région Normandie"
        assert (funding["montant_eur"], funding["montant_base"]) == (1000, "per_year")
        assert funding["source"]["url"].startswith("https://example.org/")
        assert school["sources"] == [
            {
                "titre": "Un article sur l'école",
                "editeur": "Ouest-France",
                "date": None,
                "url": "https://example.org/a",
            }
        ]
        assert school["age_min"] == 15
        assert school["latitude"] == 49.18


def assert_geojson_point_collection(document):
    """The structure RFC 7946 asks of a FeatureCollection of Points."""
    assert document["type"] == "FeatureCollection"
    assert isinstance(document["features"], list)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        longitude, latitude = geometry["coordinates"]  # two positions, longitude first
        assert all(isinstance(value, (int, float)) for value in (longitude, latitude))
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert "crs" not in document  # RFC 7946 drops it: WGS 84 is implied


class TestGeoJson:
    def test_one_point_per_published_school(self, client, directory_sample):
        response = get(client, "opendata:geojson")
        assert response["Content-Type"] == "application/geo+json"
        document = json.loads(response.content)
        assert_geojson_point_collection(document)
        points = {feature["id"]: feature for feature in document["features"]}
        assert set(points) == {"atelier-cuisine", "fil"}
        assert points["atelier-cuisine"]["geometry"]["coordinates"] == [-0.37, 49.18]
        town_hall = directory_sample["other"].commune
        expected = [float(town_hall.longitude), float(town_hall.latitude)]
        assert points["fil"]["geometry"]["coordinates"] == expected
        assert points["fil"]["properties"]["position"] == "mairie"
        # Normandy, longitude first
        for feature in document["features"]:
            longitude, latitude = feature["geometry"]["coordinates"]
            assert -2 < longitude < 2 and 48 < latitude < 51


class TestCalendar:
    def test_upcoming_open_days_of_all_schools(self, client, directory_sample):
        response = get(client, "opendata:open_days")
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        calendar = icalendar.Calendar.from_ical(response.content)
        events = calendar.walk("VEVENT")
        assert len(events) == 2  # the past one is gone
        timed, whole_day = events
        today = timezone.localdate()
        assert str(timed["SUMMARY"]) == "Journée portes ouvertes : L'Atelier ; « Cuisine », Caen"
        start = timed.decoded("DTSTART")
        assert start.date() == today + datetime.timedelta(days=5)
        assert (start.hour, start.minute, str(start.tzinfo)) == (9, 0, "Europe/Paris")
        assert timed.decoded("DTEND").time() == datetime.time(12, 30)
        assert "1 rue du Port" in str(timed["LOCATION"])
        assert "Sur rendez-vous" in str(timed["DESCRIPTION"])
        assert str(timed["URL"]) == "http://testserver/ecoles/atelier-cuisine/"
        assert whole_day.decoded("DTSTART") == today + datetime.timedelta(days=8)  # a date: all day
        assert len({str(event["UID"]) for event in events}) == 2
        assert calendar.walk("VTIMEZONE")

    def test_per_school(self, client, directory_sample):
        response = get(client, "opendata:school_open_days", slug="fil")
        events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        assert [str(event["SUMMARY"]) for event in events] == ["Journée portes ouvertes : Fil en Normandie"]

    @pytest.mark.parametrize("slug", ["brouillon-secret", "inconnue"])
    def test_drafts_and_unknown_schools_have_none(self, client, directory_sample, slug):
        response = client.get(reverse("opendata:school_open_days", kwargs={"slug": slug}))
        assert response.status_code == 404

    def test_the_school_page_links_to_its_calendar(self, client, directory_sample):
        page = client.get(directory_sample["school"].get_absolute_url()).content.decode()
        assert 'href="/donnees/portes-ouvertes/atelier-cuisine.ics"' in page


class TestDataPage:
    def test_says_what_under_which_licence_fields_and_sources(self, client, directory_sample):
        response = get(client, "opendata:index")
        page = unescape(response.content.decode())
        assert "Licence Ouverte / Open Licence version 2.0 (Etalab)" in page
        assert "Les 2 écoles publiées" in page
        for field in FIELDS:
            assert f"<code>{field.name}</code>" in page
        for name in DOWNLOADS:
            assert f'href="{reverse(name)}"' in page
        assert "Un article sur l'école" in page
        assert "Brouillon" not in page

    def test_lists_each_source_of_a_published_school_or_of_its_funding_once(self, client, db):
        by_school, by_funding, by_draft = (make_source(title=t) for t in ("Fiche", "Convention", "Secret"))
        for name in ("Atelier A", "Atelier B"):  # cited twice, listed once
            school = make_school(name=name, sources=[by_school])
            make_school_funding(school, make_funding_source(), source=by_funding)
        draft = make_school(status="draft", sources=[by_draft])
        make_school_funding(draft, make_funding_source(), source=by_draft)
        response = get(client, "opendata:index")
        assert [source.title for source in response.context["sources"]] == ["Convention", "Fiche"]

    def test_linked_from_every_page(self, client, directory_sample):
        assert 'href="/donnees/"' in client.get("/").content.decode()


@pytest.mark.parametrize("school_count", [3, 40], scope="class")
class TestQueryCounts:
    """Each file costs the same number of queries at 3 schools as at 40."""

    @pytest.mark.parametrize(
        ("name", "queries"),
        [
            ("opendata:index", 3),  # content version, count and last update, sources
            ("opendata:csv", 7),  # content version, schools, trades, programmes, fundings, sources, open days
            ("opendata:json", 7),
            ("opendata:geojson", 7),
            ("opendata:open_days", 2),  # content version, open days with their schools
        ],
    )
    def test_same_queries_whatever_the_size(
        self, client, directory_of_size, django_assert_num_queries, name, queries
    ):
        for school in directory_of_size:
            OpenDay.objects.create(school=school, date=timezone.localdate())
        with django_assert_num_queries(queries):
            client.get(reverse(name))

    def test_school_calendar(self, client, directory_of_size, django_assert_num_queries):
        school = directory_of_size[-1]
        with django_assert_num_queries(3):  # content version, the school, its open days
            client.get(reverse("opendata:school_open_days", kwargs={"slug": school.slug}))


@pytest.mark.parametrize("name", DOWNLOADS + ["opendata:index"])
def test_cached_like_the_pages(client, directory_sample, django_assert_num_queries, name):
    first = client.get(reverse(name))
    with django_assert_num_queries(1):  # the content version only
        again = client.get(reverse(name))
    assert again.content == first.content
    make_school(name="Nouvelle école", slug="nouvelle")  # any change shows at once
    assert client.get(reverse(name)).content != first.content or name == "opendata:open_days"
