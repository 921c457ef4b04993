"""What protects the public's forms (a family's contact request, an error report, a school's proposal).

- Cross-site posts are refused from the headers every browser sends with a form (Sec-Fetch-Site, else
  Origin, else Referer), not with Django's CSRF token. A token needs a cookie, and the public site sets none
  (the personal-data page promises it); it also needs a page per visitor, where the school pages are cached,
  the same bytes for everyone (core/cache.py). The headers cannot be set by another site's page, which is
  what CSRF is about; a post carrying none of them is refused too. The admin keeps Django's token.
- A honeypot field, hidden from people and assistive technologies, that robots fill in: the post is then
  answered as if it had worked, and nothing is stored.
- A rate limit per client address and form, counted in the database (exact across web processes): once
  reached, a clear French page with HTTP 429. The address itself is never stored, only a keyed hash of it.
- One-line fields refuse line breaks and control characters (no header injection into a mail), and every
  field has a maximum length.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from contact.models import Submission
from security.client_ip import client_ip_behind_proxy

one_line = RegexValidator(
    r"[\x00-\x1f\x7f\u2028\u2029]",
    inverse_match=True,
    message="Ce champ doit tenir sur une ligne, sans caractère spécial.",
    code="not_one_line",
)

HONEYPOT = "site_web"  # a name robots like to fill in
# Submission rows are deleted once this old (manage.py purge_public_messages, daily): no limit may count over
# a longer window. The personal data page says so.
SUBMISSIONS_KEPT = timedelta(hours=24)


class HoneypotForm(forms.Form):
    """A form with the honeypot field; render it with includes/_honeypot.html."""

    site_web = forms.CharField(required=False, max_length=200, label="Ne remplissez pas ce champ")

    def is_robot(self):
        return bool(self.data.get(HONEYPOT, "").strip())


def client_address(request):
    """The visitor's address, as django-axes counts it (behind a TLS proxy, the one the proxy saw)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        return client_ip_behind_proxy(request) or ""
    return request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` forms stored per `window` from one client address."""

    form: str
    limit: int
    window: timedelta

    def __post_init__(self):
        if self.window > SUBMISSIONS_KEPT:
            raise ValueError(
                f"A rate limit counts over {SUBMISSIONS_KEPT} at most: its rows are deleted after."
            )

    def window_text(self):
        """The window in plain French: "1 heure", "24 heures", "10 minutes"."""
        minutes = int(self.window.total_seconds() // 60)
        number, unit = (minutes // 60, "heure") if minutes % 60 == 0 else (minutes, "minute")
        return f"{number} {unit}{'s' if number > 1 else ''}"

    def client(self, request):
        return salted_hmac("contact.abuse.RateLimit", client_address(request)).hexdigest()

    def reached(self, request):
        since = timezone.now() - self.window
        stored = Submission.objects.filter(
            form=self.form, client=self.client(request), submitted_at__gte=since
        )
        return stored.count() >= self.limit

    def record(self, request):
        Submission.objects.create(form=self.form, client=self.client(request), submitted_at=timezone.now())


def own_origin(request):
    return f"{request.scheme}://{request.get_host()}"


def is_cross_site(request):
    """True unless the post comes from one of this site's own pages (see the module's docstring)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    trusted = {own_origin(request), *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin not in trusted
    referer = urlsplit(request.headers.get("Referer", ""))
    return f"{referer.scheme}://{referer.netloc}" not in trusted


def protected_form(rate_limit):
    """For a view taking a public form: a post from another site gets 403, a client over `rate_limit` 429,
    both as French pages, before the form is even read. The view calls `rate_limit.record(request)` once it
    has stored what was sent."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if request.method == "POST":
                if is_cross_site(request):
                    return render(request, "contact/cross_site.html", status=403)
                if rate_limit.reached(request):
                    context = {"window_text": rate_limit.window_text()}
                    response = render(request, "contact/too_many.html", context, status=429)
                    response["Retry-After"] = str(int(rate_limit.window.total_seconds()))
                    return response
            return view(request, *args, **kwargs)

        checked.csrf_exempt = True  # replaced by is_cross_site(): see the module's docstring
        return checked

    return decorate
