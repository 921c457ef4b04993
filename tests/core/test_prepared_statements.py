"""On PostgreSQL, the queries a process sends again and again are prepared once per connection (server-side
binding, normandy_ep/settings/base.py): PostgreSQL stops planning them on every page it builds."""

import pytest
from django.db import connection
from django.test import Client

from tests.factories import make_school

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL seulement (DATABASE_URL)"),
]


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_a_school_page_built_again_and_again_is_read_by_prepared_statements(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # no page cache
    school = make_school()
    client = Client()
    for _ in range(6):
        assert client.get(school.get_absolute_url()).status_code == 200
    # The school's own row, read by its slug: a parameter ($2), the same statement whatever the school.
    school_reads = [
        statement
        for statement in prepared_statements()
        if statement.startswith('SELECT "schools_school"."id"') and '"schools_school"."slug" = $' in statement
    ]
    assert school_reads, prepared_statements()
