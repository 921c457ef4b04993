"""A second factor for the admin: a six-digit code from an authenticator app on the staff member's phone
(TOTP, django-otp's `otp_totp` plugin).

- Any staff member may turn it on (page "Second facteur", in the admin's top bar). From then on, their login
  asks for the code; a missing or wrong code is refused exactly like a wrong password (same message), and
  counts as a failed login towards the lockout (django-axes): five wrong codes lock the account as five wrong
  passwords do, and the code cannot be guessed in the meantime.
- Superusers must have one when `settings.SUPERUSERS_NEED_SECOND_FACTOR` is on (the default in production):
  after their password, a superuser without a phone enrolled reaches only the enrolment page.

django-two-factor-auth was not chosen: it replaces the admin login with its own multi-step pages (other URLs
and field names, which the lockout and its tests rely on), its templates load Bootstrap from a CDN that the
Content-Security-Policy blocks, and it brings django-formtools and qrcode for what a page and a form do here.
The QR code is drawn by segno, already used for the printed school sheets.
"""

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

CODE_HELP = (
    "Six chiffres, seulement si vous avez activé le second facteur : voyez l'application du téléphone."
)


def has_second_factor(user):
    return any(devices_for_user(user, confirmed=True))


def must_enrol(user):
    """A superuser not logged in with a phone where the settings demand one: only enrolment is open."""
    if not (user.is_authenticated and user.is_superuser and settings.SUPERUSERS_NEED_SECOND_FACTOR):
        return False
    # Set by django-otp's middleware; right after the login form, the user object comes from the form instead.
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified() if is_verified else getattr(user, "otp_device", None))


def verified_device(user, token):
    """The user's confirmed device that accepts this code, or None (each device throttles wrong codes)."""
    token = "".join((token or "").split())
    if not token.isdigit():
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        attrs = {"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        super().__init__(max_length=12, widget=forms.TextInput(attrs=attrs), **kwargs)


class SecondFactorAuthenticationForm(AdminAuthenticationForm):
    """The admin login, with the code when the account has a second factor."""

    otp_token = CodeField(label="Code de vérification", required=False, help_text=CODE_HELP)

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        user.otp_device = None  # django-otp marks the session verified at login when set
        if has_second_factor(user):
            user.otp_device = verified_device(user, cleaned_data.get("otp_token"))
            if user.otp_device is None:
                # Counted by django-axes like a wrong password, and told the same way.
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.get_username()}, request=self.request
                )
                raise self.get_invalid_login_error()
        return cleaned_data


class EnrolForm(forms.Form):
    otp_token = CodeField(label="Code affiché par l'application")

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        token = "".join(self.cleaned_data["otp_token"].split())
        if not (token.isdigit() and self.device.verify_token(token)):
            raise forms.ValidationError(
                "Ce code ne correspond pas. Vérifiez que l'heure du téléphone est à l'heure et saisissez le "
                "code affiché maintenant (il change toutes les 30 secondes)."
            )
        return token


class DisableForm(forms.Form):
    """Turning the second factor off takes a code: someone at an unattended session cannot."""

    otp_token = CodeField(label="Code affiché par l'application")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_otp_token(self):
        if verified_device(self.user, self.cleaned_data["otp_token"]) is None:
            raise forms.ValidationError("Ce code ne correspond pas : saisissez celui affiché maintenant.")
        return self.cleaned_data["otp_token"]


class SecondFactorViews:
    """The enrolment page and the status page, served by the admin site (see security/admin_site.py)."""

    def __init__(self, admin_site):
        self.admin_site = admin_site

    def render(self, request, template, context):
        context = self.admin_site.each_context(request) | context
        request.current_app = self.admin_site.name
        return TemplateResponse(request, template, context)

    def status(self, request):
        devices = list(devices_for_user(request.user, confirmed=True))
        required = request.user.is_superuser and settings.SUPERUSERS_NEED_SECOND_FACTOR
        form = DisableForm(request.POST or None, user=request.user)
        if request.method == "POST" and devices and not required and form.is_valid():
            TOTPDevice.objects.filter(user=request.user).delete()
            messages.success(request, "Second facteur désactivé : le mot de passe suffit de nouveau.")
            return redirect("admin:second_factor")
        return self.render(
            request,
            "admin/second_factor/status.html",
            {"title": "Second facteur", "devices": devices, "required": required, "form": form},
        )

    def enrol(self, request):
        if has_second_factor(request.user):
            return redirect("admin:second_factor")
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="Téléphone", confirmed=False)
        form = EnrolForm(request.POST or None, device=device)
        if request.method == "POST" and form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)  # this session is verified; others must log in again with the code
            messages.success(request, "Second facteur activé : votre prochaine connexion demandera le code.")
            return redirect("admin:index")
        secret = b32encode(device.bin_key).decode()
        return self.render(
            request,
            "admin/second_factor/enrol.html",
            {
                "title": "Activer le second facteur",
                "form": form,
                "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
                "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
                "required": must_enrol(request.user),
            },
        )
