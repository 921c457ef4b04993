from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from schools.editors import EDITOR_GROUP_NAME
from schools.history import record_current_state
from schools.management.commands.load_directory import CONTENT_FIXTURES, GAZETTEER_FIXTURES
from tests.factories import make_directory
from tests.redis_server import REDIS_SERVER, TEST_REDIS_URL, RedisServer

BROWSER_TESTS = Path(__file__).parent / "browser"


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


@contextmanager
def rolled_back(django_db_blocker):
    """A transaction (a savepoint inside an open one) rolled back at the end, on SQLite as on PostgreSQL."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="class")
def class_db(django_db_setup, django_db_blocker):
    """A transaction around all the tests of a class, rolled back after the last one: what a class-scoped
    fixture builds in it (under `django_db_blocker.unblock()`) is built once for the class. A fixture that
    depends on a parameter of the class (`parametrize(..., scope="class")`) builds inside `rolled_back()` of
    its own, so that the data of one parameter is gone before the next is built.

    Each test still runs in its own transaction inside this one (a savepoint: the test requests `db`), so
    whatever a test writes is undone before the next test; the page cache is emptied before each test as
    ever. Every test of such a class must use the class's data, which pytest_collection_modifyitems below
    checks: a test that did not ask for it would see it all the same. Outside a class, pytest gives a
    class-scoped fixture to each test function on its own."""
    with rolled_back(django_db_blocker):
        yield


@pytest.fixture(scope="class")
def directory_for_class(class_db, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
        record_current_state("Données de départ")


@pytest.fixture
def directory(directory_for_class, db):
    """The real directory of fixtures/, on the real gazetteer, each entry with its first history record as
    `load_directory` leaves it: loaded once for a class of tests (see class_db), once per test outside one."""


@pytest.fixture(scope="class")
def directory_of_size_for_class(class_db, django_db_blocker, school_count):
    with rolled_back(django_db_blocker):
        with django_db_blocker.unblock():
            schools = make_directory(school_count)
        yield schools


@pytest.fixture
def directory_of_size(directory_of_size_for_class, db):
    """`make_directory(school_count)`'s schools, built once for a class parametrized with `school_count` at
    class scope (`@pytest.mark.parametrize("school_count", [3, 40], scope="class")`): what a query-count test
    needs to show that a page's number of queries does not grow with the data. A test may add rows (its own
    transaction takes them away) but leaves these objects as they are: the next test gets the same ones."""
    return directory_of_size_for_class


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


def pytest_collection_modifyitems(config, items):
    """Collection fails on a test that would run where it does not belong (tests/browser/conftest.py has
    marked its folder's tests already: the hooks of conftest files deeper down are called first)."""
    errors = {}
    users_of_class_db = defaultdict(set)
    for item in items:
        test = item.nodeid.split("[")[0]
        fixtures = set(getattr(item, "fixturenames", ()))
        # pytest-playwright gives the parameter browser_name to each test asking for a fixture that opens
        # Chromium (page, context, browser…), even one whose own parameter is called `page`.
        params = item.callspec.params if hasattr(item, "callspec") else {}
        if "browser_name" in params and not item.get_closest_marker("browser"):
            errors[test] = "drives Chromium (or names a parameter `page`): mark it browser"
        elif BROWSER_TESTS in item.path.parents and not item.get_closest_marker("browser"):
            errors[test] = "is in tests/browser/ but not marked browser"
        if "class_db" in fixtures and fixtures & {"transactional_db", "live_server"}:
            errors[test] = "is transactional: it cannot run inside its class's transaction"
        elif "class_db" in fixtures and "db" not in fixtures:
            errors[test] = "uses data built for its class without `db`: what it writes would stay"
        if item.cls is not None:
            users_of_class_db[item.nodeid.rsplit("::", 1)[0]].add("class_db" in fixtures)
    for cls, uses in users_of_class_db.items():
        if len(uses) > 1:
            errors[cls] = "some tests use data built for the class (class_db), others not"
    if errors:
        raise pytest.UsageError("\n".join(f"{where}: {why}" for where, why in errors.items()))
