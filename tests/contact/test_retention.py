"""`manage.py purge_public_messages`, run daily: requests and reports go 183 days after they were sent, with
the outbox messages that carried them; the rate limit's hashes after 24 hours."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from contact.abuse import SUBMISSIONS_KEPT, RateLimit
from contact.models import ContactRequest, ErrorReport, Submission
from contact.views import CONTACT_LIMIT
from outbox.enums import State
from outbox.models import Message
from outbox.sending import queue_mail
from tests.contact.test_contact_request import VALID
from tests.factories import make_trade


def purge():
    out = StringIO()
    call_command("purge_public_messages", stdout=out)
    return out.getvalue()


def test_six_months_is_183_days():
    assert timedelta(days=183) == settings.PUBLIC_MESSAGES_RETENTION
    assert timedelta(hours=24) == SUBMISSIONS_KEPT


def test_what_passed_its_time_is_deleted_with_its_mails_and_nothing_else(send, school, clock, settings):
    settings.EMAIL_BACKEND = (
        "outbox.backends.NotConfiguredBackend"  # messages wait for ever: purged all the same
    )
    make_trade(slug="usinage")
    sent_at = clock.now
    send(reverse("contact:contact_request", args=[school.slug]), VALID)
    send(reverse("contact:error_report"), {"page": "/metiers/usinage/", "description": "Erreur."})
    unrelated = queue_mail("equipe@example.org", "Essai", text="Un message sans lien avec une demande.")
    assert Message.objects.filter(state=State.WAITING).count() == 4
    assert Submission.objects.count() == 2

    clock.advance(hours=24, seconds=1)
    out = purge()
    assert Submission.objects.count() == 0  # the hashes: 24 hours
    assert ContactRequest.objects.count() == 1 and ErrorReport.objects.count() == 1

    clock.go_to(sent_at + timedelta(days=183))
    purge()
    assert ContactRequest.objects.count() == 1 and ErrorReport.objects.count() == 1  # exactly 183 days: kept

    send(reverse("contact:contact_request", args=[school.slug]), {**VALID, "first_name": "Tom"})
    # The field's default is Django's own timezone.now, which the clock does not move: date Tom's request.
    ContactRequest.objects.filter(first_name="Tom").update(created_at=clock.now)
    clock.advance(seconds=1)
    out = purge()

    assert (
        out
        == "Supprimés : 1 demande(s) de contact, 1 signalement(s), 3 courriel(s), 0 empreinte(s) d'adresse.\n"
    )
    assert list(ContactRequest.objects.values_list("first_name", flat=True)) == ["Tom"]
    assert not ErrorReport.objects.exists()
    kept = set(Message.objects.values_list("pk", flat=True))
    tom = ContactRequest.objects.get()
    assert kept == {unrelated.pk, tom.transmission_id, tom.copy_id}


def test_a_handled_request_goes_at_the_same_time(school, clock, editor):
    request = ContactRequest.objects.create(
        school=school,
        first_name="Léa",
        email="lea@example.net",
        age=17,
        wish="enrol",
        recipient="school",
        status="handled",
        handled_by=editor,
        handled_at=clock.now,
        created_at=clock.now - timedelta(days=183, seconds=1),
    )
    purge()
    assert not ContactRequest.objects.filter(pk=request.pk).exists()


@pytest.mark.parametrize("hours", [1, 24])
def test_every_rate_limit_counts_within_what_is_kept(hours):
    RateLimit("essai", 1, timedelta(hours=hours))
    with pytest.raises(ValueError):
        RateLimit("essai", 1, timedelta(hours=24, seconds=1))


def test_the_hashes_are_kept_longer_than_the_limits_window(db, clock):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    CONTACT_LIMIT.record(request)
    clock.advance(hours=23)
    purge()
    assert Submission.objects.count() == 1
    assert not CONTACT_LIMIT.reached(request)
