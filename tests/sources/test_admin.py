import pytest
from django.urls import reverse

from sources.models import KeyFigure
from tests.factories import make_key_figure, make_source


@pytest.fixture
def key_figure(db):
    return make_key_figure(source=make_source(title="Rapport annuel du réseau"))


@pytest.mark.parametrize("name", ["source", "keyfigure"])
def test_editor_opens_changelist_add_and_change_forms(editor_client, key_figure, name):
    obj = key_figure if name == "keyfigure" else key_figure.source
    for url in (
        reverse(f"admin:sources_{name}_changelist"),
        reverse(f"admin:sources_{name}_add"),
        reverse(f"admin:sources_{name}_change", args=[obj.pk]),
    ):
        assert editor_client.get(url).status_code == 200, url


def test_key_figure_changelist_shows_its_source(editor_client, key_figure):
    response = editor_client.get(reverse("admin:sources_keyfigure_changelist"))
    assert "Rapport annuel du réseau" in response.content.decode()


def test_source_search_finds_a_source_by_publisher(editor_client, db):
    make_source(title="Le métier de primeur", publisher="Ouest-France")
    make_source(title="Autre chose", publisher="Tendance Ouest")
    response = editor_client.get(reverse("admin:sources_source_changelist"), {"q": "Ouest-France"})
    assert [source.title for source in response.context["cl"].result_list] == ["Le métier de primeur"]


def test_editor_adds_a_key_figure(editor_client, db):
    source = make_source()
    data = {
        "slug": "taux-insertion",
        "value": "75 %",
        "label": "des élèves trouvent un emploi",
        "year": "2024",
        "scope": "Le réseau national",
        "source": source.pk,
        "position": "1",
    }
    response = editor_client.post(reverse("admin:sources_keyfigure_add"), data)
    assert response.status_code == 302
    assert KeyFigure.objects.get(slug="taux-insertion").source == source
