import pytest
from django.urls import reverse

from tests.factories import make_funding_source, make_school, make_school_funding


@pytest.fixture
def funding_source(db):
    funding_source = make_funding_source(name="FSE+", kind="eu")
    make_school_funding(make_school(), funding_source)
    return funding_source


def test_editor_opens_changelist_add_and_change_forms(editor_client, funding_source):
    for url in (
        reverse("admin:funding_fundingsource_changelist"),
        reverse("admin:funding_fundingsource_add"),
        reverse("admin:funding_fundingsource_change", args=[funding_source.pk]),
    ):
        assert editor_client.get(url).status_code == 200, url


def test_changelist_shows_how_many_schools_are_funded(editor_client, funding_source):
    response = editor_client.get(reverse("admin:funding_fundingsource_changelist"))
    [row] = response.context["cl"].result_list
    assert row.school_count == 1


def test_changelist_filters_by_kind(editor_client, funding_source):
    make_funding_source(name="Région Normandie", kind="region")
    response = editor_client.get(reverse("admin:funding_fundingsource_changelist"), {"kind__exact": "eu"})
    assert [row.name for row in response.context["cl"].result_list] == ["FSE+"]
