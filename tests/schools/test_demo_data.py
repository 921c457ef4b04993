"""`manage.py generate_demo_data`: fake schools, clearly marked, valid, reproducible, never unasked."""

from html import unescape

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.models import ContentVersion
from places.models import Commune
from programs.models import Trade
from schools import models as school_models
from schools.models import School, SchoolFunding
from sources.models import Source


def generate(schools=5, *options, seed=7):
    call_command("generate_demo_data", "--schools", str(schools), "--seed", str(seed), *options, verbosity=0)


def demo_schools():
    return School.objects.filter(slug__startswith="demo-")


def snapshot():
    """The demo schools and their rows as text, ids and update times aside: what a seed must reproduce."""
    schools = demo_schools().order_by("slug")
    rows = []
    for school in schools.prefetch_related("trades", "programmes", "fundings", "testimonial_links"):
        fields = serializers.serialize("python", [school], use_natural_foreign_keys=True)[0]["fields"]
        fields.pop("updated_at")
        rows.append(fields)
        rows.append(sorted(trade.slug for trade in school.trades.all()))
        rows.append(sorted(programme.slug for programme in school.programmes.all()))
        rows.append(sorted((f.funding_source_id, f.start_year, f.amount_eur) for f in school.fundings.all()))
        rows.append(sorted(link.url for link in school.testimonial_links.all()))
    return rows


def test_refuses_the_default_database_unless_asked(db):
    with pytest.raises(CommandError, match="Refusé .* base par défaut") as refusal:
        call_command("generate_demo_data", "--schools", "3", verbosity=0)
    assert "DATABASE_URL" in str(refusal.value) and "--yes-default-database" in str(refusal.value)
    assert not demo_schools().exists()


def test_accepts_a_connection_named_explicitly(db):
    call_command("generate_demo_data", "--schools", "2", "--database", "default", verbosity=0)
    assert demo_schools().count() == 2


def test_refuses_an_unknown_connection(db):
    with pytest.raises(CommandError, match="« archive » n'existe pas"):
        call_command("generate_demo_data", "--schools", "2", "--database", "archive", verbosity=0)


def test_loads_the_real_directory_first_and_marks_every_school_as_fake(db):
    assert not Trade.objects.exists()
    generate(8, "--yes-default-database")
    assert School.objects.filter(slug="usineure").exists()  # the real directory, loaded because absent
    demo_source = Source.objects.get(slug="demo-donnees-fictives")
    assert demo_source.title == "Données de démonstration, fictives"
    assert demo_schools().count() == 8
    for school in demo_schools().prefetch_related("trades", "sources", "fundings", "testimonial_links"):
        assert school.name.startswith("[Démo] ")
        assert school.description.startswith("Fiche de démonstration : cette école n'existe pas")
        assert list(school.sources.all()) == [demo_source]
        assert school.trades.exists() and school.testimonial_links.exists()
        assert all(funding.source_id == demo_source.pk for funding in school.fundings.all())
    assert SchoolFunding.objects.filter(school__in=demo_schools()).exists()


def test_generated_rows_pass_the_same_validation_as_the_admin(db):
    generate(30, "--yes-default-database")
    for school in demo_schools():
        school.full_clean()  # postcode of the commune, coordinates with precision, fee only when paying…
        for funding in school.fundings.all():
            funding.full_clean()
    for link in school_models.TestimonialLink.objects.filter(school__in=demo_schools()):
        link.full_clean()


def test_schools_sit_in_real_communes_of_the_gazetteer(db):
    generate(20, "--yes-default-database")
    communes = Commune.objects.filter(schools__in=demo_schools())
    assert communes.exists()
    assert all(not commune.insee_code.startswith("99") for commune in communes)


def test_same_seed_same_schools(db):
    generate(10, "--yes-default-database", seed=3)
    first = snapshot()
    generate(10, "--yes-default-database", "--replace", seed=3)
    assert snapshot() == first
    generate(10, "--yes-default-database", "--replace", seed=4)
    assert snapshot() != first


class TestOnTheRealDirectory:
    def test_replace_removes_previous_demo_schools_and_keeps_the_real_ones(self, directory):
        generate(6, "--yes-default-database")
        generate(4, "--yes-default-database", "--replace")
        assert demo_schools().count() == 4
        assert School.objects.exclude(slug__startswith="demo-").count() == 10

    def test_a_second_run_without_replace_adds_more_schools(self, directory):
        generate(3, "--yes-default-database")
        generate(3, "--yes-default-database")  # same seed: the numbering continues, no clash
        assert demo_schools().count() == 6

    def test_writing_bumps_the_page_cache_version(self, directory):
        before = ContentVersion.objects.values_list("number", flat=True).first() or 0
        generate(2, "--yes-default-database")
        assert ContentVersion.objects.get().number > before


def test_demo_schools_show_on_the_public_pages(client, db):
    generate(5, "--yes-default-database")
    school = demo_schools().filter(status="published").first()
    page = unescape(client.get(school.get_absolute_url()).content.decode())
    assert school.name in page and "Données de démonstration, fictives" in page
    assert "[Démo] " in unescape(client.get("/ecoles/").content.decode())


def test_leaves_fresh_planner_statistics(db):
    """Without ANALYZE after a bulk load, PostgreSQL planned the filtered list as if tables were empty."""
    generate(20, "--yes-default-database")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'schools_school'")
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'schools_school'")
        assert cursor.fetchone()[0] is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM : PostgreSQL seulement (DATABASE_URL)")
def test_on_postgresql_it_also_vacuums_as_autovacuum_would():
    generate(20, "--yes-default-database")
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'schools_school'")
        assert cursor.fetchone()[0] is not None
