"""PostgreSQL announces each new content version to the web processes (core.cache.NotifiedContentVersion):
a cached page is checked against it without a query, an edit still shows on the next request, and a cut
connection costs nothing but a return to reading the version. Real commits, so real transactions."""

import logging
import threading
import time

import pytest
from django.db import connection, connections, transaction

from core import cache as page_cache
from core.cache import NotifiedContentVersion, content_version
from tests.factories import make_school
from tests.schools.test_cache import wsgi_get

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="LISTEN/NOTIFY : PostgreSQL seulement (DATABASE_URL)"
    ),
]


@pytest.fixture
def listener(monkeypatch):
    """A listener whose periodic read never comes during a test: only notifications can change its number."""
    monkeypatch.setattr(NotifiedContentVersion, "CHECK_SECONDS", 3600)
    listener = NotifiedContentVersion()
    reads = []
    read = listener.read
    monkeypatch.setattr(listener, "read", lambda pgconn: reads.append(1) or read(pgconn))
    listener.reads = reads
    yield listener
    listener.close()  # before the test database is dropped


def announced(listener, expected, seconds=2.0):
    """The listener's number once it is `expected`, or what it still says after `seconds`."""
    deadline = time.monotonic() + seconds
    while (number := listener.number()) != expected and time.monotonic() < deadline:
        time.sleep(0.0005)
    return number


def test_a_hit_asks_the_socket_not_the_database(listener):
    before = listener.number()
    assert before == content_version() and len(listener.reads) == 1  # read once, when it starts listening
    for _ in range(100):
        assert listener.number() == before
    assert len(listener.reads) == 1


def as_another_process(function):
    """Runs `function` in another thread: its own database connection, and none of this thread's state."""

    def run():
        try:
            function()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_a_committed_edit_is_announced_and_read_once(listener):
    school = make_school()
    before = listener.number()
    reads = len(listener.reads)
    school.name = "Nouveau nom"
    as_another_process(school.save)  # commits: the version's trigger notifies
    assert announced(listener, before + 1) == before + 1
    assert len(listener.reads) == reads + 1


def test_any_write_to_the_version_is_announced_even_in_plain_sql(listener):
    make_school()
    before = listener.number()
    assert before > 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_contentversion SET number = number + 5 WHERE id = 1")
    assert announced(listener, before + 5) == before + 5


def test_a_rolled_back_change_announces_nothing(listener):
    before = listener.number()
    reads = len(listener.reads)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_school()
        raise RuntimeError
    time.sleep(0.05)
    assert listener.number() == before and len(listener.reads) == reads


def test_a_cut_connection_falls_back_to_reading_then_listens_again(listener, monkeypatch, caplog):
    make_school()
    before = listener.number()
    backend = listener.local.connection.pgconn.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert announced(listener, None) is None  # the caller reads the version itself
    assert "Écoute des versions du contenu interrompue" in caplog.text
    assert listener.number() is None  # not retried on every page
    monkeypatch.setattr(page_cache, "RETRY_SECONDS", 0)
    listener.local.retry_at = 0.0
    assert listener.number() == before
    assert listener.local.connection.pgconn.backend_pid != backend


def test_the_production_handler_shows_an_edit_on_the_next_request():
    school = make_school(name="L'Usin'Eure", commune="Évreux")
    handler = page_cache.CachedPageWSGIHandler()
    try:
        assert b"L&#x27;Usin&#x27;Eure" in wsgi_get(handler, "/ecoles/")[2]  # stored
        assert b"L&#x27;Usin&#x27;Eure" in wsgi_get(handler, "/ecoles/")[2]  # a hit
        assert page_cache.notified_version.local.pid is not None  # through the listener
        school.name = "L'Usin'Eure rénovée"
        school.save()
        assert "L&#x27;Usin&#x27;Eure rénovée".encode() in wsgi_get(handler, "/ecoles/")[2]
    finally:
        page_cache.notified_version.close()
