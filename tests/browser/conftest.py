"""A real browser (Debian's Chromium, driven by Playwright) against a live server holding the real directory.

The browser tests share one live server and one copy of the data, loaded once for this folder and committed
(the server answers the browser from another thread, with PostgreSQL on another connection: it only sees
committed rows). pytest-django's `live_server` fixture would make every test transactional, flushed
afterwards, and the gazetteer takes seconds to load again each time. The tests are marked `django_db` like
any database test (each runs in a transaction rolled back afterwards); when the last one is done, the
database is flushed and the gazetteer put back, as tests/conftest.py left it for the tests that run next.
"""

import datetime
import os
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from places.models import Commune
from programs.models import Programme, Trade
from proposals.links import make_token
from proposals.models import VALIDITY, Invitation
from schools.editors import EDITOR_GROUP_NAME
from schools.history import record_current_state
from schools.management.commands.load_directory import CONTENT_FIXTURES, GAZETTEER_FIXTURES
from schools.models import OpenDay
from sources.models import Source
from tests.factories import make_school

# Playwright's sync API runs an event loop in the test thread; Django refuses database access under a running
# loop unless told that this thread does nothing concurrently (it does not: it waits for the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # without these, Chromium keeps calling home through a closed network
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}

# Extra schools so that "Calvados + CAP chaudronnerie" fills more than one page of results (12 a page).
EXTRA_DEPARTEMENT = "14"
EXTRA_PROGRAMME = "cap-realisations-industrielles-chaudronnerie-soudage"
EXTRA_TRADE = "chaudronnerie-soudage"
EXTRA_SCHOOL_COUNT = 14
EDITOR_USERNAME = "redaction-navigateur"
EDITOR_PASSWORD = "mot-de-passe-solide-42"
# Enrols a phone in its test. On PostgreSQL what the browser does is committed and outlives the test: the
# other tests' editor must keep logging in with a password alone.
SECOND_FACTOR_USERNAME = "redaction-second-facteur"

# A school's own pages (proposals/): its form, the page after sending it, links that open nothing. The ids are
# fixed so that page_paths() can sign the links when the tests are collected, before load_site_data() runs.
PROPOSAL_SCHOOL_ID = 900_001
PROPOSAL_INVITATION_ID = 900_001
EXPIRED_INVITATION_ID = 900_002
# Pages whose status is not 200.
PAGE_STATUS = {"not-found": 404, "proposal-link-broken": 404, "proposal-link-expired": 410}

LEGAL_PAGES = {
    "accessibility": "/accessibilite/",
    "legal-notice": "/mentions-legales/",
    "personal-data": "/donnees-personnelles/",
}


def page_paths():
    """Every kind of public page, by name: what the accessibility and HTML checks visit."""
    paths = {
        "home": "/",
        "list": "/ecoles/",
        "list-filtered": f"/ecoles/?departement={EXTRA_DEPARTEMENT}&formation={EXTRA_PROGRAMME}",
        "list-page-2": f"/ecoles/?departement={EXTRA_DEPARTEMENT}&formation={EXTRA_PROGRAMME}&page=2",
        "list-near": "/ecoles/?pres_de=Caen&rayon=50",
        "list-empty": "/ecoles/?q=zzzz+introuvable",
        "list-search-box": "/ecoles/?q=m%C3%A9canique+Tourlaville",  # a trade and a former commune
        "list-alternatives": "/ecoles/?q=couture+pr%C3%A8s+de+Caen&rayon=10",  # none fits: the nearest
        "list-invalid-filter": "/ecoles/?metier=inconnu&pres_de=Nullepart",
        "school": "/ecoles/metal-academy/",
        "trades": "/metiers/",
        "trade": f"/metiers/{EXTRA_TRADE}/",
        "programmes": "/formations/",
        "programme": f"/formations/{EXTRA_PROGRAMME}/",
        "funders": "/financements/",
        "funder": "/financements/fse-plus/",
        "parents": "/parents/",
        "open-data": "/donnees/",
        "selection": "/selection/?ecoles=metal-academy,atelier-essai-01,inconnue&pres_de=Caen",
        "selection-empty": "/selection/",
        "list-with-selection": "/ecoles/?selection=metal-academy",
        "contact-form": "/ecoles/metal-academy/etre-recontacte/",
        "contact-sent": "/ecoles/metal-academy/etre-recontacte/merci/",
        "report-form": f"/signaler-une-erreur/?page=/metiers/{EXTRA_TRADE}/",
        "report-sent": f"/signaler-une-erreur/merci/?page=/metiers/{EXTRA_TRADE}/",
        "not-found": "/cette-page-n-existe-pas/",
        "proposal-form": proposal_path(PROPOSAL_INVITATION_ID),
        "proposal-sent": f"{proposal_path(PROPOSAL_INVITATION_ID)}envoyee/",
        "proposal-link-expired": proposal_path(EXPIRED_INVITATION_ID),
        "proposal-link-broken": "/ecoles/proposer/lien-abime/",
    }
    for name, path in LEGAL_PAGES.items():
        try:
            resolve(path)
        except Resolver404:  # the legal pages are being written: checked as soon as they exist
            continue
        paths[name] = path
    return paths


def proposal_path(invitation_id):
    return reverse("proposals:form", args=[make_token(invitation_id, PROPOSAL_SCHOOL_ID)])


def expected_status(name):
    return PAGE_STATUS.get(name, 200)


def pytest_collection_modifyitems(items):
    """Every test of this folder drives Chromium: marked `browser`, which `pytest -m "not browser"` skips."""
    folder = Path(__file__).parent
    for item in items:
        if folder in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: never `playwright install`, which downloads a browser."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make browser-deps`"
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-playwright's, whose form pytest 9 deprecates (warnings are errors here). The base URL
    is the live server's, given to each browser context by `browser_context_args`."""
    return None


@pytest.fixture(scope="package")
def site(django_db_setup, django_db_blocker):
    """One live server for the browser tests, on the data of load_site_data()."""
    try:
        with django_db_blocker.unblock():
            load_site_data()
        server = LiveServer("localhost")
    except BaseException:
        restore_database(django_db_blocker)
        raise
    server._live_server_modified_settings.enable()
    yield server
    server._live_server_modified_settings.disable()
    stop_server(server)
    restore_database(django_db_blocker)


def stop_server(server):
    """LiveServer.stop(), once the threads serving requests are done. Each closes the database connections
    when its browser connection ends; with SQLite in memory that is the test thread's own connection, which
    refuses to be used from another thread once stop() has withdrawn the sharing."""
    server.thread.terminate()
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)
    for connection in server.thread.connections_override.values():
        connection.dec_thread_sharing()


def load_site_data():
    """The real directory, EXTRA_SCHOOL_COUNT more schools in Calvados and an editor, committed."""
    if not Commune.objects.exists():  # a transactional test flushed the gazetteer
        call_command("loaddata", *GAZETTEER_FIXTURES, verbosity=0)
    call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
    record_current_state("Données de départ")  # as load_directory does: each entry's first version
    trade = Trade.objects.get(slug=EXTRA_TRADE)
    programme = Programme.objects.get(slug=EXTRA_PROGRAMME)
    source = Source.objects.order_by("pk").first()
    for n in range(1, EXTRA_SCHOOL_COUNT + 1):
        # Named to sort before "Metal Academy", the real school of these filters, so it is on page 2.
        make_school(
            name=f"Atelier d'essai {n:02}",
            slug=f"atelier-essai-{n:02}",
            commune="Caen",
            trades=[trade],
            programmes=[programme],
            sources=[source],
        )
    invited = make_school(
        id=PROPOSAL_SCHOOL_ID,
        name="Atelier invité",
        slug="atelier-invite",
        status="draft",  # its form works; the public never sees it
        commune="Caen",
        trades=[trade],
        sources=[source],
        phone="+33231000000",
        intake_places=12,
    )
    OpenDay.objects.create(
        school=invited, date=timezone.localdate() + datetime.timedelta(days=20), details="Sur rendez-vous"
    )
    Invitation.objects.create(id=PROPOSAL_INVITATION_ID, school=invited)
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Invitation.objects.create(
        id=EXPIRED_INVITATION_ID, school=invited, created_at=long_ago, expires_at=long_ago + VALIDITY
    )
    for username in (EDITOR_USERNAME, SECOND_FACTOR_USERNAME):
        editor = User.objects.create_user(username, "redaction@example.org", EDITOR_PASSWORD, is_staff=True)
        editor.groups.add(Group.objects.get(name=EDITOR_GROUP_NAME))


def restore_database(django_db_blocker):
    """Back to what tests/conftest.py leaves: an empty database but for the gazetteer, an empty page cache."""
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", *GAZETTEER_FIXTURES, verbosity=0)
    cache.clear()


@pytest.fixture
def page(page):
    """Fail in seconds, not Playwright's 30: every page comes from this machine."""
    page.set_default_timeout(10_000)
    return page


@pytest.fixture(params=list(SCREENS))
def screen(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, site, screen):
    return {**browser_context_args, "base_url": site.url, "viewport": SCREENS[screen], "locale": "fr-FR"}
