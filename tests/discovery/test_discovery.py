"""Search engines and sharing: sitemap.xml, robots.txt, canonical URLs, security.txt, JSON-LD, Open Graph and
the sharing images."""

import io
import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from discovery.share_image import draw_share_image, font, wrapped
from discovery.sitemaps import STATIC_PAGES
from tests.factories import make_programme, make_school, make_trade

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class HeadParser(HTMLParser):
    """The <meta>, <link> and JSON-LD scripts of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld = {}, {}, []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content")
        elif tag == "link":
            self.links[attrs.get("rel")] = attrs.get("href")
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag):
        self._in_json_ld = False


def head(response):
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def school(db):
    cooking = make_trade(slug="cuisine", name="Cuisine")
    cap = make_programme(trades=[cooking], slug="cap-cuisine", title="CAP Cuisine", duration_years=2)
    return make_school(
        name="L'Atelier </script><b>Cuisine</b>",
        short_name="Atelier",
        slug="atelier-cuisine",
        commune="Caen",
        trades=[cooking],
        programmes=[cap],
        street_address="1 rue du Port",
        phone="+33231000000",
        website="https://atelier.example.org/",
        age_min=15,
        age_max=18,
    )


class TestSitemap:
    def test_every_public_page_and_each_school_with_its_update_date(self, client, school):
        draft = make_school(slug="brouillon", status="draft")
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        entries = {
            url.find("s:loc", SITEMAP_NS).text: url.find("s:lastmod", SITEMAP_NS)
            for url in root.findall("s:url", SITEMAP_NS)
        }
        for name in STATIC_PAGES:
            assert f"http://testserver{reverse(name)}" in entries
        lastmod = entries["http://testserver/ecoles/atelier-cuisine/"]
        assert lastmod.text == timezone.localdate(school.updated_at).isoformat()
        assert "http://testserver/metiers/cuisine/" in entries
        assert "http://testserver/formations/cap-cuisine/" in entries
        assert f"http://testserver{draft.get_absolute_url()}" not in entries


class TestRobots:
    def test_points_to_the_sitemap_and_keeps_the_admin_out(self, client, db):
        response = client.get("/robots.txt")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert lines[0] == "User-agent: *"
        assert "Disallow: /admin/" in lines
        assert "Sitemap: http://testserver/sitemap.xml" in lines
        assert "Disallow: /" not in lines


class TestSecurityTxt:
    def test_not_served_while_the_publisher_has_given_no_contact(self, client, db, settings):
        settings.SECURITY_TXT_CONTACTS = []
        assert client.get("/.well-known/security.txt").status_code == 404

    def test_rfc_9116_fields_once_the_contact_is_set(self, client, db, settings):
        from datetime import UTC, datetime

        settings.SECURITY_TXT_CONTACTS = ["mailto:securite@example.org"]
        settings.SECURITY_TXT_EXPIRES = datetime(2027, 6, 30, tzinfo=UTC)
        response = client.get("/.well-known/security.txt")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode().splitlines() == [
            "Contact: mailto:securite@example.org",
            "Expires: 2027-06-30T00:00:00Z",
            "Preferred-Languages: fr, en",
            "Canonical: http://testserver/.well-known/security.txt",
        ]


class TestSchoolStructuredData:
    def test_json_ld_describes_the_school_and_its_programmes(self, client, school):
        response = client.get(school.get_absolute_url())
        [document] = head(response).json_ld
        assert document["@context"] == "https://schema.org"
        organisation, programme = document["@graph"]
        assert organisation["@type"] == "School"
        assert organisation["name"] == school.name  # markup in the name stays text
        assert organisation["url"] == "http://testserver/ecoles/atelier-cuisine/"
        assert organisation["telephone"] == "+33231000000"  # international format, as schema.org advises
        assert organisation["sameAs"] == "https://atelier.example.org/"
        assert organisation["address"] == {
            "@type": "PostalAddress",
            "streetAddress": "1 rue du Port",
            "postalCode": "14000",
            "addressLocality": "Caen",
            "addressRegion": "Normandie",
            "addressCountry": "FR",
        }
        geo = organisation["geo"]
        assert geo["@type"] == "GeoCoordinates"
        assert (geo["latitude"], geo["longitude"]) == (
            float(school.commune.latitude),
            float(school.commune.longitude),
        )
        assert programme == {
            "@type": "EducationalOccupationalProgram",
            "name": "CAP Cuisine",
            "url": "http://testserver/formations/cap-cuisine/",
            "provider": {"@id": organisation["@id"]},
            "educationalCredentialAwarded": "CAP",
            "timeToComplete": "P2Y",
            "typicalAgeRange": "15-18",
        }

    def test_nothing_in_the_data_can_close_the_script(self, client, school):
        page = client.get(school.get_absolute_url()).content.decode()
        script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
        assert "<" not in script and ">" not in script


class TestSharingTags:
    @pytest.mark.parametrize(
        "path", ["/", "/ecoles/", "/metiers/", "/parents/", "/donnees/", "/selection/", "/mentions-legales/"]
    )
    def test_every_page_has_canonical_open_graph_and_twitter_tags(self, client, db, path):
        response = client.get(path)
        tags = head(response)
        assert tags.links["canonical"] == f"http://testserver{path}"
        for name in ["og:title", "og:description", "og:url", "og:image", "og:image:alt", "og:type"]:
            assert tags.meta.get(name), name
        assert tags.meta["og:image"] == "http://testserver/partage.png"
        assert tags.meta["twitter:card"] == "summary_large_image"

    def test_the_canonical_address_leaves_filters_out(self, client, db):
        tags = head(client.get("/ecoles/", {"metier": "x", "selection": "a"}))
        assert tags.links["canonical"] == "http://testserver/ecoles/"

    def test_a_selection_is_its_own_canonical_page(self, client, school):
        tags = head(client.get("/selection/", {"ecoles": "inconnue,atelier-cuisine"}))
        assert tags.links["canonical"] == "http://testserver/selection/?ecoles=atelier-cuisine"
        assert tags.meta["og:url"] == "http://testserver/selection/?ecoles=atelier-cuisine"

    def test_a_school_page_shares_its_own_image_and_name(self, client, school):
        tags = head(client.get(school.get_absolute_url()))
        assert tags.meta["og:title"] == school.name
        assert tags.meta["og:image"] == "http://testserver/ecoles/atelier-cuisine/partage.png"
        assert "Caen" in tags.meta["og:image:alt"]
        assert unescape(tags.meta["og:description"]).startswith("École de production à Caen : cuisine.")

    def test_the_not_found_page_names_no_canonical_address(self, client, db):
        tags = head(client.get("/nulle-part/"))
        assert "canonical" not in tags.links


class TestShareImage:
    def test_a_1200_by_630_png_for_a_school(self, client, school):
        response = client.get(reverse("discovery:school_share_image", kwargs={"slug": school.slug}))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
        image = Image.open(io.BytesIO(response.content))
        assert image.format == "PNG"
        assert image.size == (1200, 630)

    def test_the_site_has_one_too(self, client, db):
        image = Image.open(io.BytesIO(client.get("/partage.png").content))
        assert (image.format, image.size) == ("PNG", (1200, 630))

    def test_a_very_long_name_still_fits(self, client, db):
        school = make_school(name="École " + "de production très longue " * 7, slug="longue")
        image = Image.open(io.BytesIO(client.get(f"/ecoles/{school.slug}/partage.png").content))
        assert image.size == (1200, 630)

    def test_text_too_long_for_three_lines_ends_with_an_ellipsis(self):
        draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
        lines, size = wrapped(draw, "mot " * 300 + "Anticonstitutionnellement" * 5, 76, True, 1056, 3)
        assert len(lines) == 3
        assert lines[-1].endswith(" …")
        assert all(draw.textlength(line, font=font(size, bold=True)) <= 1056 for line in lines)
        image = Image.open(io.BytesIO(draw_share_image("x" * 400, ["y" * 400, ""])))
        assert image.size == (1200, 630)

    @pytest.mark.parametrize("slug", ["brouillon", "inconnue"])
    def test_none_for_drafts_or_unknown_schools(self, client, db, slug):
        make_school(slug="brouillon", status="draft")
        assert client.get(f"/ecoles/{slug}/partage.png").status_code == 404

    def test_drawn_once_per_content_version(self, client, school, django_assert_num_queries, monkeypatch):
        url = f"/ecoles/{school.slug}/partage.png"
        first = client.get(url).content
        staff_request = {"HTTP_COOKIE": "sessionid=x"}  # past the page cache: the image cache alone
        calls = []
        import discovery.views

        monkeypatch.setattr(discovery.views, "draw_share_image", lambda *a: calls.append(a) or b"png")
        with django_assert_num_queries(1):  # the content version
            assert client.get(url, **staff_request).content == first
        assert calls == []
        school.name = "Nouveau nom"
        school.save()
        cache_key_count = len(calls)
        client.get(url, **staff_request)
        assert len(calls) == cache_key_count + 1
        assert calls[-1][0] == "Nouveau nom"
        cache.clear()


@pytest.mark.parametrize("school_count", [3, 40], scope="class")
class TestQueryCounts:
    """The same number of queries at 3 schools as at 40."""

    def test_sitemap(self, client, directory_of_size, django_assert_num_queries):
        # content version, then a count and a page for schools, trades, programmes and funders
        with django_assert_num_queries(9):
            client.get("/sitemap.xml")

    def test_share_image_and_robots(self, client, directory_of_size, django_assert_num_queries):
        school = directory_of_size[-1]
        with django_assert_num_queries(4):  # content version (page cache, image cache), school, trades
            client.get(f"/ecoles/{school.slug}/partage.png")
        with django_assert_num_queries(1):
            client.get("/robots.txt")
