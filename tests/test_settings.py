"""Production settings are base settings plus environment variables, and they fail closed."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "normandy_ep.settings.base",
    "DJANGO_SECRET_KEY": "k7#Qv9!pZr2$Lm4@Xw8&Tn6*Hb3^Jd5%Fc1(Gs0)Ya-Ue+Io=Pl;Ks:Mq",
    "DJANGO_ALLOWED_HOSTS": "ecoles-de-production.example.fr",
}


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
