"""The protections every public form shares (contact/abuse.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from contact.abuse import HoneypotForm, RateLimit, is_cross_site, one_line, protected_form
from contact.models import Submission

HOUR = RateLimit("essai", limit=3, window=timedelta(hours=1))


def post(**headers):
    return RequestFactory().post("/formulaire/", headers=headers, REMOTE_ADDR="192.0.2.7")


@pytest.mark.parametrize(
    "headers, cross_site",
    [
        ({"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}, False),
        ({"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"}, True),
        ({"Sec-Fetch-Site": "same-site"}, True),
        ({"Origin": "http://testserver"}, False),
        ({"Origin": "https://evil.example"}, True),
        ({"Origin": "null"}, True),
        ({"Referer": "http://testserver/ecoles/x/"}, False),
        ({"Referer": "http://testserver.evil.example/"}, True),
        ({}, True),
    ],
)
def test_a_post_from_another_site_is_told_apart(headers, cross_site):
    assert is_cross_site(post(**headers)) is cross_site


@override_settings(CSRF_TRUSTED_ORIGINS=["https://ecoles.example"])
def test_trusted_origins_count_as_the_site():
    assert not is_cross_site(post(Origin="https://ecoles.example"))


@pytest.mark.parametrize("value", ["Léa\r\nBcc: x@example.org", "Léa\nTom", "a\x00b", "a\x1bb", "a\u2028b"])
def test_one_line_fields_refuse_breaks_and_control_characters(value):
    with pytest.raises(ValidationError):
        one_line(value)
    one_line("Léa-Marie d'Ornano")


def test_the_honeypot_tells_robots():
    assert HoneypotForm({"site_web": "http://spam.example"}).is_robot()
    assert not HoneypotForm({"site_web": "  "}).is_robot()
    assert not HoneypotForm({}).is_robot()


@pytest.mark.django_db
def test_the_rate_limit_counts_per_address_form_and_window():
    request = post()
    for _ in range(3):
        assert not HOUR.reached(request)
        HOUR.record(request)
    assert HOUR.reached(request)
    other = RequestFactory().post("/formulaire/", REMOTE_ADDR="192.0.2.8")
    assert not HOUR.reached(other)
    assert not RateLimit("autre", limit=3, window=timedelta(hours=1)).reached(request)
    Submission.objects.update(submitted_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert not HOUR.reached(request)
    assert "192.0.2.7" not in str(list(Submission.objects.values_list("client", flat=True)))


@pytest.mark.django_db
@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_the_proxy_each_visitor_has_their_own_count():
    def through_proxy(address):
        return RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)

    for _ in range(3):
        HOUR.record(through_proxy("198.51.100.1"))
    assert HOUR.reached(through_proxy("198.51.100.1"))
    assert not HOUR.reached(through_proxy("198.51.100.2"))


@pytest.mark.parametrize(
    "window, text",
    [
        (timedelta(hours=1), "1 heure"),
        (timedelta(days=1), "24 heures"),
        (timedelta(minutes=10), "10 minutes"),
    ],
)
def test_the_window_in_plain_french(window, text):
    assert RateLimit("x", 1, window).window_text() == text


@pytest.mark.django_db
def test_the_decorator_answers_403_and_429_in_french():
    @protected_form(HOUR)
    def view(request):
        HOUR.record(request)
        return HttpResponse("enregistré")

    assert view.csrf_exempt
    refused = view(post(Origin="https://evil.example"))
    assert refused.status_code == 403
    assert "Formulaire refusé" in refused.content.decode()
    assert Submission.objects.count() == 0
    for _ in range(3):
        assert view(post(Origin="http://testserver")).status_code == 200
    flood = view(post(Origin="http://testserver"))
    assert flood.status_code == 429
    assert flood["Retry-After"] == "3600"
    assert "dans 1 heure" in flood.content.decode()
    assert Submission.objects.count() == 3
