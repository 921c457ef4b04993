import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command

from schools.editors import EDITOR_GROUP_NAME
from schools.history import record_current_state
from schools.management.commands.load_directory import CONTENT_FIXTURES, GAZETTEER_FIXTURES
from tests.redis_server import REDIS_SERVER, TEST_REDIS_URL, RedisServer


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The gazetteer is read-only reference data: load it once for the session, not once per test."""
    with django_db_blocker.unblock():
        call_command("loaddata", *GAZETTEER_FIXTURES, verbosity=0)


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Cached pages are keyed by a content version that restarts with each test's rolled-back database."""
    cache.clear()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis for the cache tests: CI's (TEST_REDIS_URL, set by .ci/run), else one started for this test
    session on a free loopback port; skipped only when neither exists."""
    if TEST_REDIS_URL:
        yield TEST_REDIS_URL
        return
    if not REDIS_SERVER:
        pytest.skip("redis-server est absent (apt-get install redis-server ; .ci/run l'installe)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def redis_caches(url):
    """CACHES naming a Redis server, as production's settings do with DJANGO_CACHE_URL."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def directory(db):
    """The real directory of fixtures/, on the real gazetteer, each entry with its first history record as
    `load_directory` leaves it."""
    call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
    record_current_state("Données de départ")


@pytest.fixture
def editor(db):
    """A regional staff member in the "Rédaction" group, as regional staff would be set up."""
    user = User.objects.create_user(
        "redactrice", "redaction@example.org", "mot-de-passe-solide-42", is_staff=True
    )
    user.groups.add(Group.objects.get(name=EDITOR_GROUP_NAME))
    return user


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as that staff member."""
    client.force_login(editor)
    return client


@pytest.fixture
def server_error_response(client, db, monkeypatch):
    """The home page answering after its view crashed with the message "panne simulée"."""
    from schools.views import HomeView

    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(HomeView, "get", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    return response
