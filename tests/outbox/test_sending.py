"""Mail through a real SMTP server started by the tests: it arrives; with the server down, nothing is lost."""

import logging
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from outbox.enums import State
from outbox.models import Message
from outbox.sending import LEASE, MAX_ATTEMPTS, RefusedMail, purge_outbox, queue_mail, send_queued

SUBJECT = "Demande de contact : Léa, 16 ans"
TEXT = "Léa aimerait découvrir l'école.\nElle préfère être appelée le mercredi."


def queue(django_capture_on_commit_callbacks, to="ecole@example.org", **kwargs):
    """queue_mail() as a view calls it: inside the request's transaction, then its commit."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = queue_mail(to, kwargs.pop("subject", SUBJECT), **{"text": TEXT, **kwargs})
    message.refresh_from_db()
    return message


def parts(received_message):
    """The plain and HTML parts of a message received, with line ends as stored (SMTP sends CRLF)."""
    plain = received_message.get_body(("plain",)).get_content()
    html = received_message.get_body(("html",)).get_content()
    return plain.replace("\r\n", "\n"), html.replace("\r\n", "\n")


@pytest.mark.django_db
class TestDelivery:
    def test_the_message_arrives_with_its_recipient_subject_and_both_parts(
        self, smtp_server, django_capture_on_commit_callbacks
    ):
        message = queue(django_capture_on_commit_callbacks, reply_to="lea@example.net")

        assert message.state == State.SENT and message.sent_at and message.attempts == 0
        [(recipients, received)] = smtp_server.received
        assert recipients == ["ecole@example.org"]
        assert received["To"] == "ecole@example.org"
        assert received["From"] == "annuaire@ecoles.example.org"
        assert received["Reply-To"] == "lea@example.net"
        assert received["Subject"] == SUBJECT
        plain, html = parts(received)
        assert TEXT in plain
        assert "<p>Léa aimerait découvrir l&#x27;école.<br>Elle préfère être appelée le mercredi.</p>" in html
        assert '<html lang="fr">' in html

    def test_a_template_gives_both_parts_in_french(self, smtp_server):
        out = _run_command("send_test_mail", "equipe@example.org")

        assert re.fullmatch(r"Courriel n° \d+ : envoyé\.\n", out)
        [(recipients, received)] = smtp_server.received
        assert recipients == ["equipe@example.org"]
        plain, html = parts(received)
        assert "Ce courriel d'essai a été envoyé le" in plain and "tout fonctionne : il n'y a rien" in plain
        assert "Ce courriel d'essai a été envoyé le" in html and "&amp;nbsp;" not in html
        assert Message.objects.get().state == State.SENT

    def test_several_recipients_each_receive_it(self, smtp_server, django_capture_on_commit_callbacks):
        queue(django_capture_on_commit_callbacks, to=["a@example.org", "b@example.org"])

        [(recipients, received)] = smtp_server.received
        assert recipients == ["a@example.org", "b@example.org"]

    def test_nothing_is_stored_or_sent_when_the_callers_work_is_rolled_back(
        self, smtp_server, django_capture_on_commit_callbacks
    ):
        class Crash(Exception):
            pass

        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Crash), transaction.atomic():
            queue_mail("ecole@example.org", SUBJECT, text=TEXT)
            raise Crash
        assert not Message.objects.exists() and not smtp_server.received

    def test_mails_carry_no_tracking_nor_remote_content(
        self, smtp_server, django_capture_on_commit_callbacks
    ):
        queue(django_capture_on_commit_callbacks, text="Voir https://ecoles.example.org/ecoles/")
        _run_command("send_test_mail", "equipe@example.org")

        for _, received in smtp_server.received:
            _, html = parts(received)
            for tracker in ("<img", "src=", "<script", "<link", "url(", "utm_", "@import"):
                assert tracker not in html.lower()
            assert received.get_content_type() == "multipart/alternative"
            assert not list(received.iter_attachments())


@pytest.mark.django_db
class TestServerDown:
    def test_queuing_succeeds_the_message_waits_and_a_retry_delivers_it(
        self, smtp_server, django_capture_on_commit_callbacks, clock
    ):
        smtp_server.stop()
        message = queue(django_capture_on_commit_callbacks)

        assert message.state == State.FAILED and message.attempts == 1
        assert message.last_error == "Le serveur de courriel refuse la connexion (arrêté ?)."
        assert message.next_attempt_at == clock.now + timedelta(minutes=1)
        assert (message.subject, message.recipients) == (SUBJECT, "ecole@example.org")
        assert TEXT in message.body_text and "Léa aimerait" in message.body_html

        smtp_server.start()
        _run_command()  # too early: the backoff holds it
        assert not smtp_server.received
        clock.advance(minutes=1)
        out = _run_command()

        message.refresh_from_db()
        assert message.state == State.SENT and message.sent_at == clock.now and message.last_error == ""
        [(recipients, received)] = smtp_server.received
        assert recipients == ["ecole@example.org"] and received["Subject"] == SUBJECT
        assert TEXT in parts(received)[0]
        assert "1 envoyé(s)" in out
        _run_command()  # sent once only
        assert len(smtp_server.received) == 1

    def test_the_retries_back_off_then_stop_at_the_cap(
        self, smtp_server, django_capture_on_commit_callbacks, clock
    ):
        smtp_server.stop()
        message = queue(django_capture_on_commit_callbacks)
        delays = []
        while message.state == State.FAILED:
            delay = message.next_attempt_at - clock.now
            delays.append(int(delay.total_seconds() // 60))
            clock.advance(seconds=delay.total_seconds() - 1)
            _run_command()  # one second early: not tried
            message.refresh_from_db()
            assert message.attempts == len(delays)
            clock.advance(seconds=1)
            _run_command()
            message.refresh_from_db()

        assert delays == [1, 2, 4, 8, 16, 32, 64, 128, 240, 240, 240]
        assert message.state == State.ABANDONED and message.attempts == MAX_ATTEMPTS == 12
        clock.advance(days=1)
        smtp_server.start()
        _run_command()
        assert not smtp_server.received  # an abandoned message waits for a person to "renvoyer" it

    def test_the_test_mail_command_says_what_failed(self, smtp_server):
        smtp_server.stop()
        out = _run_command("send_test_mail", "equipe@example.org")

        assert re.fullmatch(
            r"Courriel n° \d+ : échec, nouvel essai prévu\. Le serveur de courriel refuse la connexion "
            r"\(arrêté \?\)\.\n",
            out,
        )

    def test_a_refused_recipient_is_recorded_without_the_address(
        self, smtp_server, django_capture_on_commit_callbacks
    ):
        smtp_server.refused.add("parti@example.org")
        message = queue(django_capture_on_commit_callbacks, to="parti@example.org")

        assert message.state == State.FAILED
        assert message.last_error == "Le serveur de courriel a refusé le destinataire (code 550)."

    def test_no_mail_server_configured_keeps_the_message_waiting_without_using_its_tries(
        self, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "outbox.backends.NotConfiguredBackend"
        message = queue(django_capture_on_commit_callbacks)

        assert message.state == State.WAITING and message.attempts == 0
        assert "DJANGO_EMAIL_HOST" in message.last_error

    def test_a_message_being_sent_by_another_process_is_not_taken_twice(self, smtp_server, clock):
        message = Message.objects.create(recipients="ecole@example.org", subject=SUBJECT, body_text=TEXT)
        Message.objects.filter(pk=message.pk).update(next_attempt_at=clock.now + LEASE)  # taken elsewhere

        assert send_queued(message.pk) is None
        assert not smtp_server.received


def _run_command(*args):
    out = StringIO()
    call_command(*(args or ["send_queued_mail"]), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestHeaderInjection:
    @pytest.mark.parametrize(
        "to, subject, reply_to",
        [
            ("ecole@example.org", "Bonjour\nBcc: cible@example.net", ""),
            ("ecole@example.org", "Bonjour\r\nBcc: cible@example.net", ""),
            ("ecole@example.org\nBcc: cible@example.net", SUBJECT, ""),
            (["ecole@example.org", "x@example.org\r\nCc: cible@example.net"], SUBJECT, ""),
            ("ecole@example.org", SUBJECT, "lea@example.net\nBcc: cible@example.net"),
            ("pas une adresse", SUBJECT, ""),
            ([], SUBJECT, ""),
        ],
    )
    def test_a_line_break_in_a_header_or_a_bad_address_is_refused_and_nothing_stored(
        self, smtp_server, django_capture_on_commit_callbacks, to, subject, reply_to
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RefusedMail):
            queue_mail(to, subject, text=TEXT, reply_to=reply_to)
        assert not Message.objects.exists() and not smtp_server.received

    def test_a_stored_message_with_a_broken_header_is_abandoned_never_sent(self, smtp_server):
        message = Message.objects.create(
            recipients="ecole@example.org", subject="Bonjour\nBcc: cible@example.net", body_text=TEXT
        )

        assert send_queued(message.pk) == State.ABANDONED
        message.refresh_from_db()
        assert message.last_error == "En-tête refusé : un saut de ligne dans l'objet ou une adresse."
        assert not smtp_server.received

    def test_the_test_mail_command_refuses_a_bad_address_in_words(self, db):
        from django.core.management import CommandError

        with pytest.raises(CommandError, match="Adresse de courriel invalide"):
            call_command("send_test_mail", "equipe@example.org\nBcc: cible@example.net")


@pytest.mark.django_db
def test_logs_name_messages_by_number_never_by_address_subject_or_body(
    smtp_server, django_capture_on_commit_callbacks, caplog, clock
):
    caplog.set_level(logging.INFO, logger="outbox")
    sent = queue(django_capture_on_commit_callbacks)
    smtp_server.stop()
    failed = queue(django_capture_on_commit_callbacks, to="autre@example.org", reply_to="lea@example.net")

    logged = "\n".join(record.getMessage() for record in caplog.records if record.name.startswith("outbox"))
    assert f"Courriel {sent.pk} : envoyé" in logged
    assert f"Courriel {failed.pk} : échec, nouvel essai prévu (essai 1)" in logged
    for personal in ("example.org", "example.net", "Léa", "mercredi", SUBJECT):
        assert personal not in logged


@pytest.mark.django_db
def test_the_purge_deletes_sent_and_abandoned_messages_after_30_days_only(clock):
    def make(state, age_in_days, **fields):
        moment = clock.now - timedelta(days=age_in_days)
        return Message.objects.create(
            recipients="ecole@example.org",
            subject=SUBJECT,
            body_text=TEXT,
            state=state,
            created_at=moment,
            last_attempt_at=moment,
            sent_at=moment if state == State.SENT else None,
            **fields,
        )

    kept = {
        make(State.SENT, 29).pk,
        make(State.ABANDONED, 29).pk,
        make(State.WAITING, 90).pk,  # never delivered yet: kept until it is
        make(State.FAILED, 90).pk,
    }
    make(State.SENT, 31)
    make(State.ABANDONED, 31)

    assert purge_outbox() == 2
    assert set(Message.objects.values_list("pk", flat=True)) == kept
    assert "0 ancien(s) supprimé(s)" in _run_command()
