import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from places import geo
from schools import views
from schools.models import School
from tests.factories import make_school
from tests.responses import school_names


def map_links(html):
    svg = html[html.index("<svg viewBox") : html.index("</svg>", html.index("<svg viewBox"))]
    return re.findall(r'<a href="(/ecoles/[^"]+/)"', svg)


def test_home_map_has_one_link_per_published_school_and_none_for_drafts(client, db):
    published = [make_school(commune="Caen"), make_school(commune="Argentan")]
    make_school(status="draft", slug="brouillon")
    links = map_links(client.get("/").content.decode())
    assert sorted(links) == sorted(school.get_absolute_url() for school in published)


def test_list_map_shows_the_filtered_schools(client, db):
    caen = make_school(commune="Caen")
    make_school(commune="Argentan")
    links = map_links(client.get("/ecoles/", {"departement": "14"}).content.decode())
    assert links == [caen.get_absolute_url()]


def test_map_points_sit_inside_the_frame_where_the_commune_is(client, db):
    school = make_school(commune="Valognes")
    html = client.get("/").content.decode()
    x, y = geo.project(school.commune.latitude, school.commune.longitude)
    assert f'cx="{x}" cy="{y}"' in html
    assert 0 < x < geo.MAP_WIDTH and 0 < y < geo.MAP_HEIGHT
    assert "<script" not in html and "http" not in html.split("<svg viewBox")[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_own_coordinates_win_over_the_commune(client, db):
    make_school(commune="Caen", latitude="49.19140", longitude="-0.35110", coordinates_precision="building")
    x, y = geo.project("49.19140", "-0.35110")
    assert f'cx="{x}" cy="{y}"' in client.get("/").content.decode()


def test_the_map_sits_in_the_page_body_not_in_the_title(client, db):
    make_school(commune="Caen")
    html = client.get("/ecoles/").content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert "carte" not in title and html.index("<svg viewBox") > html.index("<main")


def test_school_names_are_escaped_in_the_map(client, db):
    school = make_school(name='Atelier "Fer & Bois" <Caen>', commune="Caen")
    html = client.get("/").content.decode()
    svg = html[html.index("<svg viewBox") : html.index("</svg>", html.index("<svg viewBox"))]
    escaped = "Atelier &quot;Fer &amp; Bois&quot; &lt;Caen&gt;"
    named = f"{escaped}, Caen"  # the school and its town
    link = f'<a href="{school.get_absolute_url()}" aria-label="{named}"><title>{named}</title>'
    assert link in svg
    assert "<Caen>" not in svg


def test_the_map_stops_at_its_cap_and_says_the_list_has_them_all(client, db, monkeypatch):
    monkeypatch.setattr(views, "MAP_MAX_POINTS", 2)
    for _ in range(3):
        make_school(commune="Caen")
    html = client.get("/ecoles/").content.decode()
    assert len(map_links(html)) == 2
    assert "Carte de la Normandie : 2 écoles" in html
    assert "La carte montre les 2 premières ; la liste les donne toutes." in html


def test_a_filtered_list_counts_every_school_beyond_the_maps_cap(client, db, monkeypatch):
    """The count comes from the map's query (COUNT(*) OVER ()), not from the points it keeps."""
    monkeypatch.setattr(views, "MAP_MAX_POINTS", 2)
    for _ in range(5):
        make_school(commune="Caen")
    make_school(commune="Argentan")
    html = client.get("/ecoles/", {"departement": "14"}).content.decode()
    assert len(map_links(html)) == 2
    assert "5 écoles" in html and "6 écoles" not in html
    assert "5 écoles" in client.get("/ecoles/", {"departement": "14", "page": "99"}).content.decode()
    empty = client.get("/ecoles/", {"departement": "27"}).content.decode()
    assert "<svg viewBox" not in empty and "Aucune école" in empty


@pytest.mark.parametrize("cap", [300, 5])
def test_a_filtered_lists_pages_are_read_by_key_from_the_maps_rows(client, db, monkeypatch, cap):
    """The map's query of a filtered list returns its schools in the list's order: a page among its rows is
    read by key, without the filter's join done again. A page beyond them (the map capped at 5) is read as
    before."""
    monkeypatch.setattr(views, "MAP_MAX_POINTS", cap)
    names = [f"École {number:02}" for number in range(30)]
    for name in reversed(names):
        make_school(name=name, commune="Caen")
    make_school(name="Ailleurs", commune="Argentan")
    pages = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/ecoles/", {"departement": "14", "page": number})
        pages.append(school_names(response))
        filtered = [query for query in queries if '"departement" = ' in query["sql"]]
        assert len(filtered) == (1 if cap == 300 else 2)
    assert pages == [names[:12], names[12:24], names[24:]]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="plan de PostgreSQL (DATABASE_URL)")
def test_postgresql_counts_a_filtered_lists_schools_before_sorting_them():
    """Ordered by name alone, PostgreSQL walked its index of names over every published school to spare a
    sort (one département at 10,000 schools: 23 ms instead of 3): the count comes first in the order, so the
    rows are sorted once counted, whatever index reads them (on a test's empty tables, the index of names may
    still be the cheapest way to find the published schools)."""
    schools = School.objects.for_list().in_departement("14").map_points(301, counted=True, in_order=True)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_sort = off")  # a test's tables are small: a sort would look as cheap
        plan = schools.explain()
        cursor.execute("RESET enable_sort")
    sort_key = re.search(r"Sort Key: (.*)", plan)
    assert sort_key and sort_key.group(1).startswith("(count(*) OVER"), plan
    assert plan.index("Sort Key") < plan.index("WindowAgg"), plan  # the sort above the count, in the plan


def map_position(school):
    school = type(school).objects.get(slug=school.slug)
    return school.map_latitude, school.map_longitude


def test_a_school_sits_at_its_coordinates_else_at_its_town_hall_and_follows_every_change(db):
    school = make_school(commune="Caen")
    caen = school.commune
    assert map_position(school) == (float(caen.latitude), float(caen.longitude))
    school.latitude, school.longitude, school.coordinates_precision = "49.19140", "-0.35110", "building"
    school.save(update_fields=["latitude", "longitude", "coordinates_precision"])
    assert map_position(school) == (49.1914, -0.3511)
    school.latitude = school.longitude = None
    school.commune = make_school(commune="Argentan").commune
    school.save(update_fields=["latitude", "longitude", "commune"])
    assert map_position(school) == (float(school.commune.latitude), float(school.commune.longitude))


def test_schools_at_a_town_hall_move_with_it(db):
    at_town_hall = make_school(commune="Caen")
    own_place = make_school(
        commune="Caen", latitude="49.19140", longitude="-0.35110", coordinates_precision="building"
    )
    caen = at_town_hall.commune
    caen.latitude, caen.longitude = "49.20000", "-0.36000"
    caen.save()
    assert map_position(at_town_hall) == (49.2, -0.36)
    assert map_position(own_place) == (49.1914, -0.3511)


def test_loaded_schools_are_placed_on_the_map(db):
    from django.core import serializers

    school = make_school(commune="Caen")
    saved = [f.name for f in school._meta.concrete_fields if not f.name.startswith("map_")]  # an older backup
    data = serializers.serialize("json", [school], fields=saved)
    school.delete()
    for loaded in serializers.deserialize("json", data):
        loaded.save()  # raw, as loaddata and restore save
    assert map_position(school) == (float(school.commune.latitude), float(school.commune.longitude))
