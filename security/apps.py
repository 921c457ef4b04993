from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Sécurité"

    def ready(self):
        from security.login_journal import purge_on_login

        user_logged_in.connect(purge_on_login, dispatch_uid="security.purge_login_journal")
