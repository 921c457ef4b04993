"""What a teenager and a parent need on a school page: how to get in, practical life, who funds it."""

import datetime

import pytest
from django.utils import timezone

from schools.models import OpenDay
from tests.factories import make_funding_source, make_school, make_school_funding, make_source
from tests.responses import text


@pytest.fixture
def school(db):
    return make_school(name="L'Usin'Eure", commune="Évreux", phone="+33232000000")


def test_how_to_get_in_says_what_to_ask_and_gives_the_schools_contact(client, school):
    page = text(client.get(school.get_absolute_url()))
    assert "Comment entrer" in page
    for words in ["quelles sont les étapes pour entrer", "Contacter l'école"]:
        assert words in page
    assert 'href="tel:+33232000000">02 32 00 00 00</a>' in page


def test_a_school_without_contact_details_says_so(client, db):
    page = text(client.get(make_school(phone="", email="", website="").get_absolute_url()))
    assert "L'annuaire ne connaît pas encore les coordonnées de cette école." in page


def test_past_open_days_disappear_by_themselves(client, school):
    today = timezone.localdate()
    OpenDay.objects.create(school=school, date=today - datetime.timedelta(days=1), details="hier")
    OpenDay.objects.create(school=school, date=today, details="aujourd'hui")
    OpenDay.objects.create(
        school=school,
        date=today + datetime.timedelta(days=30),
        start_time=datetime.time(9),
        end_time=datetime.time(17),
    )
    page = text(client.get(school.get_absolute_url()))
    assert "hier" not in page
    assert "aujourd'hui" in page
    assert "de 9h00 à 17h00" in page


def test_no_open_day_is_said_plainly(client, school):
    assert "Aucune date annoncée pour le moment." in text(client.get(school.get_absolute_url()))


def test_intake_and_practical_life_show_known_facts_and_say_non_communique_otherwise(client, school):
    school.intake_places, school.joins_during_year = 6, "yes"
    school.intake_confirmed_on = datetime.date(2026, 10, 1)
    school.weekly_hours, school.meals = 35, "Repas au self de l'établissement"
    school.save()
    page = text(client.get(school.get_absolute_url()))
    assert "<dt>Places à la prochaine rentrée</dt><dd>6</dd>" in page
    assert "<dt>Entrée en cours d'année</dt><dd>Oui</dd>" in page
    assert "confirmées par l'école le 1 octobre 2026" in page
    assert "35 h" in page and "Repas au self" in page
    assert "<dt>Transports</dt><dd>Non communiqué</dd>" in page


def test_eu_block_shows_on_fse_funded_schools_only(client, school):
    fse = make_funding_source(slug="fse-plus", name="FSE+", kind="eu", shows_eu_emblem=True)
    region = make_funding_source(slug="region-normandie", name="Région Normandie", kind="region")
    year = timezone.localdate().year
    make_school_funding(school, fse, start_year=year, end_year=year)
    make_school_funding(school, region, start_year=year, end_year=year)
    other = make_school(name="Sans FSE")
    make_school_funding(other, region)
    funded = text(client.get(school.get_absolute_url()))
    assert "Cofinancé par l'Union européenne" in funded
    assert funded.count("<svg") >= 1 and "Région Normandie" in funded
    assert "Cofinancé par l'Union européenne" not in text(client.get(other.get_absolute_url()))


def test_eu_block_disappears_once_the_funding_period_is_over(client, school):
    fse = make_funding_source(slug="fse-plus", name="FSE+", kind="eu", shows_eu_emblem=True)
    make_school_funding(school, fse, start_year=2014, end_year=2016)
    assert "Cofinancé par l'Union européenne" not in text(client.get(school.get_absolute_url()))


def test_print_version_carries_a_qr_code_to_the_page(client, school):
    page = client.get(school.get_absolute_url()).content.decode()
    qr_block = page[page.index('class="print-only print-qr"') :]
    assert "<svg" in qr_block
    assert f"http://testserver{school.get_absolute_url()}" in qr_block
    assert 'media="print"' in page


def test_sources_are_cited_with_every_text_escaped(client, db):
    """Citations are written by a tag (schools/templatetags/links.py), not a template: it escapes them."""
    linked = make_source(title="Fer & <b>Bois</b>", publisher="<i>Ouest</i>", note="Voir <p. 2>")
    unlinked = make_source(url="", title="Rapport <2024>", published_on=datetime.date(2024, 3, 5))
    html = client.get(make_school(sources=[linked, unlinked]).get_absolute_url()).content.decode()
    hidden = '<span class="visually-hidden"> (site externe)</span>'
    assert f'">Fer &amp; &lt;b&gt;Bois&lt;/b&gt;{hidden}</a>' in html
    assert ", &lt;i&gt;Ouest&lt;/i&gt;. Voir &lt;p. 2&gt;" in html
    assert "<cite>Rapport &lt;2024&gt;</cite>, Journal, 5 mars 2024" in html
    for raw in ("<b>Bois", "<i>Ouest", "<p. 2>", "<2024>"):
        assert raw not in html
