"""Public pages are cached for anonymous visitors, and any content change shows on the next request."""

import datetime
import json
from html import unescape

import pytest
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from schools.cache import content_version
from schools.models import OpenDay, School
from tests.factories import make_school, make_testimonial_link, make_trade


def serialize_by_natural_keys(objects):
    return serializers.serialize(
        "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )


def text(response):
    return unescape(response.content.decode())


@pytest.fixture
def school(db):
    return make_school(name="L'Usin'Eure", commune="Évreux")


def test_a_cached_page_costs_one_query(client, school, django_assert_num_queries):
    client.get("/ecoles/")
    with django_assert_num_queries(1):  # the content version
        assert "L'Usin'Eure" in text(client.get("/ecoles/"))


def test_any_content_change_shows_on_the_next_request(client, school):
    assert "L'Usin'Eure" in text(client.get("/ecoles/"))
    school.name = "L'Usin'Eure (nouveau nom)"
    school.save()
    assert "L'Usin'Eure (nouveau nom)" in text(client.get("/ecoles/"))


def test_many_to_many_changes_and_deletions_invalidate_too(client, school):
    welding = make_trade(name="Chaudronnerie et soudage")
    client.get(school.get_absolute_url())
    school.trades.add(welding)
    assert "Chaudronnerie et soudage" in text(client.get(school.get_absolute_url()))
    school.trades.remove(welding)
    assert "Chaudronnerie et soudage" not in text(client.get(school.get_absolute_url()))
    link = make_testimonial_link(school, title="Reportage à retirer")
    assert "Reportage à retirer" in text(client.get(school.get_absolute_url()))
    link.delete()
    assert "Reportage à retirer" not in text(client.get(school.get_absolute_url()))


def test_an_edit_in_the_admin_shows_on_the_next_public_request(client, school, editor):
    client.get("/ecoles/")
    staff = type(client)()
    staff.force_login(editor)
    response = staff.post(
        "/admin/schools/school/",
        {"action": "unpublish", "_selected_action": [school.pk]},
    )
    assert response.status_code == 302
    assert "L'Usin'Eure" not in text(client.get("/ecoles/"))


def test_staff_and_the_admin_are_never_served_from_or_stored_in_the_cache(client, school, editor):
    client.force_login(editor)
    client.get("/ecoles/")
    School.objects.filter(pk=school.pk).update(name="Changé sans signal")  # no version bump
    assert "Changé sans signal" in text(
        client.get("/ecoles/")
    )  # a logged-in visitor always gets a fresh page
    assert client.get("/admin/schools/school/")["Cache-Control"].startswith(
        ("max-age=0", "no-cache", "private")
    )


def test_past_open_days_vanish_at_midnight_even_from_the_cache(client, school, monkeypatch):
    today = timezone.localdate()
    OpenDay.objects.create(school=school, date=today, details="journée d'aujourd'hui")
    assert "journée d'aujourd'hui" in text(client.get(school.get_absolute_url()))
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "journée d'aujourd'hui" not in text(client.get(school.get_absolute_url()))


def test_errors_and_junk_are_not_stored(client, school):
    client.get("/ecoles/nexiste-pas/")
    client.get("/ecoles/?q=" + "x" * 400)
    assert not cache._cache  # local-memory backend: nothing was stored


def test_loading_fixtures_shows_on_the_next_request_with_one_bump(
    client, school, tmp_path, django_capture_on_commit_callbacks
):
    client.get("/ecoles/")
    fixture = tmp_path / "renamed.json"
    fixture.write_text(serialize_by_natural_keys([school]).replace("L'Usin'Eure", "L'Usin'Eure (restaurée)"))
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", str(fixture), verbosity=0)
        call_command("loaddata", str(fixture), verbosity=0)
    assert content_version() == before + 1  # one bump for the load, not one per object
    assert "L'Usin'Eure (restaurée)" in text(client.get("/ecoles/"))


def test_a_load_that_fails_still_leads_to_a_bump_at_the_next_one(
    school, tmp_path, django_capture_on_commit_callbacks
):
    good = tmp_path / "good.json"
    good.write_text(serialize_by_natural_keys([school]))
    # The school is saved, then the second object names a commune that does not exist: the load rolls back.
    objects = json.loads(good.read_text())
    stray = json.loads(json.dumps(objects[0]))
    stray["fields"].update(slug="ailleurs", name="Ailleurs", commune=["00000"])
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([*objects, stray]))
    before = content_version()
    with pytest.raises(IntegrityError):
        call_command("loaddata", str(broken), verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", str(good), verbosity=0)
    assert content_version() == before + 1
