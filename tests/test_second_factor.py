"""A second factor for the admin (security/second_factor.py): a code from an authenticator app."""

from html import unescape

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.test_admin_lockout import LOCKED_MESSAGE, OFFICE, PASSWORD, USERNAME
from tests.test_security import inline_code
from tests.test_settings import PRODUCTION_ENV, manage

LOGIN_URL = "/admin/login/?next=/admin/"
ENROL_URL = reverse("admin:second_factor_enrol")
STATUS_URL = reverse("admin:second_factor")
REFUSED = "Veuillez compléter correctement les champs"


def code(device, steps_ahead=0):
    """The code the phone shows now (or that many 30-second steps later: a code is accepted only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong_code(device):
    return f"{(int(code(device)) + 500_000) % 1_000_000:06d}"


def log_in(client, password=PASSWORD, otp_token="", username=USERNAME):
    data = {"username": username, "password": password, "otp_token": otp_token, "next": "/admin/"}
    return client.post(LOGIN_URL, data, REMOTE_ADDR=OFFICE)


@pytest.fixture
def officer(db):
    """A regional officer (staff, not superuser) with a phone enrolled."""
    user = User.objects.create_user(USERNAME, "agent@example.org", PASSWORD, is_staff=True)
    TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    return user


@pytest.fixture
def production(settings):
    settings.SUPERUSERS_NEED_SECOND_FACTOR = True


class TestEnrolment:
    def test_the_page_shows_a_qr_code_and_the_key_and_keeps_the_same_key_until_confirmed(self, editor_client):
        response = editor_client.get(ENROL_URL)
        assert response.status_code == 200
        page = unescape(response.content.decode())
        assert '<img src="data:image/svg+xml' in page
        assert "application d'authentification" in page
        device = TOTPDevice.objects.get(confirmed=False)
        assert " ".join(response.context["secret_groups"]).replace(" ", "") in page.replace(" ", "")
        assert device.config_url.startswith("otpauth://totp/")
        editor_client.get(ENROL_URL)
        assert TOTPDevice.objects.get() == device  # reloading shows the same key

    def test_a_wrong_code_is_refused_in_french(self, editor_client):
        editor_client.get(ENROL_URL)
        device = TOTPDevice.objects.get()
        response = editor_client.post(ENROL_URL, {"otp_token": wrong_code(device)})
        assert response.status_code == 200
        assert "Ce code ne correspond pas." in unescape(response.content.decode())
        assert not TOTPDevice.objects.get().confirmed

    def test_the_right_code_turns_it_on_for_this_session(self, editor_client, editor):
        editor_client.get(ENROL_URL)
        device = TOTPDevice.objects.get()
        response = editor_client.post(ENROL_URL, {"otp_token": code(device)}, follow=True)
        assert response.redirect_chain == [(reverse("admin:index"), 302)]
        assert "Second facteur activé" in response.content.decode()
        device.refresh_from_db()
        assert device.confirmed and device.user == editor
        assert editor_client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert "est <strong>activé</strong>" in editor_client.get(STATUS_URL).content.decode()

    def test_every_admin_page_links_to_it(self, editor_client):
        assert f'href="{STATUS_URL}"' in editor_client.get(reverse("admin:index")).content.decode()

    def test_anonymous_visitors_are_sent_to_the_login(self, client, db):
        assert client.get(ENROL_URL).url.startswith(reverse("admin:login"))
        assert client.get(STATUS_URL).url.startswith(reverse("admin:login"))

    def test_staff_turn_it_off_with_a_code(self, client, officer):
        client.force_login(officer)
        response = client.post(STATUS_URL, {"otp_token": ""})
        assert response.status_code == 200 and TOTPDevice.objects.exists()
        response = client.post(STATUS_URL, {"otp_token": wrong_code(officer.totpdevice_set.get())})
        assert "Ce code ne correspond pas" in unescape(response.content.decode())
        assert TOTPDevice.objects.exists()
        TOTPDevice.objects.update(throttling_failure_count=0)  # the phone's owner waits a second after a typo
        response = client.post(STATUS_URL, {"otp_token": code(officer.totpdevice_set.get(), steps_ahead=1)})
        assert response.status_code == 302
        assert not TOTPDevice.objects.exists()

    def test_a_superuser_cannot_turn_it_off_where_it_is_required(self, client, db, production):
        superuser = User.objects.create_superuser("chef", password=PASSWORD)
        device = TOTPDevice.objects.create(user=superuser, confirmed=True)
        client.force_login(superuser)
        response = client.post(STATUS_URL, {"otp_token": code(device)})
        assert "Un compte de superutilisateur doit le garder." in unescape(response.content.decode())
        assert TOTPDevice.objects.get() == device

    def test_the_pages_need_no_inline_code(self, editor_client):
        for response in (
            editor_client.get(ENROL_URL),
            editor_client.get(STATUS_URL),
            Client().get(LOGIN_URL),
        ):
            assert response.status_code == 200
            assert inline_code(response.content.decode()) == []


class TestLogin:
    def test_a_valid_code_logs_in(self, client, officer):
        response = log_in(client, otp_token=code(officer.totpdevice_set.get()))
        assert response.status_code == 302 and response.url == "/admin/"
        assert client.get("/admin/").status_code == 200
        assert DEVICE_ID_SESSION_KEY in client.session

    @pytest.mark.parametrize("otp_token", ["", "000000x", "wrong"])
    def test_a_missing_or_malformed_code_is_refused_like_a_wrong_password(self, client, officer, otp_token):
        response = log_in(client, otp_token=otp_token)
        assert response.status_code == 200
        assert REFUSED in unescape(response.content.decode())
        assert "sessionid" not in response.cookies
        assert client.get("/admin/").status_code == 302

    def test_a_wrong_code_is_refused_and_counted(self, client, officer):
        response = log_in(client, otp_token=wrong_code(officer.totpdevice_set.get()))
        assert REFUSED in unescape(response.content.decode())
        assert AccessAttempt.objects.get().failures_since_start == 1

    def test_a_code_is_accepted_only_once(self, client, officer):
        token = code(officer.totpdevice_set.get())
        assert log_in(client, otp_token=token).status_code == 302
        client.logout()
        assert log_in(client, otp_token=token).status_code == 200

    def test_the_code_field_is_ignored_without_a_second_factor(self, client, editor):
        response = log_in(
            client, password="mot-de-passe-solide-42", otp_token="123456", username="redactrice"
        )
        assert response.status_code == 302

    def test_five_wrong_codes_lock_the_account_even_with_the_right_password(self, client, officer):
        device = officer.totpdevice_set.get()
        responses = [log_in(client, otp_token=wrong_code(device)) for _ in range(5)]
        assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
        assert LOCKED_MESSAGE in unescape(responses[-1].content.decode())
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        response = log_in(client, otp_token=code(device, steps_ahead=1))
        assert response.status_code == 429
        assert client.get("/admin/").status_code == 302

    def test_wrong_passwords_still_lock_the_account_with_a_second_factor(self, client, officer):
        responses = [
            log_in(client, password="mauvais", otp_token=code(officer.totpdevice_set.get())) for _ in range(5)
        ]
        assert responses[-1].status_code == 429


class TestSuperusersMustHaveOne:
    @pytest.fixture
    def superuser(self, db):
        return User.objects.create_superuser(USERNAME, "chef@example.org", PASSWORD)

    def test_in_production_a_superuser_without_a_device_reaches_only_the_enrolment(
        self, client, superuser, production
    ):
        response = log_in(client)
        assert response.status_code == 302 and response.url == ENROL_URL
        for url in ("/admin/", "/admin/auth/user/", "/admin/schools/school/"):
            assert client.get(url).status_code == 302, url
        assert client.get(LOGIN_URL).url == ENROL_URL
        response = client.get(ENROL_URL)
        assert "Un compte de superutilisateur doit avoir un second facteur" in unescape(
            response.content.decode()
        )

        client.post(ENROL_URL, {"otp_token": code(TOTPDevice.objects.get())})

        assert client.get("/admin/auth/user/").status_code == 200

    def test_a_superuser_who_must_enrol_can_log_out_instead(self, client, superuser, production):
        log_in(client)
        response = client.post(reverse("admin:logout"))
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_in_production_a_superuser_with_a_device_logs_in_with_the_code(
        self, client, superuser, production
    ):
        device = TOTPDevice.objects.create(user=superuser, confirmed=True)
        assert log_in(client).status_code == 200
        assert log_in(client, otp_token=code(device)).url == "/admin/"
        assert client.get("/admin/auth/user/").status_code == 200

    def test_the_development_and_test_settings_do_not_require_it(self, client, superuser, settings):
        assert settings.SUPERUSERS_NEED_SECOND_FACTOR is False
        assert log_in(client).url == "/admin/"
        assert client.get("/admin/auth/user/").status_code == 200

    @pytest.mark.slow
    def test_production_settings_require_it_unless_told_otherwise(self):
        code = "from django.conf import settings; print(settings.SUPERUSERS_NEED_SECOND_FACTOR)"
        assert manage("shell", "-c", code, env=PRODUCTION_ENV).stdout.split()[-1] == "True"
        switched_off = PRODUCTION_ENV | {"DJANGO_SUPERUSERS_NEED_SECOND_FACTOR": "false"}
        assert manage("shell", "-c", code, env=switched_off).stdout.split()[-1] == "False"
