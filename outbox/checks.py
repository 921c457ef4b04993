from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def check_mail_is_configured(app_configs, **kwargs):
    if settings.EMAIL_BACKEND == "outbox.backends.NotConfiguredBackend":
        return [
            Warning(
                "No mail server: DJANGO_EMAIL_HOST is not set.",
                hint="Messages are kept in the outbox, waiting, and nothing is sent until it is set "
                "(with DJANGO_DEFAULT_FROM_EMAIL and DJANGO_STAFF_EMAILS); see .env.example.",
                id="outbox.W001",
            )
        ]
    return []
