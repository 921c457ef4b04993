import re

from places import geo
from schools import views
from tests.factories import make_school


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
    assert f'<a href="{school.get_absolute_url()}" aria-label="{escaped}"><title>{escaped}</title>' in svg
    assert "<Caen>" not in svg


def test_the_map_stops_at_its_cap_and_says_the_list_has_them_all(client, db, monkeypatch):
    monkeypatch.setattr(views, "MAP_MAX_POINTS", 2)
    for _ in range(3):
        make_school(commune="Caen")
    html = client.get("/ecoles/").content.decode()
    assert len(map_links(html)) == 2
    assert "Carte de la Normandie : 2 écoles" in html
    assert "La carte montre les 2 premières ; la liste les donne toutes." in html
