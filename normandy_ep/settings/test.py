"""Test settings: base settings with test defaults. DATABASE_URL may point the suite at PostgreSQL."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SUPERUSERS_NEED_SECOND_FACTOR", "false")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from .base import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Never a cache a developer configured (DJANGO_CACHE_URL): each test process its own local memory. Tests that
# need a real Redis start their own or use CI's (tests/redis_server.py) and say so in their settings.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Serve static files from the apps' folders without collectstatic, as in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tests never reach a mail server a developer may have configured: messages stay in memory
# (django.core.mail.outbox). The SMTP tests point the SMTP backend at their own server on a loopback port.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = 9  # discard: nothing listens here
EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
EMAIL_USE_TLS = False
DEFAULT_FROM_EMAIL = SERVER_EMAIL = "annuaire@ecoles.example.org"
STAFF_EMAILS = ["equipe-regionale@example.org"]
