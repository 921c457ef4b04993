"""Every admin changelist costs a fixed number of queries, whatever the number of schools."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_directory, make_school, make_school_funding, make_testimonial_link

CHANGELISTS = sorted(
    model._meta.label_lower
    for model in admin.site._registry
    if model._meta.app_label in settings.CONTENT_APPS
)


def changelist_queries(client, label):
    app_label, model_name = label.split(".")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("label", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_the_schools(editor_client, label):
    first, *_ = make_directory(3)
    few = changelist_queries(editor_client, label)
    funding = first.fundings.get()
    for _ in range(30):  # 30 more schools of the same shape: trades, programme, sources, funding, link
        school = make_school(
            trades=first.trades.all(), programmes=first.programmes.all(), sources=first.sources.all()
        )
        make_school_funding(school, funding.funding_source, source=funding.source)
        make_testimonial_link(school)
    assert changelist_queries(editor_client, label) == few
