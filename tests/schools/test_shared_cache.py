"""The page cache shared by several web processes through Redis, and what happens when Redis stops.

In-process first (quick): a cache nobody answers, then a real Redis stopped and started again. Then the real
thing (marked slow): two gunicorn processes in production settings sharing one Redis and one database (a
throwaway PostgreSQL database when DATABASE_URL names a server, else an SQLite file); an edit made through one
is read through the other on the next request; with Redis stopped, both keep serving pages from the database
and their log says why; once Redis is back, pages are cached again.
"""

import contextlib
import http.client
import logging
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import redis
from django.core.cache import cache

from core import cache as page_cache
from tests.conftest import redis_caches
from tests.factories import make_school
from tests.ports import free_port
from tests.redis_server import REDIS_SERVER, RedisServer

PROJECT = Path(__file__).resolve().parent.parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
needs_redis_server = pytest.mark.skipif(
    not REDIS_SERVER, reason="redis-server est absent (apt-get install redis-server ; .ci/run l'installe)"
)


@pytest.fixture
def fresh_page_store(monkeypatch):
    """A page store that has seen no failure yet (the module's one is shared by the whole process)."""
    store = page_cache.PageStore()
    monkeypatch.setattr(page_cache, "pages", store)
    return store


@pytest.fixture
def school(db):
    return make_school(name="L'Usin'Eure", commune="Évreux")


def cache_messages(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "core.cache"]


def test_a_cache_nobody_answers_costs_no_page_and_the_log_says_why(
    client, school, settings, caplog, fresh_page_store
):
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert client.get("/ecoles/").status_code == 200
        school.name = "L'Usin'Eure rénovée"
        school.save()
        second = client.get("/ecoles/")
    assert second.status_code == 200
    assert "Usin&#x27;Eure rénovée" in second.content.decode()  # built from the database
    [message] = cache_messages(caplog)  # once for the outage, not once per request
    assert "Cache des pages injoignable (ConnectionError" in message
    assert "construites depuis la base de données" in message


@pytest.mark.slow
@needs_redis_server
def test_when_redis_stops_pages_are_built_and_once_it_is_back_they_are_cached_again(
    client, school, settings, caplog, fresh_page_store, tmp_path, monkeypatch, django_assert_num_queries
):
    server = RedisServer(tmp_path)
    server.start()
    try:
        settings.CACHES = redis_caches(server.url)
        client.get("/ecoles/")
        with django_assert_num_queries(1):  # cached in Redis
            client.get("/ecoles/")
        server.stop()
        with caplog.at_level(logging.WARNING, logger="core.cache"):
            assert client.get("/ecoles/").status_code == 200
            assert "Cache des pages injoignable" in cache_messages(caplog)[-1]
            server.start()  # empty, as after a crash
            monkeypatch.setattr(page_cache, "RETRY_SECONDS", 0)
            fresh_page_store.retry_at = 0  # the retry delay is over
            assert client.get("/ecoles/").status_code == 200  # built, and stored again
            assert "de nouveau joignable" in cache_messages(caplog)[-1]
        with django_assert_num_queries(1):
            assert "L&#x27;Usin&#x27;Eure" in client.get("/ecoles/").content.decode()
        assert cache.get("page:absent") is None  # Redis answers again
    finally:
        server.stop()


# --- Two gunicorn processes -------------------------------------------------------------------------------


@contextlib.contextmanager
def shared_database(folder):
    """The database both processes use: a throwaway one on DATABASE_URL's PostgreSQL server, else a file."""
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / 'shared.sqlite3'}"
        return
    import psycopg

    name = f"ep_shared_cache_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(urllib.parse.urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Web:
    """One gunicorn process (one sync worker) in production settings, behind a pretend TLS proxy. Public pages
    are asked for as an anonymous visitor; the admin as staff, whose cookies are kept here (they are Secure: a
    cookie jar would not send them over plain HTTP)."""

    def __init__(self, env, folder, name):
        self.port = free_port()
        self.log = folder / f"{name}.log"
        self.cookies = {}
        command = [GUNICORN, "normandy_ep.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{self.port}"]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [*command, "--error-logfile", "-"], cwd=PROJECT, env=env, stdout=log, stderr=log
            )

    def wait_until_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            with contextlib.suppress(OSError):
                if self.request("GET", "/")[0] == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"gunicorn ne répond pas :\n{self.log.read_text()}")

    def request(self, method, path, form=None, staff=False):
        origin = f"https://127.0.0.1:{self.port}"
        headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + path}
        if staff and self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in (response.headers.get_all("Set-Cookie") or []) if staff else []:
                key, value = header.split(";", 1)[0].split("=", 1)
                self.cookies[key] = value
            return response.status, response.read().decode()
        finally:
            connection.close()

    def page(self, path, staff=False):
        status, html = self.request("GET", path, staff=staff)
        assert status == 200, (path, status, html[:500])
        return html

    def form_token(self, path):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.page(path, staff=True)).group(1)

    def log_in(self, username, password):
        token = self.form_token("/admin/login/")
        form = {"username": username, "password": password, "next": "/admin/", "csrfmiddlewaretoken": token}
        assert self.request("POST", "/admin/login/?next=/admin/", form, staff=True)[0] == 302

    def change_status(self, school_pk, action):
        token = self.form_token("/admin/schools/school/")
        form = {"action": action, "_selected_action": [school_pk], "index": 0, "csrfmiddlewaretoken": token}
        assert self.request("POST", "/admin/schools/school/", form, staff=True)[0] == 302

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
@needs_redis_server
def test_two_web_processes_share_redis_and_survive_its_outage(tmp_path):
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    webs = []
    try:
        with shared_database(tmp_path) as database_url:
            env = {
                key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "TEST_"))
            }
            env |= {
                "DJANGO_SETTINGS_MODULE": "normandy_ep.settings.base",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_BEHIND_TLS_PROXY": "true",
                "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
                "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
                "DJANGO_CACHE_URL": redis_server.url,
                "DATABASE_URL": database_url,
            }
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "load_directory", "-v", "0")
            manage(env, "collectstatic", "--noinput", "-v", "0")
            password = secrets.token_urlsafe(16)
            code = (
                # A regional staff member (superusers must first enrol a second factor in production).
                "from django.contrib.auth.models import Group, User; from schools.models import School; "
                f"user = User.objects.create_user('admin', 'admin@example.org', {password!r}, "
                "is_staff=True); "
                "user.groups.add(Group.objects.get(name='Rédaction')); "
                "print(School.objects.get(slug='usineure').pk)"
            )
            school_pk = int(manage(env, "shell", "-c", code).split()[-1])
            editing, reading = Web(env, tmp_path, "editing"), Web(env, tmp_path, "reading")
            webs = [editing, reading]
            for web in webs:
                web.wait_until_up()
            store = redis.Redis.from_url(redis_server.url)

            assert "Usin&#x27;Eure" in reading.page("/ecoles/")
            assert store.dbsize() > 0  # the pages are in Redis
            editing.log_in("admin", password)
            editing.change_status(school_pk, "unpublish")
            assert "Usin&#x27;Eure" not in reading.page("/ecoles/")  # the next request, the other process
            assert reading.request("GET", "/ecoles/usineure/")[0] == 404

            redis_server.stop()
            editing.change_status(school_pk, "publish")  # the admin works without the cache
            for web in webs:
                assert "Usin&#x27;Eure" in web.page("/ecoles/")  # built from the database
                assert "Usin&#x27;Eure" in web.page("/ecoles/usineure/")
                assert "Cache des pages injoignable" in web.log.read_text()

            redis_server.start()  # empty, as after a crash
            assert store.dbsize() == 0
            time.sleep(page_cache.RETRY_SECONDS + 0.5)
            for web in webs:
                web.page("/ecoles/")
                assert "de nouveau joignable" in web.log.read_text()
            assert store.dbsize() > 0  # caching resumed
            for web in webs:
                log = web.log.read_text()
                assert "Traceback" not in log and " 500 " not in log, log
    finally:
        for web in webs:
            web.stop()
        redis_server.stop()
