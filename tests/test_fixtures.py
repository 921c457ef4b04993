"""The directory data in fixtures/, written from public sources: complete, sourced, reloadable."""

from html import unescape

from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from funding.models import FundingSource
from programs.models import Programme
from schools.management.commands.load_directory import CONTENT_FIXTURES
from schools.models import School, SchoolFunding
from sources.models import KeyFigure

EXPECTED_SCHOOLS = {
    "metropole-havraise": "Le Havre",
    "ecole-des-semeurs": "Mesnil-en-Ouche",
    "ecole-usinage-cotentin": "Valognes",
    "usineure": "Évreux",
    "le-ptit-plat": "Le Petit-Quevilly",
    "edp-100-bois-caen": "Caen",
    "gm2a-argentan": "Argentan",
    "epifa-flers": "Flers",
    "metal-academy": "Colombelles",
    "fil-en-normandie": "Condé-en-Normandie",
}
FSE_2026_SCHOOLS = {
    "metropole-havraise",
    "ecole-des-semeurs",
    "ecole-usinage-cotentin",
    "usineure",
    "le-ptit-plat",
    "edp-100-bois-caen",
    "gm2a-argentan",
}


def row_counts():
    models = [
        m
        for label in settings.CONTENT_APPS
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return {model._meta.label: model._default_manager.count() for model in models}


def test_loading_the_fixtures_twice_changes_nothing(db):
    # The gazetteer (loaded once per session) has its own test: tests/places/test_gazetteer.py.
    call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
    first = row_counts()
    call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
    assert row_counts() == first
    assert first["schools.School"] == 10
    assert first["places.Commune"] == 2644 + 646  # communes of today and former communes


class TestTheLoadedDirectory:
    def test_the_ten_schools_are_published_where_the_sources_put_them(self, directory):
        schools = {
            school.slug: school.commune.name
            for school in School.objects.published().select_related("commune")
        }
        assert schools == EXPECTED_SCHOOLS

    def test_every_fact_bearing_object_cites_a_source(self, directory):
        for model in (School, Programme, FundingSource):
            assert not model.objects.filter(sources=None).exists(), model
        assert SchoolFunding.objects.exists() and KeyFigure.objects.exists()  # their source is a required key

    def test_every_object_passes_validation(self, directory):
        for label in settings.CONTENT_APPS:
            for model in apps.get_app_config(label).get_models():
                if hasattr(model, "instance_type"):  # history records are written by edits, not fixtures
                    continue
                for obj in model._default_manager.all():
                    obj.full_clean()

    def test_fse_plus_2026_funds_exactly_the_seven_schools_of_the_region_page(self, directory):
        funded = SchoolFunding.objects.filter(funding_source__slug="fse-plus", start_year=2026)
        assert {funding.school.slug for funding in funded} == FSE_2026_SCHOOLS

    def test_metal_academy_is_not_free(self, directory):
        school = School.objects.get(slug="metal-academy")
        assert (school.cost, school.annual_fee_eur) == ("fee", 150)

    def test_fil_en_normandie_regional_grant_per_pupil(self, directory):
        funding = SchoolFunding.objects.get(
            school__slug="fil-en-normandie", funding_source__slug="region-normandie"
        )
        assert (funding.amount_eur, funding.amount_basis) == (5000, "per_pupil_per_year")

    def test_every_school_page_shows_its_commune_programmes_and_sources(self, client, directory):
        for school in School.objects.select_related("commune").prefetch_related("programmes", "sources"):
            response = client.get(school.get_absolute_url())
            page = unescape(response.content.decode())
            assert response.status_code == 200
            assert school.commune.name in page
            programmes = list(school.programmes.all())
            for programme in programmes:
                assert programme.title in page
            if not programmes:
                assert "Intitulé exact non confirmé" in page
            for source in school.sources.all():
                assert source.title in page

    def test_load_directory_keeps_staff_edits_unless_forced(self, directory):
        School.objects.filter(slug="usineure").update(description="Texte corrigé par la Région.")
        call_command("load_directory", verbosity=0)
        assert School.objects.get(slug="usineure").description == "Texte corrigé par la Région."
        call_command("load_directory", "--force", verbosity=0)
        assert School.objects.get(slug="usineure").description != "Texte corrigé par la Région."
