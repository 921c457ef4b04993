"""Production settings are base settings plus environment variables, and they fail closed.

Each test runs manage.py in a child process with the environment it names: the whole module is marked slow."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "normandy_ep.settings.base",
    "DJANGO_SECRET_KEY": "k7#Qv9!pZr2$Lm4@Xw8&Tn6*Hb3^Jd5%Fc1(Gs0)Ya-Ue+Io=Pl;Ks:Mq",
    "DJANGO_ALLOWED_HOSTS": "ecoles-de-production.example.fr",
    "DJANGO_EMAIL_HOST": "smtp.example.fr",
    "DJANGO_EMAIL_HOST_USER": "annuaire",
    "DJANGO_EMAIL_HOST_PASSWORD": "mot-de-passe-du-relais",
    "DJANGO_DEFAULT_FROM_EMAIL": "annuaire@ecoles-de-production.example.fr",
    "DJANGO_STAFF_EMAILS": "equipe@region.example.fr, seconde@region.example.fr",
}
WITHOUT_MAIL = {key: value for key, value in PRODUCTION_ENV.items() if "EMAIL" not in key}


def manage(*args, env):
    base_env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=base_env | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_has_debug_off_and_only_the_declared_hosts():
    code = (
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.SESSION_COOKIE_SECURE)"
    )
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False ['ecoles-de-production.example.fr'] True"


def test_a_malformed_boolean_is_refused_rather_than_guessed():
    result = manage("check", env=PRODUCTION_ENV | {"DJANGO_DEBUG": "peut-être"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_production_sends_mail_by_smtp_with_starttls_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER, "
        "s.DEFAULT_FROM_EMAIL, s.STAFF_EMAILS)"
    )
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "django.core.mail.backends.smtp.EmailBackend smtp.example.fr 587 True annuaire "
        "annuaire@ecoles-de-production.example.fr ['equipe@region.example.fr', 'seconde@region.example.fr']"
    )
    plain = manage("shell", "-c", code, env=PRODUCTION_ENV | {"DJANGO_EMAIL_USE_TLS": "false"})
    assert " smtp.example.fr 25 False " in plain.stdout


def test_production_without_a_mail_server_starts_keeps_mail_waiting_and_check_deploy_says_so():
    result = manage("check", "--deploy", env=WITHOUT_MAIL)
    assert result.returncode == 0, result.stderr
    assert "(outbox.W001) No mail server: DJANGO_EMAIL_HOST is not set." in result.stderr + result.stdout


@pytest.mark.parametrize(
    "missing, message",
    [
        ("DJANGO_DEFAULT_FROM_EMAIL", "DJANGO_EMAIL_HOST is set but DJANGO_DEFAULT_FROM_EMAIL is not"),
        ("DJANGO_STAFF_EMAILS", "DJANGO_EMAIL_HOST is set but DJANGO_STAFF_EMAILS is not"),
    ],
)
def test_production_with_a_mail_server_refuses_to_start_without_a_sender_or_staff_addresses(missing, message):
    result = manage("check", env={k: v for k, v in PRODUCTION_ENV.items() if k != missing})
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("name", ["DJANGO_DEFAULT_FROM_EMAIL", "DJANGO_STAFF_EMAILS"])
@pytest.mark.parametrize("value", ["equipe@region.example.fr\nBcc: cible@example.net", "pas-une-adresse"])
def test_an_address_setting_that_is_not_an_address_is_refused(name, value):
    result = manage("check", env=PRODUCTION_ENV | {name: value})
    assert result.returncode != 0
    assert f"{name} holds something that is not an e-mail address" in result.stderr


def test_development_keeps_mail_in_a_folder_of_the_project():
    env = {"DJANGO_SETTINGS_MODULE": "normandy_ep.settings.dev", "DJANGO_EMAIL_HOST": "smtp.example.fr"}
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_FILE_PATH)"
    result = manage(
        "shell",
        "-c",
        code,
        env=env | {"DJANGO_DEFAULT_FROM_EMAIL": "a@example.fr", "DJANGO_STAFF_EMAILS": "b@example.fr"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        f"django.core.mail.backends.filebased.EmailBackend {PROJECT / 'sent-mail'}"
    )


def test_test_settings_never_reach_a_mail_server_a_developer_configured():
    env = PRODUCTION_ENV | {"DJANGO_SETTINGS_MODULE": "normandy_ep.settings.test"}
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)"
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line == "django.core.mail.backends.locmem.EmailBackend 127.0.0.1 9"


@pytest.mark.parametrize(("setting", "expected"), [(None, "True"), ("false", "None")])
def test_postgresql_prepares_repeated_queries_unless_a_pooler_forbids_it(setting, expected):
    env = PRODUCTION_ENV | {"DATABASE_URL": "postgres://annuaire:secret@db.example.fr:5432/annuaire"}
    if setting is not None:
        env["DJANGO_DB_PREPARED_STATEMENTS"] = setting
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS'].get('server_side_binding'))"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
