"""Local development: works with no environment variable at all (SQLite in the project folder)."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
os.environ.setdefault("DJANGO_SUPERUSERS_NEED_SECOND_FACTOR", "false")
os.environ.setdefault("DJANGO_DEFAULT_FROM_EMAIL", "annuaire@localhost")
os.environ.setdefault("DJANGO_STAFF_EMAILS", "equipe-regionale@localhost")

from .base import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# Mail stays on this machine: each message is a file in sent-mail/ (git-ignored); `make run` says so.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = BASE_DIR / "sent-mail"  # noqa: F405
