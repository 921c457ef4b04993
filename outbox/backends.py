"""The mail backend of a production without DJANGO_EMAIL_HOST: it sends nothing and says why, so that the
outbox keeps each message waiting (see outbox/sending.py) until a mail server is configured."""

from django.core.mail.backends.base import BaseEmailBackend


class MailNotConfigured(Exception):
    pass


class NotConfiguredBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        if email_messages and not self.fail_silently:
            raise MailNotConfigured("DJANGO_EMAIL_HOST is not set")
        return 0
