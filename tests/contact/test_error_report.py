""" "Signaler une erreur": on every school, trade, programme and funder page and in the accessibility
statement; stored with the page concerned (checked against the site's own pages), staff notified."""

import pytest
from django.core import mail
from django.urls import reverse

from contact.models import ErrorReport
from tests.factories import make_funding_source, make_programme, make_school, make_trade
from tests.html_form import submitted
from tests.responses import text

URL = reverse("contact:error_report")


@pytest.fixture
def pages(db):
    """One page of each kind that carries the form, with the label a report stores."""
    school = make_school(name="Metal Academy", slug="metal-academy")
    trade = make_trade(name="Chaudronnerie", slug="chaudronnerie")
    programme = make_programme(title="CAP Primeur", slug="cap-primeur")
    funder = make_funding_source(name="FSE+", slug="fse-plus")
    return {
        school.get_absolute_url(): "École : Metal Academy",
        trade.get_absolute_url(): "Métier : Chaudronnerie",
        programme.get_absolute_url(): "Formation : CAP Primeur",
        funder.get_absolute_url(): "Financeur : FSE+",
        "/accessibilite/": "Déclaration d'accessibilité",
    }


def test_every_page_concerned_carries_the_form_and_stores_its_report(client, send, pages):
    for path, label in pages.items():
        page = text(client.get(path))
        assert "Signaler une erreur sur cette page" in page or path == "/accessibilite/"
        data = submitted(page, "report-form")
        assert data == {"page": [path], "description": [""], "email": [""], "site_web": [""]}
        data["description"] = ["Le numéro de téléphone a changé."]
        response = send(URL, data)
        assert response.status_code == 303
        assert response["Location"] == f"/signaler-une-erreur/merci/?page={path.replace('/', '%2F')}"
        report = ErrorReport.objects.get(page_path=path)
        assert (report.page_label, report.description, report.email) == (
            label,
            "Le numéro de téléphone a changé.",
            "",
        )
        assert report.status == ErrorReport.Status.NEW
    assert ErrorReport.objects.count() == len(pages)


def test_the_staff_are_notified_and_can_answer(send, pages):
    send(
        URL,
        {
            "page": "/metiers/chaudronnerie/",
            "description": "Lien cassé.\r\nMerci",
            "email": "tom@example.net",
        },
    )

    report = ErrorReport.objects.get()
    [notice] = mail.outbox
    assert notice.to == ["equipe-regionale@example.org"]
    assert notice.subject == "Erreur signalée : Métier : Chaudronnerie"
    assert notice.reply_to == ["tom@example.net"]
    assert "Lien cassé.\nMerci" in notice.body
    assert "http://testserver/metiers/chaudronnerie/" in notice.body
    assert f"http://testserver/admin/contact/errorreport/{report.pk}/change/" in notice.body
    assert report.notification.recipients == "equipe-regionale@example.org"


def test_without_any_staff_address_the_report_waits_in_the_admin(send, pages, settings):
    settings.STAFF_EMAILS = []
    assert send(URL, {"page": "/accessibilite/", "description": "Contraste trop faible."}).status_code == 303
    assert ErrorReport.objects.get().notification is None and not mail.outbox


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ecoles/",
        "/metiers/inconnu/",
        "/ecoles/brouillon/",
        "/metiers/chaudronnerie",
        "/metiers/chaudronnerie/?q=1",
        "https://evil.example/metiers/chaudronnerie/",
        "//evil.example/metiers/chaudronnerie/",
        "/admin/",
        "",
        "/" + "a" * 300,
    ],
)
def test_only_a_public_page_of_the_site_can_be_reported(client, send, pages, path):
    make_school(slug="brouillon", status="draft")
    response = send(URL, {"page": path, "description": "Erreur."})
    assert response.status_code == 400
    assert "La page concernée n'existe pas sur ce site" in text(response)
    assert not ErrorReport.objects.exists()
    assert client.get(URL, {"page": path}).status_code == 404


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"description": ""}, "Dites en quelques mots ce qui ne va pas."),
        ({"description": "   "}, "Dites en quelques mots ce qui ne va pas."),
        (
            {"description": "x" * 1001},
            "Ce texte est trop long : 1\u202f000 caractères au plus (il en compte 1001).",
        ),
        ({"email": "tom@example.net\r\nBcc: cible@example.org"}, "Saisissez une adresse e-mail complète"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse e-mail complète"),
    ],
    ids=["empty", "blank", "1001", "header-injection", "not-an-address"],
)
def test_bad_input_is_shown_again_with_its_errors(send, pages, changes, message):
    response = send(URL, {"page": "/formations/cap-primeur/", "description": "Erreur.", **changes})
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "<title>Erreur : Signaler une erreur" in page
    assert 'aria-invalid="true"' in page
    assert 'Sur la page « <a href="/formations/cap-primeur/">Formation : CAP Primeur</a> »' in page
    assert not ErrorReport.objects.exists() and not mail.outbox


def test_the_form_has_a_page_of_its_own_and_a_confirmation(client, pages):
    page = text(client.get(URL, {"page": "/financements/fse-plus/"}))
    assert 'Sur la page « <a href="/financements/fse-plus/">Financeur : FSE+</a> »' in page
    assert 'name="page" value="/financements/fse-plus/"' in page
    thanks = text(client.get(reverse("contact:error_report_sent"), {"page": "/financements/fse-plus/"}))
    assert "Merci pour votre signalement" in thanks
    assert "pour la page « Financeur : FSE+ »" in thanks and 'href="/financements/fse-plus/"' in thanks
    unknown = text(client.get(reverse("contact:error_report_sent"), {"page": "/ailleurs/"}))
    assert 'href="/ailleurs/"' not in unknown


def test_the_accessibility_statement_shows_the_form_open(client, db):
    page = text(client.get("/accessibilite/"))
    section = page[page.index('<h2 id="signaler">') : page.index('<h2 id="recours">')]
    assert 'id="report-form"' in section and "<details" not in section
    assert "Qu'est-ce qui ne va pas ?" in section
