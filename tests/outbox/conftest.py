import email
import email.policy
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from tests.ports import free_port


class SMTPServer:
    """A real SMTP server on a loopback port (aiosmtpd), which the test can stop and start again.

    `received` holds each message that arrived, as (envelope recipients, parsed message); recipients listed
    in `refused` are answered with a permanent 550."""

    def __init__(self):
        self.port = free_port()
        self.received = []
        self.refused = set()
        self.controller = None

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return f"550 5.1.1 <{address}>: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """Django's SMTP backend pointed at a real SMTP server of the test's own, on a free loopback port."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


class Clock:
    """timezone.now(), moved by the test."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, **kwargs):
        self.now += timedelta(**kwargs)

    def go_to(self, moment):
        self.now = moment


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock
