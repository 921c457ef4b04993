"""The admin login is locked for 15 minutes after 5 failures, for that account from that address only."""

from datetime import timedelta
from html import unescape

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from schools.editors import EDITOR_GROUP_NAME

LOGIN_URL = "/admin/login/?next=/admin/"
USERNAME = "responsable-annuaire"
PASSWORD = "un-mot-de-passe-solide-2026"
OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.20"
LOCKED_MESSAGE = "Par sécurité, ce compte est bloqué pendant 15 minutes."


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(USERNAME, "responsable@example.org", PASSWORD)


def log_in(client, password, username=USERNAME, address=OFFICE):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def fail(client, times, username=USERNAME, address=OFFICE):
    return [log_in(client, "mauvais-mot-de-passe", username, address) for _ in range(times)]


def is_locked_out(response):
    return response.status_code == 429 and LOCKED_MESSAGE in unescape(response.content.decode())


def test_the_settings_match_what_the_lockout_page_says():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_four_failures_show_the_login_form_again(client, staff):
    for response in fail(client, 4):
        assert response.status_code == 200
        assert "Veuillez compléter correctement les champs" in unescape(response.content.decode())


def test_the_fifth_failure_locks_the_account_with_a_french_page_and_status_429(client, staff):
    *_, fifth = fail(client, 5)
    assert is_locked_out(fifth)
    page = unescape(fifth.content.decode())
    assert "<h1>Connexion bloquée pendant 15 minutes</h1>" in page
    assert "refusé 5 fois de suite" in page
    assert "Demandez à la personne qui gère les comptes" in page
    assert 'aria-label="Informations légales"' in page  # the site's own layout


def test_once_locked_even_the_right_password_is_refused(client, staff):
    fail(client, 5)
    response = log_in(client, PASSWORD)
    assert is_locked_out(response)
    assert "sessionid" not in response.cookies
    assert client.get("/admin/").status_code == 302  # still sent to the login form


def test_the_lock_is_for_this_account_from_this_address_only(client, staff):
    """Someone failing elsewhere cannot lock staff out; one person's typos do not lock the whole office."""
    User.objects.create_user("collegue", password=PASSWORD, is_staff=True)
    fail(client, 5)
    assert log_in(client, PASSWORD, address=ELSEWHERE).status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, username="collegue").status_code == 302


def test_after_the_cool_off_the_right_password_works_again(client, staff):
    fail(client, 5)
    assert is_locked_out(log_in(client, PASSWORD))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_fourteen_minutes_later_it_is_still_locked(client, staff):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert is_locked_out(log_in(client, PASSWORD))


def test_a_successful_login_resets_the_count(client, staff):
    fail(client, 4)
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.exists()
    assert all(response.status_code == 200 for response in fail(client, 4))
    assert is_locked_out(fail(client, 1)[0])


def test_the_journal_never_keeps_the_password(client, staff):
    fail(client, 1)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == (USERNAME, OFFICE)
    assert "mauvais-mot-de-passe" not in attempt.post_data


def test_the_editor_group_cannot_see_or_clear_the_journal(editor):
    group = Group.objects.get(name=EDITOR_GROUP_NAME)
    assert not group.permissions.filter(content_type__app_label="axes").exists()
    assert not editor.has_module_perms("axes")


# Retention of the journal (security/login_journal.py)


def make_login_record(age):
    record = AccessLog.objects.create(username=USERNAME, ip_address=OFFICE, user_agent="Firefox")
    AccessLog.objects.filter(pk=record.pk).update(attempt_time=timezone.now() - age)
    return record


def test_logins_are_kept_six_months_then_deleted_at_the_next_login(client, staff):
    assert settings.LOGIN_JOURNAL_RETENTION.days == 183
    old = make_login_record(timedelta(days=184))
    recent = make_login_record(timedelta(days=182))
    assert log_in(client, PASSWORD).status_code == 302
    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=recent.pk).exists()
    assert AccessLog.objects.filter(ip_address=OFFICE).count() == 2  # the recent one and this login


def test_the_daily_command_deletes_old_logins_and_failures_that_no_longer_count(staff, client, capsys):
    make_login_record(timedelta(days=184))
    fail(client, 2)
    fail(client, 1, username="quelquun")
    sixteen_minutes_ago = timezone.now() - timedelta(minutes=16)
    AccessAttempt.objects.filter(username=USERNAME).update(attempt_time=sixteen_minutes_ago)
    call_command("purge_login_journal")
    assert "1 connexion(s) et 1 échec(s) supprimés" in capsys.readouterr().out
    assert not AccessLog.objects.exists()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["quelquun"]
