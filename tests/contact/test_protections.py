"""Both forms against abuse: posts from other sites, robots, floods (contact/abuse.py at work on the real
views), and the page cache, which keeps serving the pages that carry them."""

import pytest
from django.core import mail
from django.urls import reverse

from contact.models import ContactRequest, ErrorReport, Submission
from contact.views import CONTACT_LIMIT, REPORT_LIMIT
from tests.contact.test_contact_request import VALID
from tests.factories import make_directory, make_trade

REPORT = {"page": "/metiers/chaudronnerie/", "description": "Le lien ne marche plus."}


@pytest.fixture
def forms(school):
    """Each form: (address, valid data, model stored, limit)."""
    make_trade(slug="chaudronnerie")
    return {
        "contact": (
            reverse("contact:contact_request", args=[school.slug]),
            VALID,
            ContactRequest,
            CONTACT_LIMIT,
        ),
        "report": (reverse("contact:error_report"), REPORT, ErrorReport, REPORT_LIMIT),
    }


@pytest.fixture(params=["contact", "report"])
def form(request, forms):
    return forms[request.param]


def test_the_limits_chosen():
    assert (CONTACT_LIMIT.limit, CONTACT_LIMIT.window_text()) == (5, "1 heure")
    assert (REPORT_LIMIT.limit, REPORT_LIMIT.window_text()) == (10, "1 heure")


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no Origin, no Referer, no Sec-Fetch-Site: the test client's default, a script's
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Referer": "https://evil.example/page.html"},
    ],
    ids=["no-header", "other-origin", "null-origin", "cross-site", "other-referer"],
)
def test_a_post_from_another_site_or_without_origin_is_refused(client, form, headers):
    url, data, model, _ = form
    response = client.post(url, data, headers=headers)
    assert response.status_code == 403
    assert "Formulaire refusé" in response.content.decode()
    assert not model.objects.exists() and not Submission.objects.exists() and not mail.outbox


def test_a_post_from_a_page_of_the_site_passes(send, form):
    url, data, model, _ = form
    assert send(url, data, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303
    assert model.objects.count() == 1


def test_a_robot_filling_the_honeypot_is_answered_as_a_person_and_nothing_is_stored(send, form):
    url, data, model, _ = form
    person = send(url, data)
    model.objects.all().delete()
    mail.outbox.clear()

    robot = send(url, {**data, "site_web": "http://spam.example"})

    assert (robot.status_code, robot["Location"]) == (person.status_code, person["Location"])
    assert not model.objects.exists() and not mail.outbox


def test_past_the_limit_a_clear_french_page_with_429(send, form):
    url, data, model, limit = form
    for _ in range(limit.limit):
        assert send(url, data).status_code == 303
    refused = send(url, data)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    page = refused.content.decode()
    assert "Trop d'envois en peu de temps" in page and "dans 1 heure" in page
    assert model.objects.count() == limit.limit
    other_address = send(url, data, REMOTE_ADDR="192.0.2.99")  # another visitor is not affected
    assert other_address.status_code == 303


def test_the_limits_of_the_two_forms_are_counted_apart(send, forms):
    contact_url, contact_data, _, _ = forms["contact"]
    report_url, report_data, _, _ = forms["report"]
    for _ in range(CONTACT_LIMIT.limit):
        send(contact_url, contact_data)
    assert send(contact_url, contact_data).status_code == 429
    assert send(report_url, report_data).status_code == 303


def test_a_flood_of_1000_posts_from_one_address_stores_the_limit_and_never_fails(client, form):
    """Valid, invalid and robot posts mixed, as fast as the test client goes (a few seconds)."""
    url, data, model, limit = form
    client.raise_request_exception = False
    statuses = set()
    for n in range(1000):
        kind = n % 4
        if kind == 3:
            sent = {**data, "site_web": "spam"}
        elif kind == 2:
            sent = {key: value * 2000 for key, value in data.items()}
        else:
            sent = data
        statuses.add(client.post(url, sent, headers={"Origin": "http://testserver"}).status_code)
    assert statuses <= {303, 400, 429}
    assert 429 in statuses
    assert model.objects.count() <= limit.limit
    assert Submission.objects.count() == limit.limit


# The page cache (core/cache.py): the forms are plain HTML in pages stored whole.


def test_the_school_page_with_its_forms_stays_cached_and_posts_never_are(
    client, school, django_assert_num_queries
):
    url = school.get_absolute_url()
    first = client.get(url)
    assert 'id="contact-form"' in first.content.decode() and 'id="report-form"' in first.content.decode()
    assert "Set-Cookie" not in first.headers and not first.cookies
    with django_assert_num_queries(1):  # the content version: the page comes from the cache
        second = client.get(url)
    assert second.content == first.content

    post_url = reverse("contact:contact_request", args=[school.slug])
    client.post(post_url, VALID, headers={"Origin": "http://testserver"})
    assert client.post(post_url, VALID, headers={"Origin": "http://testserver"}).status_code == 303
    assert ContactRequest.objects.count() == 2  # each post reached the view: none was answered from a cache
    with django_assert_num_queries(1):  # a request stored is no content change: the page stays cached
        assert client.get(url).content == first.content


def test_an_error_page_is_never_cached(client, school):
    url = reverse("contact:contact_request", args=[school.slug])
    with_errors = client.post(url, {**VALID, "first_name": ""}, headers={"Origin": "http://testserver"})
    assert with_errors.status_code == 400
    again = client.get(url)
    assert again.status_code == 200 and "Indiquez votre prénom." not in again.content.decode()


@pytest.mark.parametrize(
    "path, queries",
    [
        # the counts of tests/schools/test_views.py, whose pages now carry the forms: unchanged
        ("/metiers/metier-commun-0/", 6),
        ("/formations/cap-commun/", 8),
        ("/financements/financeur-commun/", 5),
        ("/accessibilite/", 1),
    ],
)
def test_the_forms_cost_no_query(client, db, django_assert_num_queries, path, queries):
    make_directory(3)
    with django_assert_num_queries(queries):
        response = client.get(path)
    assert 'id="report-form"' in response.content.decode()
