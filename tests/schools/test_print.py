"""What a printed school page relies on: the QR code tag, the EU emblem and the EU funding block."""

import math
import re
from html import unescape

import pytest
import segno
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string

from funding.models import FundingSource
from schools.models import SchoolFunding

SCHOOL_URL = "https://ecoles-de-production-normandie.fr/ecoles/metal-academy/"


def qr_svg(url):
    return Template("{% load qr %}{% qr_svg url %}").render(Context({"url": url}))


def path_data(svg):
    return re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)


class TestQrTag:
    def test_is_an_inline_svg_image_with_a_label(self):
        svg = qr_svg(SCHOOL_URL)
        assert svg.startswith("<svg ")
        assert svg.endswith("</svg>")
        assert 'role="img"' in svg
        assert 'aria-label="QR code vers la fiche en ligne"' in svg
        assert "<title>QR code vers la fiche en ligne</title>" in svg

    def test_has_no_xml_declaration(self):
        svg = qr_svg(SCHOOL_URL)
        assert "<?xml" not in svg
        assert "\n" not in svg

    def test_prints_about_25_mm_wide(self):
        svg = qr_svg(SCHOOL_URL)
        assert re.search(r'width="25(\.0+)?mm" height="25(\.0+)?mm"', svg)

    def test_draws_the_qr_code_segno_makes_for_the_url(self):
        expected = segno.make_qr(SCHOOL_URL, error="m")
        assert expected.is_micro is False
        assert path_data(qr_svg(SCHOOL_URL)) == path_data(expected.svg_inline(border=2))

    def test_is_deterministic(self):
        assert qr_svg(SCHOOL_URL) == qr_svg(SCHOOL_URL)

    def test_never_writes_the_url_into_the_markup(self):
        url = 'https://example.org/?a=1&b="><script>alert(1)</script>'
        svg = qr_svg(url)
        assert "example.org" not in svg
        assert "<script" not in svg
        assert path_data(svg) == path_data(segno.make_qr(url, error="m").svg_inline(border=2))

    def test_long_url_gets_a_bigger_code_not_an_error(self):
        long_url = SCHOOL_URL + "?" + "x" * 1000
        assert segno.make_qr(long_url, error="m").version > segno.make_qr(SCHOOL_URL, error="m").version
        assert 'role="img"' in qr_svg(long_url)

    @pytest.mark.parametrize("url", ["", None, SCHOOL_URL + "x" * 5000])
    def test_nothing_when_there_is_no_url_or_no_qr_code_can_hold_it(self, url):
        assert qr_svg(url) == ""


class TestEuEmblem:
    @pytest.fixture
    def emblem(self):
        return render_to_string("icons/eu-emblem.svg")

    def test_is_decorative_and_sized_3_by_2(self, emblem):
        assert 'aria-hidden="true"' in emblem
        assert 'focusable="false"' in emblem
        assert 'width="60" height="40"' in emblem
        assert 'viewBox="0 0 810 540"' in emblem

    def test_is_reflex_blue_with_gold_stars(self, emblem):
        assert 'fill="#039"' in emblem
        assert 'fill="#fc0"' in emblem

    def test_has_twelve_upright_stars_on_the_official_circle(self, emblem):
        stars = re.findall(r'<polygon class="star" points="([^"]+)"', emblem)
        assert len(stars) == 12
        height, centre = 540, (405, 270)
        for points in stars:
            corners = [tuple(map(float, point.split(","))) for point in points.split()]
            tips = corners[::2]
            star_x = sum(x for x, _ in tips) / 5
            star_y = sum(y for _, y in tips) / 5
            # Centre on a circle of radius 1/3 of the height, star radius 1/18, first point straight up.
            assert math.dist((star_x, star_y), centre) == pytest.approx(height / 3, abs=0.05)
            assert math.dist(tips[0], (star_x, star_y)) == pytest.approx(height / 18, abs=0.05)
            assert tips[0][0] == pytest.approx(star_x, abs=0.01)
            assert tips[0][1] < star_y


class TestEuFundingBlock:
    @pytest.fixture
    def eu_funding(self):
        return SchoolFunding(
            funding_source=FundingSource(name="FSE+", kind="eu", shows_eu_emblem=True),
            start_year=2026,
            end_year=2026,
            details="Appel à projets « Actions de raccrochage : parcours diplômant en École de production »",
        )

    @pytest.fixture
    def region_funding(self):
        return SchoolFunding(
            funding_source=FundingSource(name="Région Normandie", kind="region"), start_year=2019
        )

    def render(self, eu_funding, region_funding):
        """The block as a reader sees its characters (entities decoded)."""
        return unescape(
            render_to_string(
                "includes/_eu_funding.html", {"eu_funding": eu_funding, "region_funding": region_funding}
            )
        )

    def test_shows_the_emblem_with_the_official_statement(self, eu_funding):
        html = self.render(eu_funding, None)
        assert 'aria-labelledby="soutien-ue"' in html
        assert '<h2 id="soutien-ue">Avec le soutien de l\'Union européenne</h2>' in html
        emblem, statement = html.split('class="eu-emblem"', 1)[1].split("</svg>", 1)
        assert emblem.count('class="star"') == 12
        assert statement.lstrip().startswith("<strong>Cofinancé par l'Union européenne</strong>")

    def test_names_the_fund_the_call_and_the_period(self, eu_funding):
        html = self.render(eu_funding, None)
        assert "<dd>FSE+</dd>" in html
        assert "Actions de raccrochage : parcours diplômant en École de production" in html
        assert "<dd>2026</dd>" in html

    def test_leaves_out_what_is_not_known(self, eu_funding):
        eu_funding.details = ""
        eu_funding.start_year = eu_funding.end_year = None
        html = self.render(eu_funding, None)
        assert "Programme" not in html
        assert "Période" not in html

    def test_mentions_the_region_only_when_it_funds_the_school(self, eu_funding, region_funding):
        assert "Région Normandie" not in self.render(eu_funding, None)
        assert "La Région Normandie soutient aussi l'école (depuis 2019)." in self.render(
            eu_funding, region_funding
        )

    def test_reads_nothing_from_the_database(self, db, django_assert_num_queries, eu_funding, region_funding):
        with django_assert_num_queries(0):
            self.render(eu_funding, region_funding)


def test_print_stylesheet_stays_small_and_sets_an_a4_page():
    css = (settings.BASE_DIR / "static" / "css" / "print.css").read_text()
    assert len(css.encode()) < 4096
    assert "@page { size: A4; margin: 12mm; }" in css
    assert ".print-only { display: block !important; }" in css
