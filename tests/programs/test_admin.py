import re

import pytest
from django.urls import reverse

from tests.factories import make_programme, make_school, make_trade


@pytest.fixture
def programme(db):
    trade = make_trade(name="Mécanique automobile")
    programme = make_programme(trades=[trade], title="CAP Maintenance des véhicules")
    make_school(trades=[trade], programmes=[programme])
    make_school(trades=[trade], programmes=[programme], status="draft")
    return programme


@pytest.mark.parametrize("name", ["trade", "programme"])
def test_editor_opens_changelist_add_and_change_forms(editor_client, programme, name):
    obj = programme if name == "programme" else programme.trades.get()
    for url in (
        reverse(f"admin:programs_{name}_changelist"),
        reverse(f"admin:programs_{name}_add"),
        reverse(f"admin:programs_{name}_change", args=[obj.pk]),
    ):
        assert editor_client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", ["trade", "programme"])
def test_changelist_counts_only_published_schools(editor_client, programme, name):
    response = editor_client.get(reverse(f"admin:programs_{name}_changelist"))
    [row] = response.context["cl"].result_list
    assert row.school_count == 1


def test_programme_search_finds_by_title(editor_client, programme):
    make_programme(title="Bac pro Technicien d'usinage")
    response = editor_client.get(reverse("admin:programs_programme_changelist"), {"q": "véhicules"})
    assert [row.title for row in response.context["cl"].result_list] == ["CAP Maintenance des véhicules"]


@pytest.mark.parametrize("field", ["trades", "next_programmes", "sources"])
def test_programme_form_picks_related_objects_by_search(editor_client, programme, field):
    response = editor_client.get(reverse("admin:programs_programme_change", args=[programme.pk]))
    assert re.search(rf'<select name="{field}"[^>]*class="admin-autocomplete"', response.content.decode())
