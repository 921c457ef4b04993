"""Public pages are cached for anonymous visitors, and any content change shows on the next request.

Every test runs twice: with the local-memory cache of one process, and with a real Redis server (CI's, or one
started for the session; see tests/redis_server.py), as production runs with several web processes.
"""

import datetime
import io
import json
import sys
import zoneinfo

import pytest
from django.conf import settings as django_settings
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, close_old_connections, connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from core import cache as page_cache
from core.cache import (
    CachedPageWSGIHandler,
    PublicPageCacheMiddleware,
    content_version,
    content_version_on_open_connection,
)
from schools.models import OpenDay, School
from tests.conftest import redis_caches
from tests.factories import make_school, make_testimonial_link, make_trade
from tests.responses import text

# What the security middleware and the rest of the stack add: a hit must carry each of them, unchanged.
STACK_HEADERS = [
    "Content-Type",
    "Content-Length",
    "Content-Language",
    "Vary",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
]


@pytest.fixture(autouse=True, params=["locmem", "redis"])
def cache_backend(request, settings):
    if request.param == "redis":
        settings.CACHES = redis_caches(request.getfixturevalue("redis_url"))
    cache.clear()
    return request.param


def serialize_by_natural_keys(objects):
    return serializers.serialize(
        "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )


@pytest.fixture
def school(db):
    return make_school(name="L'Usin'Eure", commune="Évreux")


def pages_of(school):
    """The kinds of page the cache must serve fast: home, list, filtered list, school page."""
    trade = school.trades.get()
    return ["/", "/ecoles/", f"/ecoles/?metier={trade.slug}&departement=27", school.get_absolute_url()]


@pytest.fixture(scope="module")
def wsgi():
    """The production WSGI handler (normandy_ep/wsgi.py), called as gunicorn calls it."""
    return CachedPageWSGIHandler()


@pytest.fixture(autouse=True)
def keep_the_test_transaction(monkeypatch):
    """As Django's test client does for request_started: the test's open transaction is not a stale
    connection to close."""
    monkeypatch.setattr(page_cache, "close_old_connections", lambda: None)


def wsgi_get(handler, path, **headers):
    """(status line, header list, body) of a GET through `handler`, with HTTP_* environ `headers`."""
    path_info, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **headers,
    }
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer.update(status=status, headers=response_headers)

    # As Django's test client does: the test's open transaction is no stale connection to close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = handler(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def test_a_hit_replays_the_status_headers_and_body_the_whole_stack_gave(
    client, school, django_assert_num_queries
):
    for path in pages_of(school):
        built = client.get(path)
        with django_assert_num_queries(1):  # the content version: the page was not built again
            replayed = client.get(path)
        assert replayed.status_code == built.status_code == 200
        assert list(replayed.items()) == list(built.items()), path
        assert [header for header in STACK_HEADERS if header not in replayed] == []
        assert replayed.content == built.content


def test_the_production_handler_answers_a_hit_with_the_same_bytes_and_headers(
    wsgi, school, django_assert_num_queries
):
    for path in pages_of(school):
        built = wsgi_get(wsgi, path)
        with django_assert_num_queries(1):
            replayed = wsgi_get(wsgi, path)
        assert replayed == built, path
        assert built[0] == "200 OK"
        names = {name for name, _ in replayed[1]}
        assert [header for header in STACK_HEADERS if header not in names] == []


def test_the_production_handler_shows_an_edit_on_the_next_request(wsgi, school):
    assert b"L&#x27;Usin&#x27;Eure" in wsgi_get(wsgi, "/ecoles/")[2]
    school.name = "L'Usin'Eure rénovée"
    school.save()
    assert "L&#x27;Usin&#x27;Eure rénovée".encode() in wsgi_get(wsgi, "/ecoles/")[2]


def test_the_production_handler_never_answers_a_session_from_the_cache(wsgi, school, editor_client):
    wsgi_get(wsgi, "/ecoles/")  # stored for anonymous visitors
    School.objects.filter(pk=school.pk).update(name="Changé sans signal")  # no version bump
    session = editor_client.cookies[django_settings.SESSION_COOKIE_NAME].value
    staff_page = wsgi_get(wsgi, "/ecoles/", HTTP_COOKIE=f"{django_settings.SESSION_COOKIE_NAME}={session}")
    assert b"Chang\xc3\xa9 sans signal" in staff_page[2]
    assert b"Chang\xc3\xa9 sans signal" not in wsgi_get(wsgi, "/ecoles/")[2]  # the stored page, untouched


def test_the_production_handler_reads_the_same_content_version_through_the_driver(school):
    connection.ensure_connection()
    assert not connection.queries_logged  # else the driver's cursor is not the one used
    before = content_version_on_open_connection()
    assert before == content_version() > 0
    school.save()
    assert content_version_on_open_connection() == before + 1


def test_a_page_stored_over_https_is_never_replayed_over_plain_http(client, school):
    over_https = client.get("/ecoles/", secure=True)
    assert over_https["Strict-Transport-Security"].startswith("max-age=")
    over_http = client.get("/ecoles/")
    assert "Strict-Transport-Security" not in over_http


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
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)  # for the page
    monkeypatch.setattr(page_cache, "today", lambda: tomorrow)  # for the cache's key
    assert "journée d'aujourd'hui" not in text(client.get(school.get_absolute_url()))


@pytest.mark.parametrize("day", ["2026-11-30", "2027-03-28", "2027-10-31"])
def test_the_keys_date_turns_at_midnight_in_paris(day):
    """A plain day, then the days of 23 and 25 hours."""
    day = datetime.date.fromisoformat(day)
    paris = zoneinfo.ZoneInfo("Europe/Paris")

    def midnight(date):
        return datetime.datetime.combine(date, datetime.time(0), paris).timestamp()

    next_day = day + datetime.timedelta(days=1)
    clock = [midnight(day) - 0.001]
    today = page_cache.Today(clock=lambda: clock[0])
    assert today() == day - datetime.timedelta(days=1)
    for clock[0], date in [
        (midnight(day), day),
        (midnight(next_day) - 0.001, day),
        (midnight(next_day), next_day),
    ]:
        assert today() == date


def test_errors_and_junk_are_not_stored(client, school):
    for path in ["/ecoles/nexiste-pas/", "/ecoles/?q=" + "x" * 400]:
        client.get(path)
        assert cache.get(PublicPageCacheMiddleware.key(RequestFactory().get(path))) is None
    client.get("/ecoles/")
    assert cache.get(PublicPageCacheMiddleware.key(RequestFactory().get("/ecoles/"))) is not None


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


def test_pages_meant_for_one_visitor_are_never_stored():
    """A staff preview says so with Cache-Control; a page varying on anything but the language or the
    session cookie, or holding a CSP nonce, would be wrong for the next visitor."""

    def stored(**headers):
        return PublicPageCacheMiddleware.is_cacheable_response(HttpResponse("page", headers=headers))

    assert stored() and stored(Vary="Accept-Language, Cookie")
    assert not stored(**{"Cache-Control": "private"})
    assert not stored(**{"Cache-Control": "no-store, max-age=0"})
    assert not stored(Vary="User-Agent")
    request = RequestFactory().get("/ecoles/")
    assert not PublicPageCacheMiddleware.used_csp_nonce(request)
    request._csp_nonce = "bm9uY2U="  # what django-csp sets once a template asked for the nonce
    assert PublicPageCacheMiddleware.used_csp_nonce(request)
