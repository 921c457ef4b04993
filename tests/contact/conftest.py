import pytest

from tests.factories import make_school
from tests.outbox.conftest import clock, smtp_server  # noqa: F401  (the real SMTP server, the moved clock)

ORIGIN = {"Origin": "http://testserver"}  # what a browser sends with a form of this site


@pytest.fixture
def school(db):
    return make_school(
        name="Metal Academy",
        slug="metal-academy",
        email="contact@metal-academy.example.org",
        phone="+33231000000",
    )


@pytest.fixture
def school_without_email(db):
    return make_school(name="L'Atelier sans courriel", slug="atelier-sans-courriel", phone="+33232000000")


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post a form as a browser of this site does (Origin header), and run what waits for the commit (the
    mails' first try), as a real request would."""

    def post(url, data, headers=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, headers={**ORIGIN, **(headers or {})}, **extra)

    return post
