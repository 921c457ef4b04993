"""A near search pages through the schools in the same order whether or not they are found among the nearest
first (School.objects.as_far_as_nearest: PostgreSQL's index of map positions, SQLite's bands of latitudes):
ties at one town hall included, with a filter and a radius too."""

import importlib
import random
from types import SimpleNamespace

import pytest
from django.db import connection

from core.pagination import SCHOOLS_PER_PAGE
from places.models import Commune
from schools.models import BAND_SEARCH_MAX_COUNT, School
from tests.factories import make_funding_source, make_school, make_school_funding, make_trade
from tests.responses import school_slugs

LIST_URL = "/ecoles/"


@pytest.fixture
def many_ties(directory):
    """37 more schools, most of them sharing a town hall's position with others: names in no order."""
    trade = make_trade(slug="tournage", name="Tournage")
    names = [f"École Z{i:02}" for i in range(37)]
    random.Random(4).shuffle(names)
    communes = ["Argentan", "Caen", "Falaise", "Bayeux", "Caen", "Argentan"]
    for i, name in enumerate(names):
        make_school(name=name, slug=f"ecole-z{i}", commune=communes[i % len(communes)], trades=[trade])
    return trade


def every_page(client, params, count):
    """The slugs of every page of a list of `count` schools, in order."""
    shown = []
    for page in range(1, count // SCHOOLS_PER_PAGE + 2):
        shown += school_slugs(client.get(LIST_URL, {**params, "page": page}))
    return shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "filters"),
    [
        ({"pres_de": "caen"}, {}),
        ({"pres_de": "cherbourg"}, {}),  # most schools beyond the widest band (SEARCH_RADII_KM): all kept
        ({"pres_de": "argentan", "metier": "tournage"}, {"trades__slug": "tournage"}),
    ],
)
def test_every_page_of_a_near_search_is_in_distance_then_name_order(client, many_ties, params, filters):
    place = Commune.objects.current().get(search_name__startswith=params["pres_de"])
    schools = School.objects.published().filter(**filters).nearest_to(place.latitude, place.longitude)
    expected = list(schools.values_list("slug", flat=True))
    assert every_page(client, params, len(expected)) == expected


@pytest.mark.django_db
def test_a_radius_still_keeps_only_the_schools_within_it_in_order(client, many_ties):
    caen = Commune.objects.current().get(name="Caen")
    schools = School.objects.published().nearest_to(caen.latitude, caen.longitude, radius_km=30)
    within = list(schools.values_list("slug", flat=True))
    assert every_page(client, {"pres_de": "caen", "rayon": "30"}, len(within)) == within and len(within) > 12


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="GiST : PostgreSQL seulement (DATABASE_URL)")
def test_postgresql_finds_the_nearest_schools_from_the_index_of_migration_0018(many_ties):
    caen = Commune.objects.current().get(name="Caen")
    schools = School.objects.published().nearest_to(caen.latitude, caen.longitude)
    ids = schools.as_far_as_nearest(caen.latitude, caen.longitude, count=24).values("pk")[12:24]
    with connection.cursor() as cursor:
        # A test's table is small, and its statistics may say one row: a scan and a sort would then look as
        # cheap. Without them, only an index whose expression is exactly the query's can give the order.
        for setting in ("enable_seqscan", "enable_sort"):
            cursor.execute(f"SET {setting} = off")
        plan = ids.explain()
        for setting in ("enable_seqscan", "enable_sort"):
            cursor.execute(f"RESET {setting}")
    assert "school_plane_point_idx" in plan, plan


@pytest.mark.django_db
def test_a_page_is_picked_among_the_nearest_schools_not_all_of_them(many_ties):
    caen = Commune.objects.current().get(name="Caen")
    schools = School.objects.published().nearest_to(caen.latitude, caen.longitude)
    nearest = schools.as_far_as_nearest(caen.latitude, caen.longitude, count=SCHOOLS_PER_PAGE)
    assert SCHOOLS_PER_PAGE <= nearest.count() < schools.count()
    assert list(nearest[:SCHOOLS_PER_PAGE]) == list(schools[:SCHOOLS_PER_PAGE])


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="bandes de latitudes : SQLite seulement")
def test_sqlite_reads_the_bands_of_latitudes_from_their_index_and_not_for_deep_pages(many_ties):
    caen = Commune.objects.current().get(name="Caen")
    schools = School.objects.published().nearest_to(caen.latitude, caen.longitude)
    first_page = schools.as_far_as_nearest(caen.latitude, caen.longitude, count=SCHOOLS_PER_PAGE)
    assert "school_status_latitude_idx" in first_page.values("pk").explain()
    deep = schools.as_far_as_nearest(caen.latitude, caen.longitude, count=BAND_SEARCH_MAX_COUNT + 1)
    assert deep.query.where == schools.query.where  # measuring and sorting them all is as fast there


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="statistiques de SQLite")
@pytest.mark.parametrize(
    ("migration", "indexes"),
    [
        ("0019_near_search_band_of_latitudes", ["school_status_latitude_idx"]),
        ("0020_counts_from_indexes", ["school_status_updated_idx", "school_funding_by_funder_idx"]),
    ],
)
def test_migrations_weigh_their_indexes_like_the_others_in_an_analysed_sqlite_database(
    many_ties, migration, indexes
):
    migration = importlib.import_module(f"schools.migrations.{migration}")
    make_school_funding(School.objects.first(), make_funding_source())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for index in indexes:  # as before the migration
            cursor.execute("DELETE FROM sqlite_stat1 WHERE idx = %s", [index])
        migration.complete_sqlite_statistics(None, SimpleNamespace(connection=connection))
        for index in indexes:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = %s", [index])
            assert cursor.fetchone() is not None, index
