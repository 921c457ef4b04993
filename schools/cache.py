"""Whole-page cache of the public site for anonymous visitors, invalidated by any content change.

A page is cached under its path, its query string, today's date (past open days must vanish at midnight)
and the content version: one tiny query per request instead of the page's queries. Staff (who carry a
session cookie), the admin and anything but a successful GET are never cached.
"""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from schools.editors import CONTENT_APPS

PAGE_TIMEOUT = 60 * 60
MAX_QUERY_STRING = 300  # longer query strings are junk or attacks: served, not stored


def content_version():
    """Read on every public request, cached or not: plain SQL, as building the ORM query took longer than
    the query itself (0.4 of the 1 ms a cached page cost on PostgreSQL)."""
    from schools.models import ContentVersion

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {ContentVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


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
    from schools.models import ContentVersion

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
    from schools.models import ContentVersion

    versions = ContentVersion.objects.using(using)
    if not versions.filter(pk=1).update(number=F("number") + 1):
        versions.create(pk=1, number=1)


def connect_invalidation():
    """Any save, deletion or many-to-many change of a content model bumps the version.

    History records (django-simple-history's models, which have an `instance_type`) are not content: the
    change they record has already bumped it."""
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if hasattr(model, "instance_type"):
                continue
            uid = f"bump-content-version-{model._meta.label}"
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
            m2m_changed.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-m2m")


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_cacheable_request(request):
            return self.get_response(request)
        key = self.key(request)
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if self.is_cacheable_response(response):
                cache.set(key, response, PAGE_TIMEOUT)
        return response

    @staticmethod
    def is_cacheable_request(request):
        return (
            request.method == "GET"
            and not request.path.startswith("/admin/")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_STRING
        )

    @staticmethod
    def is_cacheable_response(response):
        return response.status_code == 200 and not response.streaming and not response.cookies

    @staticmethod
    def key(request):
        page = f"{request.get_host()}|{request.get_full_path()}|{timezone.localdate()}|{content_version()}"
        return "page:" + hashlib.sha256(page.encode()).hexdigest()
