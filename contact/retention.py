"""What the public sent is kept only as long as it serves (the personal data page says the same):

- contact requests and error reports: `settings.PUBLIC_MESSAGES_RETENTION`, 183 days (six months) after they
  were sent, handled or not: long enough for a school to answer and for staff to check it did, no longer;
- the outbox messages that carried them (the mail to the school or the staff, the family's copy), deleted with
  them whatever their state: the outbox deletes sent messages after 30 days (`OUTBOX_RETENTION`), but never
  one still waiting, as messages do for ever while no mail server is configured;
- the rate limit's rows (a keyed hash of the client address): `SUBMISSIONS_KEPT`, 24 hours, longer than any
  limit's window.

`manage.py purge_public_messages` runs it; schedule it daily (README).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contact.abuse import SUBMISSIONS_KEPT
from contact.models import ContactRequest, ErrorReport, Submission
from outbox.models import Message


@transaction.atomic
def purge_public_messages():
    """Delete what is past its retention; return (requests, reports, outbox messages, submissions) deleted."""
    now = timezone.now()
    limit = now - settings.PUBLIC_MESSAGES_RETENTION
    requests = ContactRequest.objects.filter(created_at__lt=limit)
    reports = ErrorReport.objects.filter(created_at__lt=limit)
    message_ids = {
        *requests.values_list("transmission", flat=True),
        *requests.values_list("copy", flat=True),
        *reports.values_list("notification", flat=True),
    } - {None}
    request_count, _ = requests.delete()
    report_count, _ = reports.delete()
    message_count, _ = Message.objects.filter(pk__in=message_ids).delete()
    submission_count, _ = Submission.objects.filter(submitted_at__lt=now - SUBMISSIONS_KEPT).delete()
    return request_count, report_count, message_count, submission_count
