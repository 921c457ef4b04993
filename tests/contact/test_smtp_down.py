"""With the mail server down, a request and a report are still stored and confirmed; they arrive once the
server is back, at the next run of `send_queued_mail` (a real SMTP server, stopped and started by the
test)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from contact.models import ContactRequest, ErrorReport
from outbox.enums import State
from tests.contact.test_contact_request import VALID
from tests.factories import make_trade


@pytest.fixture
def smtp(smtp_server, clock):
    smtp_server.stop()
    return smtp_server


def send_queued_mail():
    call_command("send_queued_mail", stdout=StringIO())


def test_a_contact_request_waits_for_the_server_then_is_transmitted(send, school, smtp, clock):
    response = send(reverse("contact:contact_request", args=[school.slug]), VALID)

    assert response.status_code == 303
    request = ContactRequest.objects.select_related("transmission", "copy").get()
    assert request.status == ContactRequest.Status.NEW and request.transmitted_at is None
    assert request.transmission.state == State.FAILED and request.copy.state == State.FAILED
    assert not smtp.received

    smtp.start()
    clock.advance(minutes=1)
    send_queued_mail()

    request.refresh_from_db()
    assert request.status == ContactRequest.Status.TRANSMITTED
    assert request.transmitted_at == clock.now
    received = {tuple(recipients): message for recipients, message in smtp.received}
    assert set(received) == {("contact@metal-academy.example.org",), ("lea@example.net",)}
    to_school = received[("contact@metal-academy.example.org",)]
    assert to_school["Subject"] == "Demande de contact : Léa, 16 ans"
    assert to_school["Reply-To"] == "lea@example.net"
    assert "Je suis libre le mercredi." in to_school.get_body(("plain",)).get_content()


def test_a_request_already_handled_stays_handled_when_its_mail_leaves(send, school, smtp, clock, admin_user):
    send(reverse("contact:contact_request", args=[school.slug]), VALID)
    ContactRequest.objects.update(status=ContactRequest.Status.HANDLED, handled_at=clock.now)

    smtp.start()
    clock.advance(minutes=1)
    send_queued_mail()

    request = ContactRequest.objects.get()
    assert request.status == ContactRequest.Status.HANDLED and request.transmitted_at == clock.now


def test_an_error_report_waits_for_the_server_then_reaches_the_staff(send, db, smtp, clock):
    make_trade(slug="chaudronnerie", name="Chaudronnerie")
    data = {"page": "/metiers/chaudronnerie/", "description": "Le lien ne marche plus."}

    assert send(reverse("contact:error_report"), data).status_code == 303
    report = ErrorReport.objects.get()
    assert report.notification.state == State.FAILED and not smtp.received

    smtp.start()
    clock.advance(minutes=1)
    send_queued_mail()

    [(recipients, message)] = smtp.received
    assert recipients == ["equipe-regionale@example.org"]
    assert message["Subject"] == "Erreur signalée : Métier : Chaudronnerie"
