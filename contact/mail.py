"""Passing on what the public sends, through the outbox (outbox/sending.py).

The caller stores the request or report first, then calls these in the same transaction: the messages are
stored with it and sent once it commits, retried by `manage.py send_queued_mail` while the mail server is
down.
A message the outbox refuses (an address it finds invalid) never loses the request: it stays "nouvelle" in
the admin and the log says which one, by number. Logs never hold a name, an address or a message.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse

from contact.enums import RequestStatus
from contact.models import ContactRequest
from outbox.enums import State
from outbox.sending import SUBJECT_MAX_LENGTH, RefusedMail, queue_mail

logger = logging.getLogger(__name__)


def one_line_subject(text):
    return text[:SUBJECT_MAX_LENGTH]


def queue_or_log(what, to, subject, **kwargs):
    """queue_mail(), or None when there is no one to send to or the outbox refuses the message."""
    if not to:
        return None
    try:
        with transaction.atomic():  # a refused message leaves the caller's transaction usable
            return queue_mail(to, one_line_subject(subject), **kwargs)
    except RefusedMail:
        logger.warning("%s : courriel refusé par la file d'envoi, rien n'a été envoyé", what)
        return None


def pass_on_request(contact_request, request):
    """Queue the request's mail to the school (or to the Région's team) and, if the person gave an e-mail, a
    copy for them; link both to the request, which the caller has saved."""
    school = contact_request.school
    to_school = contact_request.recipient == ContactRequest.Recipient.SCHOOL
    context = {
        "contact_request": contact_request,
        "school": school,
        "to_school": to_school,
        "school_url": request.build_absolute_uri(school.get_absolute_url()),
        "admin_url": request.build_absolute_uri(
            reverse("admin:contact_contactrequest_change", args=[contact_request.pk])
        ),
    }
    what = f"Demande de contact n° {contact_request.pk}"
    subject = f"Demande de contact : {contact_request.first_name}, {contact_request.age} ans"
    contact_request.transmission = queue_or_log(
        what,
        [school.email] if to_school else settings.STAFF_EMAILS,
        subject if to_school else f"{subject} ({school.name})",
        template="contact/mail/request",
        context=context,
        reply_to=contact_request.email,
    )
    if contact_request.email:
        answers_to = school.email if to_school else next(iter(settings.STAFF_EMAILS), "")
        contact_request.copy = queue_or_log(
            f"Copie de la demande n° {contact_request.pk}",
            contact_request.email,
            f"Votre demande à {school.name}",
            template="contact/mail/request_copy",
            context=context,
            reply_to=answers_to,
        )
    contact_request.save(update_fields=["transmission", "copy"])
    logger.info("%s enregistrée", what)


def notify_report(report, request):
    """Queue a message to the Région's team for a new error report (none if DJANGO_STAFF_EMAILS is empty:
    the report waits in the admin)."""
    context = {
        "report": report,
        "page_url": request.build_absolute_uri(report.page_path),
        "admin_url": request.build_absolute_uri(
            reverse("admin:contact_errorreport_change", args=[report.pk])
        ),
    }
    report.notification = queue_or_log(
        f"Signalement n° {report.pk}",
        settings.STAFF_EMAILS,
        f"Erreur signalée : {report.page_label}",
        template="contact/mail/error_report",
        context=context,
        reply_to=report.email,
    )
    report.save(update_fields=["notification"])
    logger.info("Signalement n° %s enregistré", report.pk)


def mark_transmitted(sender, instance, update_fields=None, **kwargs):
    """post_save of an outbox message: once the mail of a request has been sent, the request is "transmise"
    (unless staff already marked it handled), dated from the sending."""
    if instance.state != State.SENT or (update_fields is not None and "state" not in update_fields):
        return
    ContactRequest.objects.filter(transmission=instance, transmitted_at__isnull=True).update(
        transmitted_at=instance.sent_at,
        status=Case(
            When(status=RequestStatus.NEW, then=Value(RequestStatus.TRANSMITTED)), default=F("status")
        ),
    )
