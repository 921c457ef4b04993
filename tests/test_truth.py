"""Every published word as strong as its source, no stronger (README, "Data and sources").

Each test here guards one overstatement found by reading the fixtures and templates against the sources."""

import json
import re
from html import unescape
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from programs.models import Trade, TradeKeyword
from schools.models import School
from schools.templatetags.french import de_fr
from sources.models import Source
from tests.factories import make_programme, make_school, make_trade

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def section(html, section_id):
    """The text of <section aria-labelledby="section_id">…</section>."""
    match = re.search(rf'<section[^>]*aria-labelledby="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group()


def fixture_texts():
    """Every string the content fixtures publish (communes aside), with where it comes from."""
    for name in ("sources", "programs", "funding", "schools"):
        for obj in json.loads((FIXTURES / f"{name}.json").read_text()):
            for field, value in obj["fields"].items():
                if isinstance(value, str):
                    yield f"{obj['model']}.{field}", value


# A target presented as a fact ---------------------------------------------------------------------


def test_a_class_size_given_as_a_target_is_not_shown_as_the_class_size(client, db):
    school = make_school(class_size=12, class_size_is_target=True)
    facts = section(page(client, school.get_absolute_url()), "en-bref")
    assert "Objectif annoncé : 12" in facts
    assert not re.search(r"<dt>Élèves par classe</dt>\s*<dd>12</dd>", facts)


def test_a_counted_class_size_is_shown_as_it_is(client, db):
    school = make_school(class_size=9)
    facts = section(page(client, school.get_absolute_url()), "en-bref")
    assert re.search(r"<dt>Élèves par classe</dt>\s*<dd>9</dd>", facts)


def test_a_target_needs_a_number_in_the_database_itself(db):
    school = make_school()
    with pytest.raises(IntegrityError), transaction.atomic():
        School.objects.filter(pk=school.pk).update(class_size=None, class_size_is_target=True)


def test_the_class_sizes_of_the_directory_are_targets_as_their_sources_say(client, directory):
    # Fil en Normandie: "l'ambition d'atteindre douze élèves par classe"; GM2A: two groups of 12 planned;
    # Cotentin: about 12 per intake, but 15 pupils after two intakes.
    for slug in ("fil-en-normandie", "gm2a-argentan", "ecole-usinage-cotentin"):
        school = School.objects.get(slug=slug)
        assert (school.class_size, school.class_size_is_target) == (12, True), slug
        assert "Objectif annoncé : 12" in page(client, school.get_absolute_url())


# Sentences about every school ---------------------------------------------------------------------


def test_the_parents_page_states_no_rule_the_sources_do_not_give(client, db):
    html = page(client, reverse("parents"))
    for overstatement in (
        "Les élèves ont de 15 à 18 ans",  # the Région says "prioritairement"; some sources say 14 or 16
        "Votre enfant a entre 15 et 18 ans",
        "Tout se passe au même endroit",  # the Semeurs' lessons were first held in a nearby institute
        "ses coordonnées sont sur sa fiche.",  # most sheets have none
        "Le coût de chaque école est indiqué sur sa fiche",  # several sheets say "non communiqué"
        "toute la formation a lieu à l'école",
    ):
        assert overstatement not in html, overstatement
    assert "en priorité aux jeunes de 15 à 18 ans" in html
    assert "quand l'école les a communiquées" in html
    assert "quand l'école ou nos sources le donnent" in html


def test_the_parents_page_conditions_hold_because_some_schools_lack_the_data(directory):
    published = School.objects.published()
    assert published.filter(website="", email="", phone="").exists()
    assert published.filter(cost=School.Cost.UNKNOWN).exists()
    assert published.filter(age_min=None).exists()


def test_the_home_page_does_not_claim_every_pupil_is_15_to_18(client, db):
    html = page(client, reverse("home"))
    assert "Tu as entre 15 et 18 ans" not in html
    assert "surtout des jeunes de 15 à 18 ans" in html


# Admission ----------------------------------------------------------------------------------------


def test_a_school_page_shows_no_admission_step_that_no_source_gives(client, db):
    school = make_school()
    entry = section(page(client, school.get_absolute_url()), "entrer")
    for unsourced in ("séjour découverte", "entretien", "étapes habituelles"):
        assert unsourced not in entry
    assert "Nos sources ne disent pas comment on entre dans cette école." in entry
    assert "demande à l'école" in entry


def test_a_school_page_shows_what_a_source_says_about_getting_in(client, directory):
    school = School.objects.get(slug="metal-academy")
    entry = section(page(client, school.get_absolute_url()), "entrer")
    assert "ni bulletin scolaire ni dossier" in entry
    assert "Nos sources ne disent pas" not in entry


# Cost and FSE+ ------------------------------------------------------------------------------------


def test_free_means_a_free_training_and_unknown_extra_costs_are_said(client, db):
    school = make_school(cost=School.Cost.FREE)
    facts = section(page(client, school.get_absolute_url()), "en-bref")
    assert "Formation gratuite. Autres frais (repas, tenue de travail…) : non communiqués" in facts
    assert ">Gratuit<" not in facts


def test_known_extra_costs_show_on_the_card_too(client, db):
    make_school(cost=School.Cost.FEE, annual_fee_eur=150, cost_details="tenue de travail comprise")
    html = page(client, reverse("schools:school_list"))
    assert "150 € par an (tenue de travail comprise)" in html


def test_the_fse_plus_cofinances_and_never_pays_for_the_training(client, directory):
    pays = re.compile(r"FSE\+ paie|paie (la|des) formations? au CAP|il paie des formations", re.I)
    for where, text in fixture_texts():
        assert not pays.search(text), where
    school = School.objects.get(slug="usineure")
    html = page(client, school.get_absolute_url())
    assert "bénéficie du FSE+" in html
    assert "Cofinancé par l'Union européenne" in html


# Map notes ----------------------------------------------------------------------------------------


def test_map_notes_sources_and_stored_coordinates_agree(client, directory):
    for school in School.objects.published().select_related("commune").prefetch_related("sources"):
        html = page(client, school.get_absolute_url())
        if school.latitude is None:
            assert f"Sur la carte : mairie {de_fr(school.commune.name)} (" in html, school.slug
            for paragraph in school.source_notes.split("\n\n"):
                if "carte" in paragraph:
                    assert "mairie" in paragraph, (school.slug, paragraph)
            for source in school.sources.all():
                assert "coordonnées" not in source.note, (school.slug, source.slug)
        else:
            assert f"Sur la carte : {school.get_coordinates_precision_display().lower()}" in html


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Le Havre", "du Havre"),
        ("Les Andelys", "des Andelys"),
        ("Argentan", "d'Argentan"),
        ("Caen", "de Caen"),
    ],
)
def test_the_town_hall_is_named_as_french_writes_it(name, written):
    assert de_fr(name) == written


def test_a_village_centre_is_not_called_the_commune_centre(client, directory):
    # The Semeurs are at Beaumesnil, one village of the commune of Mesnil-en-Ouche.
    school = School.objects.get(slug="ecole-des-semeurs")
    assert "Sur la carte : centre du village où se trouve l'école" in page(client, school.get_absolute_url())


# Unsure facts: one rule ---------------------------------------------------------------------------

# Facts the fact sheet marks unsure, and the field that would show each one bare on a page: it stays empty.
UNSURE_FACTS_LEFT_OUT = [
    ("metropole-havraise", "postcode", ""),  # the city's postcodes, not the school's
    ("metropole-havraise", "opened_year", None),  # year inferred
    ("ecole-des-semeurs", "age_min", None),  # 14, 15 or 16 depending on the source
    ("ecole-des-semeurs", "class_size", None),  # changes with the years
    ("le-ptit-plat", "postcode", ""),  # Petit- or Grand-Quevilly
    ("edp-100-bois-caen", "boarding", "unknown"),  # the host lycée's boarding, not said for the school
    ("edp-100-bois-caen", "website", ""),  # the host's site
    ("gm2a-argentan", "workshop_share", ""),  # garbled in the only source
    ("fil-en-normandie", "age_min", None),  # "cinq femmes"
]


class TestUnsureFacts:
    @pytest.mark.parametrize(("slug", "field", "empty"), UNSURE_FACTS_LEFT_OUT)
    def test_an_unsure_fact_is_not_published_bare(self, directory, slug, field, empty):
        assert getattr(School.objects.get(slug=slug), field) == empty

    def test_unsure_diplomas_are_left_out_or_shown_with_their_doubt(self, client, directory):
        # Le Havre's and Le P'tit Plat's exact diplomas are inferred: no diploma page is linked.
        for slug in ("metropole-havraise", "le-ptit-plat"):
            assert not School.objects.get(slug=slug).programmes.exists()
        # Caen: the Région says CAP charpentier bois, TendanceOuest "CAP construction bois": shown with the
        # doubt.
        caen = School.objects.get(slug="edp-100-bois-caen")
        facts = section(page(client, caen.get_absolute_url()), "en-bref")
        assert "CAP Charpentier bois" in facts
        assert "TendanceOuest parle d'un « CAP construction bois »" in facts

    def test_an_unsure_commune_is_shown_with_its_doubt_on_the_page_and_the_card(self, client, directory):
        school = School.objects.get(slug="le-ptit-plat")
        html = page(client, school.get_absolute_url())
        assert "Le Petit-Quevilly (Seine-Maritime), lieu à confirmer" in html
        assert "France 3 parle de Grand-Quevilly" in html
        card = "Le Petit-Quevilly (Seine-Maritime), lieu à confirmer"
        assert card in page(client, reverse("schools:school_list"))

    def test_an_unsure_split_is_published_with_its_caveat(self, directory):
        assert School.objects.get(slug="ecole-usinage-cotentin").workshop_share.endswith("selon les sources")

    @pytest.mark.parametrize("slug", ["ecole-usinage-cotentin", "gm2a-argentan"])
    def test_weekly_hours_given_by_the_sources_are_published(self, client, directory, slug):
        school = School.objects.get(slug=slug)
        assert school.weekly_hours == 35
        life = section(page(client, school.get_absolute_url()), "vie-pratique")
        assert re.search(r"<dt>Heures par semaine</dt><dd>35 h</dd>", life)


# Everyday words -----------------------------------------------------------------------------------


class TestEverydayWords:
    @pytest.mark.parametrize(
        "word",
        [
            "carrosserie",  # GM2A prepares vehicle maintenance, not body repair
            "menuiserie",  # the Caen school teaches carpentry (charpente), not joinery
            "menuisier",
            "métallerie",  # metalwork is not the boilermaking and welding the schools teach
        ],
    )
    def test_everyday_words_lead_only_to_schools_that_teach_them(self, directory, word):
        assert not School.objects.published().search(word).exists()


# Home page ----------------------------------------------------------------------------------------


def test_the_home_page_does_not_imply_the_list_is_complete(client, directory):
    html = page(client, reverse("home"))
    assert "écoles de Normandie</a>" not in html
    assert "Voir les 10 écoles de l'annuaire" in html
    assert "Il en existe peut-être d'autres." in html
    assert "La liste complète" not in html


def test_a_trade_or_diploma_without_school_speaks_of_the_directory_not_of_normandy(client, db):
    for obj in (make_trade(), make_programme()):
        html = page(client, obj.get_absolute_url())
        assert "Aucune école de l'annuaire ne l" in html
        assert "pour le moment en Normandie" not in html and "de Normandie ne le prépare" not in html


def test_key_figure_cards_lead_with_the_figure_and_what_it_measures(client, directory):
    figures = section(page(client, reverse("home")), "chiffres")
    card = re.search(r'<li class="figure">(.*?)</li>', figures, re.S).group(1)
    classes = re.findall(r'<p class="figure-(\w+)"', card)
    assert classes == ["value", "label", "scope", "meta"]
    assert re.search(r'<p class="figure-value">Une dizaine</p>\s*<p class="figure-label">d\'écoles', card)
    assert "Source :" in re.search(r'<p class="figure-meta">.*', card, re.S).group()


def test_the_migrations_remove_untaught_words_and_sources_of_unused_coordinates(directory):
    """Databases loaded from the first fixtures lose what the fixtures no longer hold."""
    TradeKeyword.objects.create(trade=Trade.objects.get(slug="mecanique-automobile"), word="carrosserie")
    vikidia = Source.objects.create(slug="vikidia-le-havre", title="Le Havre")
    School.objects.get(slug="metropole-havraise").sources.add(vikidia)
    editor = SimpleNamespace(connection=connection)
    import_module("programs.migrations.0002_keywords_lead_only_to_taught_trades").delete_untaught_words(
        apps, editor
    )
    import_module("schools.migrations.0006_drop_sources_of_unused_coordinates").drop_unused_sources(
        apps, editor
    )
    assert not TradeKeyword.objects.filter(word="carrosserie").exists()
    assert not Source.objects.filter(slug="vikidia-le-havre").exists()
    assert TradeKeyword.objects.filter(word="garage").exists()
