"""The admin's login journal (django-axes) keeps personal data only as long as it serves security.

- `AccessLog`, one row per successful staff login (username, IP address, browser, time of login and logout):
  kept `settings.LOGIN_JOURNAL_RETENTION`, six months, the lower end of the 6 to 12 months the CNIL recommends
  for access logs: long enough to find out how an account was misused, no longer.
- `AccessAttempt`, the failed logins that count towards a lockout (username, IP address, browser, time; never
  the password): kept only while they count, that is the cool-off (`AXES_COOLOFF_TIME`, 15 minutes).

The purge runs at every staff login and from `manage.py purge_login_journal`, to be run daily (see README).
"""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.utils import timezone


def purge_login_journal():
    """Delete the rows kept longer than their retention; return (logins deleted, failed attempts deleted)."""
    now = timezone.now()
    logins, _ = AccessLog.objects.filter(attempt_time__lt=now - settings.LOGIN_JOURNAL_RETENTION).delete()
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=now - get_cool_off()).delete()
    return logins, attempts


def purge_on_login(sender, **kwargs):
    purge_login_journal()
