"""Whole-page cache of the public site for anonymous visitors, invalidated by any content change.

A page is cached under its scheme, host, path, query string, today's date (past open days must vanish at
midnight) and the content version, read from the database on every request: an edit shows on the next request,
in every web process. Staff (who carry a session cookie), the admin and anything but a successful GET are
never cached.

The middleware comes first in MIDDLEWARE and stores the status, headers and body the whole stack gave
(security headers included). A hit replays them byte for byte without running anything else: in production the
WSGI handler of normandy_ep/wsgi.py (CachedPageWSGIHandler) answers it before Django even starts its request
cycle; under the test client or runserver, the middleware does. What the stack decides per request is kept: a
request SecurityMiddleware would redirect to HTTPS goes to it untouched (no database read first), the key has
the scheme (a page stored over HTTPS, with its HSTS header, is never replayed over HTTP), and a host outside
ALLOWED_HOSTS is refused by get_host() before any lookup, then answered by Django's own handler.

The cache itself may be a shared Redis: if it cannot be reached, pages are built from the database (never a
500), the log says so once, and the cache is tried again every RETRY_SECONDS.
"""

import hashlib
import logging
import os
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import partial
from http.client import responses

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.utils import DatabaseError
from django.http import HttpResponse
from django.utils import timezone

from core.models import ContentVersion

PAGE_TIMEOUT = 60 * 60
MAX_QUERY_STRING = 300  # longer query strings are junk or attacks: served, not stored
# Set in the WSGI environ by CachedPageWSGIHandler when it looked the page up and missed: no second lookup.
MISSED_KEY = "core.cache.missed_key"
RETRY_SECONDS = 2  # after a failure, how long pages are built without trying the cache again
# Vary values a stored page may carry: the site speaks one language, and requests with cookies that change the
# page (a session, pending messages) never reach the cache. Any other Vary means the page is not stored.
IGNORED_VARY = {"accept-language", "cookie"}

logger = logging.getLogger(__name__)
VERSION_SQL = f"SELECT number FROM {ContentVersion._meta.db_table} WHERE id = 1"


def content_version():
    """Read on every public request, cached or not: plain SQL, as building the ORM query took longer than
    the query itself (0.4 of the 1 ms a cached page cost on PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else 0


def content_version_on_open_connection(conn=None):
    """The same read for CachedPageWSGIHandler's hits, through the database driver's own cursor on Django's
    open connection: Django's cursor wrapper cost as much as the query (22 of 36 µs on SQLite) and, with
    CONN_HEALTH_CHECKS, a second round trip on PostgreSQL. Django's own path is taken when there is no open
    connection yet or when queries are being logged (DEBUG, tests counting queries), so none goes unseen.
    An error here (a dead connection) reaches the caller, which hands the request to Django's handler: its
    health check then replaces the connection."""
    conn = conn or connection
    if conn.connection is None or conn.queries_logged:
        return content_version()
    cursor = conn.connection.cursor()
    try:
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return row[0] if row else 0


class NotifiedContentVersion:
    """On PostgreSQL, the content version as the server announces it, for CachedPageWSGIHandler's hits.

    A trigger (core migration 0002) sends NOTIFY content_version whenever a transaction that changed the
    version's row commits. Each web process (each thread) keeps one more connection, which only LISTENs: a hit
    asks its socket whether a notification has come (one system call, under a microsecond) instead of a query
    (a round trip and the server's work: 230 µs here, most of what a hit cost). After a notification, and at
    least every CHECK_SECONDS whatever happens, the version is read again on that connection, so that even a
    lost notification could not keep a page stale longer than that. The notification reaches the listening
    process tens of microseconds after the commit (measured on this machine), long before the editor's
    browser gets its answer. Any failure (the server restarted, the connection cut) returns None: the caller
    reads the version as before, and listening starts again after RETRY_SECONDS."""

    CHANNEL = "content_version"
    CHECK_SECONDS = 1.0

    def __init__(self):
        self.local = threading.local()

    def number(self):
        state = self.local
        if getattr(state, "pid", None) != os.getpid():  # none yet, or inherited from a parent at fork
            if time.monotonic() < getattr(state, "retry_at", 0.0):
                return None
            try:
                self.connect(state)
            except Exception as error:
                return self.failed(state, "impossible", error)
        try:
            pgconn = state.connection.pgconn
            pgconn.consume_input()
            notified = False
            while pgconn.notifies() is not None:
                notified = True
            if notified or time.monotonic() >= state.check_at:
                state.number = self.read(pgconn)
                state.check_at = time.monotonic() + self.CHECK_SECONDS
        except Exception as error:
            state.connection.close()
            return self.failed(state, "interrompue", error)
        return state.number

    def failed(self, state, what, error):
        """The version is read by the caller meanwhile; listening is tried again after RETRY_SECONDS."""
        logger.warning(
            "Écoute des versions du contenu %s (%s : %s) : version lue en base à chaque page, "
            "nouvel essai dans %s s.",
            what,
            type(error).__name__,
            error,
            RETRY_SECONDS,
        )
        self.forget(state)
        state.retry_at = time.monotonic() + RETRY_SECONDS
        return None

    def connect(self, state):
        self.forget(state)  # one inherited at fork is the parent's: left alone, never closed here
        new = connection.get_new_connection(connection.get_connection_params())
        try:
            new.autocommit = True
            self.execute(new.pgconn, f"LISTEN {self.CHANNEL}".encode())  # first: no later commit is missed
            state.number = self.read(new.pgconn)
        except Exception:
            new.close()
            raise
        state.connection, state.pid = new, os.getpid()
        state.check_at = time.monotonic() + self.CHECK_SECONDS

    def read(self, pgconn):
        """Through libpq itself: a notification that arrives meanwhile stays in its queue for the next hit."""
        result = self.execute(pgconn, VERSION_SQL.encode())
        return int(result.get_value(0, 0)) if result.ntuples else 0

    @staticmethod
    def execute(pgconn, sql):
        from psycopg.pq import ExecStatus  # PostgreSQL's driver: only imported where it is used

        result = pgconn.exec_(sql)
        if result.status not in (ExecStatus.COMMAND_OK, ExecStatus.TUPLES_OK):
            raise DatabaseError(pgconn.get_error_message().decode(errors="replace"))
        return result

    def changed_here(self):
        """This thread has just changed the version: its next hit reads it, without waiting for the
        notification (which other processes get before any browser can ask them)."""
        self.local.check_at = 0.0

    def close(self):
        """Closes this thread's listening connection (tests, before their database is dropped)."""
        state = self.local
        if getattr(state, "pid", None) == os.getpid():
            state.connection.close()
        self.forget(state)

    @staticmethod
    def forget(state):
        state.pid = None
        state.connection = None


notified_version = NotifiedContentVersion()


def content_version_for_hit():
    """The version a hit is checked against: announced by PostgreSQL when it can be, else read."""
    conn = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` goes through a thread-local lookup
    if conn.vendor == "postgresql" and not conn.in_atomic_block and not conn.queries_logged:
        # Inside a transaction (a test's), other connections see neither its changes nor its notifications.
        number = notified_version.number()
        if number is not None:
            return number
    return content_version_on_open_connection(conn)


class Today:
    """timezone.localdate() in the site's time zone, worked out once a day: every hit needs it for its key,
    and working it out each time cost 7 µs of a hit's 120 (the site never activates another time zone)."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.date = None
        self.until = 0.0  # the clock's value at the next midnight

    def __call__(self):
        now = self.clock()
        if now >= self.until:
            zone = timezone.get_default_timezone()
            self.date = datetime.fromtimestamp(now, zone).date()
            next_midnight = datetime.combine(self.date + timedelta(days=1), datetime.min.time(), zone)
            self.until = next_midnight.timestamp()
        return self.date


today = Today()


# Database aliases where loaddata or a bulk import has saved content since the version was last bumped.
_loaded_without_bump = set()
# True while a bulk write (a spreadsheet import) runs: see bump_once_on_commit().
_bulk_write = ContextVar("bulk_write", default=False)


@contextmanager
def bump_once_on_commit():
    """Saves made inside bump the version once, when their transaction commits, as loaddata's do.

    A spreadsheet import saves each row, its links, in one transaction: one bump at commit is enough, and
    a dry run or a refused import (rolled back) bumps nothing. Outside a transaction, each save bumps."""
    token = _bulk_write.set(True)
    try:
        yield
    finally:
        _bulk_write.reset(token)


def bump_content_version(sender, using=DEFAULT_DB_ALIAS, raw=False, **kwargs):
    """Signal receiver; also called directly after bulk writes, which send no signal.

    loaddata saves its objects one by one ("raw") in one transaction: one bump when it commits is enough,
    where a bump per object made restoring a backup of thousands of rows slow. Each raw save queues a
    callback and only the first one run bumps; a rolled-back load leaves its mark, costing one extra bump
    at the next load, never a missed one."""
    if sender is ContentVersion:
        return
    if (raw or _bulk_write.get()) and connections[using].in_atomic_block:
        _loaded_without_bump.add(using)
        transaction.on_commit(partial(_bump_after_load, using), using=using)
        return
    _bump(using)


def _bump_after_load(using):
    if using in _loaded_without_bump:
        _loaded_without_bump.discard(using)
        _bump(using)


def _bump(using):
    versions = ContentVersion.objects.using(using)
    if not versions.filter(pk=1).update(number=F("number") + 1):
        versions.create(pk=1, number=1)
    notified_version.changed_here()


def connect_invalidation():
    """Any save, deletion or many-to-many change of a model of settings.CONTENT_APPS bumps the version.

    History records (django-simple-history's models, which have an `instance_type`) are not content: the
    change they record has already bumped it."""
    for label in settings.CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if hasattr(model, "instance_type"):
                continue
            uid = f"bump-content-version-{model._meta.label}"
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
            m2m_changed.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-m2m")


class PageStore:
    """Reads and writes of stored pages in the default cache. An unreachable cache (a Redis server stopped or
    cut off) is no error for the visitor: the page is built from the database instead. The first failure is
    logged with its cause, the cache is left alone for RETRY_SECONDS, and its return is logged too."""

    def __init__(self, alias="default"):
        self.alias = alias
        self.failing_since = None
        self.retry_at = 0.0

    def get(self, key):
        if self.failing_since is not None and time.monotonic() < self.retry_at:
            return None
        try:
            value = caches[self.alias].get(key)
        except Exception as error:  # any backend's own errors: redis.ConnectionError, TimeoutError…
            self.failed(error)
            return None
        if self.failing_since is not None:
            self.recovered()
        return value

    def set(self, key, value, timeout):
        if self.failing_since is not None and time.monotonic() < self.retry_at:
            return
        try:
            caches[self.alias].set(key, value, timeout)
        except Exception as error:
            self.failed(error)

    def failed(self, error):
        if self.failing_since is None:
            self.failing_since = time.monotonic()
            logger.error(
                "Cache des pages injoignable (%s: %s) : pages construites depuis la base de données, "
                "nouvel essai toutes les %s s.",
                type(error).__name__,
                error,
                RETRY_SECONDS,
            )
        self.retry_at = time.monotonic() + RETRY_SECONDS

    def recovered(self):
        logger.warning(
            "Cache des pages de nouveau joignable après %.0f s : les pages sont de nouveau mises en cache.",
            time.monotonic() - self.failing_since,
        )
        self.failing_since = None


pages = PageStore()


class PublicPageCacheMiddleware:
    """First in MIDDLEWARE (see the module's docstring). Stores (status, headers, body): a hit rebuilds the
    response from them without running any other middleware, view or template."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_cacheable_request(request):
            return self.get_response(request)
        key = request.META.get(MISSED_KEY)
        if key is None:
            key = self.key(request)
            stored = pages.get(key)
            if stored is not None:
                status, headers, body = stored
                return HttpResponse(body, status=status, headers=headers)
        response = self.get_response(request)
        if self.is_cacheable_response(response) and not self.used_csp_nonce(request):
            pages.set(key, (response.status_code, dict(response.items()), response.content), PAGE_TIMEOUT)
        return response

    @staticmethod
    def is_cacheable_request(request):
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return False  # SecurityMiddleware redirects it to HTTPS
        cookies = request.COOKIES
        return (
            request.method == "GET"
            and not request.path.startswith("/admin/")
            and settings.SESSION_COOKIE_NAME not in cookies
            and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
            and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_STRING
        )

    @staticmethod
    def is_cacheable_response(response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False  # a view's own refusal: a staff preview, a page for one visitor
        vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}
        return vary <= IGNORED_VARY

    @staticmethod
    def used_csp_nonce(request):
        """A page holding a CSP nonce must never be served twice: the nonce would be known in advance."""
        return isinstance(getattr(request, "_csp_nonce", None), str)

    @staticmethod
    def key(request, version=None):
        if version is None:
            version = content_version()
        page = f"{request.scheme}|{request.get_host()}|{request.get_full_path()}|{today()}|{version}"
        return "page:" + hashlib.sha256(page.encode()).hexdigest()


class CachedPageWSGIHandler(WSGIHandler):
    """Django's WSGI handler with the page cache's hit path in front (normandy_ep/wsgi.py).

    A hit costs what it must: the same request checks and key as the middleware (host validated, scheme, path,
    date, content version read from the database), one cache read, and the stored status, headers and body
    handed to the server. No request signals, middleware, view or response object. Anything else (a miss, a
    request the cache never serves, a host Django refuses, an error while looking up) goes to Django's full
    handler, whose middleware then stores the page."""

    def __call__(self, environ, start_response):
        stored = self.stored_page(environ)
        if stored is None:
            return super().__call__(environ, start_response)
        status, headers, body = stored
        start_response(f"{status} {responses[status]}", list(headers.items()))
        return [body]

    def stored_page(self, environ):
        request = self.request_class(environ)
        if not PublicPageCacheMiddleware.is_cacheable_request(request):
            return None
        # What Django does for its database connections when a request starts (request_started): drop those
        # past CONN_MAX_AGE or broken by an error, before the content version is read.
        close_old_connections()
        try:
            key = PublicPageCacheMiddleware.key(request, content_version_for_hit())
        except Exception:
            return None  # DisallowedHost, a database error…: Django's handler answers and logs it
        stored = pages.get(key)
        if stored is None:
            environ[MISSED_KEY] = key
        return stored
