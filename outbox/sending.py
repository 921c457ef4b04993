"""Queue a message, send it, retry it: mail never blocks or breaks the request that asks for it.

`queue_mail()` stores the message in the caller's transaction (if the caller's work is rolled back, so is the
message) and tries to send it once that transaction commits. Any failure is recorded on the message in plain
words and the message waits: `manage.py send_queued_mail`, run every minute, tries again after 1, 2, 4…
minutes (at most `MAX_DELAY` apart) and gives up after `MAX_ATTEMPTS` failures, about 16 hours; staff can then
"renvoyer" it from the admin. Logs name the message by its number only: never an address, a subject or a body.
"""

import logging
import smtplib
import socket
import ssl
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from outbox.backends import MailNotConfigured
from outbox.enums import State
from outbox.models import Message

logger = logging.getLogger(__name__)

FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=4)
# Tries 1, 2, 4… 128 minutes apart, then 4 hours apart: the 12th failure, about 16 hours after the first,
# abandons the message.
MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=10)  # a message being sent is not taken by another process for this long
SUBJECT_MAX_LENGTH = Message._meta.get_field("subject").max_length


class RefusedMail(ValueError):
    """The message cannot be sent as asked (a line break in a header, an invalid address): nothing stored."""


def queue_mail(to, subject, *, template=None, context=None, text=None, reply_to=""):
    """Store a message for `to` (one address or a list) and send it once the current transaction commits.

    The body is either `template`, a name such that `<template>.txt` and `<template>.html` render the plain
    and HTML versions with `context` (they extend `outbox/base.txt` and `outbox/base.html`), or `text`, plain
    text put into those base templates. Raises RefusedMail, storing nothing, for a line break in the subject,
    an invalid address (which refuses any line break too) or an empty recipient list."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise RefusedMail("Aucun destinataire.")
    for address in [*recipients, *([reply_to] if reply_to else [])]:
        try:
            validate_email(address)
        except ValidationError:
            raise RefusedMail("Adresse de courriel invalide.") from None
    if "\n" in subject or "\r" in subject or not subject.strip():
        raise RefusedMail("L'objet doit tenir sur une ligne.")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise RefusedMail(f"L'objet dépasse {SUBJECT_MAX_LENGTH} caractères.")
    if (template is None) == (text is None):
        raise TypeError("Give either a template or a text.")
    if template is None:
        template, context = "outbox/text", {"text": text}
    context = {"subject": subject, **(context or {})}
    now = timezone.now()
    message = Message.objects.create(
        created_at=now,
        next_attempt_at=now,
        recipients="\n".join(recipients),
        reply_to=reply_to,
        subject=subject,
        body_text=render_to_string(f"{template}.txt", context).strip() + "\n",
        body_html=render_to_string(f"{template}.html", context),
    )
    logger.info("Courriel %s : mis en file d'attente", message.pk)
    transaction.on_commit(partial(send_queued, message.pk), robust=True)
    return message


def send_queued(pk, connection=None):
    """Try to send message `pk` now, if it is due and no other process holds it; return its new state.

    Never raises for a mail failure: the failure is recorded on the message, which waits for its next try."""
    now = timezone.now()
    # Take the message with one conditional UPDATE, so that the minute's command and a request's first try,
    # or two overlapping commands, never send the same message twice.
    taken = Message.objects.due(now).filter(pk=pk).update(next_attempt_at=now + LEASE, last_attempt_at=now)
    if not taken:
        return None
    message = Message.objects.get(pk=pk)
    try:
        email = EmailMultiAlternatives(
            message.subject,
            message.body_text,
            settings.DEFAULT_FROM_EMAIL,
            message.recipient_list,
            reply_to=[message.reply_to] if message.reply_to else None,
            connection=connection or get_connection(),
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        if email.send() != 1:
            raise smtplib.SMTPException("nothing sent")
    except Exception as error:  # every failure of the network, the server or the message: recorded, retried
        if connection is not None:
            connection.close()  # a broken conversation is not reused for the next message
        return record_failure(message, error)
    message.state, message.sent_at, message.last_error = State.SENT, timezone.now(), ""
    message.save(update_fields=["state", "sent_at", "last_error"])
    logger.info("Courriel %s : envoyé", message.pk)
    return message.state


def record_failure(message, error):
    now = timezone.now()
    message.last_error = describe(error)[:200]
    if isinstance(error, MailNotConfigured):
        # Not the message's fault: it keeps waiting, without using up its tries.
        message.state, message.next_attempt_at = State.WAITING, now + FIRST_DELAY
    else:
        message.attempts += 1
        if message.attempts >= MAX_ATTEMPTS or isinstance(error, BadHeaderError):
            message.state = State.ABANDONED
        else:
            message.state = State.FAILED
            message.next_attempt_at = now + min(FIRST_DELAY * 2 ** (message.attempts - 1), MAX_DELAY)
    message.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
    logger.warning(
        "Courriel %s : %s (essai %s) : %s",
        message.pk,
        message.get_state_display(),
        message.attempts,
        message.last_error,
    )
    return message.state


def describe(error):
    """The failure in plain French, from its type and SMTP code only: a server's own words may quote an
    address, so they are never kept."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, MailNotConfigured):
        return "Aucun serveur de courriel n'est configuré (DJANGO_EMAIL_HOST) : le message attend."
    if isinstance(error, BadHeaderError):
        return "En-tête refusé : un saut de ligne dans l'objet ou une adresse."
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"Le serveur de courriel a refusé l'identifiant ou le mot de passe (code {code})."
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in error.recipients.values()})
        return f"Le serveur de courriel a refusé le destinataire (code {', '.join(codes)})."
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"Le serveur de courriel a refusé l'expéditeur (code {code})."
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "Le serveur de courriel a coupé la connexion."
    if isinstance(error, smtplib.SMTPResponseException):
        return f"Le serveur de courriel a refusé le message (code {code})."
    if isinstance(error, smtplib.SMTPException):
        return "Le serveur de courriel a répondu par une erreur."
    if isinstance(error, ssl.SSLError):
        return "La connexion chiffrée (TLS) avec le serveur de courriel a échoué."
    if isinstance(error, socket.timeout | TimeoutError):
        return "Le serveur de courriel n'a pas répondu à temps."
    if isinstance(error, ConnectionRefusedError):
        return "Le serveur de courriel refuse la connexion (arrêté ?)."
    if isinstance(error, socket.gaierror):
        return "Le nom du serveur de courriel est inconnu."
    if isinstance(error, OSError):
        return "Le serveur de courriel est injoignable."
    return f"Erreur inattendue ({type(error).__name__})."


def send_due():
    """Try every message whose time has come, over one connection; return {state: count}."""
    counts = {}
    connection = get_connection()
    try:
        for pk in Message.objects.due().values_list("pk", flat=True):
            state = send_queued(pk, connection=connection)
            if state:
                counts[state] = counts.get(state, 0) + 1
    finally:
        connection.close()
    return counts


def resend(messages):
    """Put unsent messages back in line, with all their tries ahead, for the next run of send_queued_mail
    (within a minute: a request never waits for many servers' answers); return how many. Sent messages are
    left alone: renvoyer never sends a message twice."""
    pks = list(messages.exclude(state=State.SENT).values_list("pk", flat=True))
    Message.objects.filter(pk__in=pks).update(state=State.WAITING, attempts=0, next_attempt_at=timezone.now())
    for pk in pks:
        logger.info("Courriel %s : renvoi demandé", pk)
    return len(pks)


def purge_outbox():
    """Delete sent and abandoned messages older than settings.OUTBOX_RETENTION; return how many."""
    limit = timezone.now() - settings.OUTBOX_RETENTION
    sent, _ = Message.objects.filter(state=State.SENT, sent_at__lt=limit).delete()
    abandoned, _ = Message.objects.filter(state=State.ABANDONED, last_attempt_at__lt=limit).delete()
    return sent + abandoned
