from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in
from django_otp.plugins.otp_totp import apps as totp_apps


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by the site that asks for a second factor (security/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; "security" itself is SecurityConfig
    default_site = "security.admin_site.AdminSite"


class TOTPConfig(totp_apps.DefaultConfig):
    """django-otp's phones (TOTP devices), under a French name in the admin."""

    default = False
    verbose_name = "Second facteur"


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Sécurité"

    def ready(self):
        from security.login_journal import purge_on_login

        user_logged_in.connect(purge_on_login, dispatch_uid="security.purge_login_journal")
