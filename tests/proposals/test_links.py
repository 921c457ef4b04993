"""The invitation link: signed, for one school, 30 days, revocable; anything else gets a French page, never a
500 and never a school's data."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from proposals import links
from proposals.models import VALIDITY, Invitation
from tests.factories import make_school


def token_of(invitation):
    return invitation.link_path().split("/")[-2]


def test_a_link_opens_its_invitation(invitation):
    assert links.usable_invitation(token_of(invitation)) == invitation
    assert invitation.expires_at == invitation.created_at + datetime.timedelta(days=30)


def test_each_signature_is_new_and_all_work(invitation):
    first, second = token_of(invitation), token_of(invitation)
    assert links.usable_invitation(first) == links.usable_invitation(second) == invitation


def test_the_link_works_until_the_last_second_of_its_30_days(invitation, monkeypatch):
    token = token_of(invitation)
    end = invitation.expires_at
    monkeypatch.setattr(timezone, "now", lambda: end - datetime.timedelta(seconds=1))
    assert links.usable_invitation(token) == invitation
    monkeypatch.setattr(timezone, "now", lambda: end)
    with pytest.raises(links.ExpiredLink):
        links.usable_invitation(token)


def test_a_signature_older_than_30_days_is_expired_whatever_the_row_says(invitation, monkeypatch):
    old = int(signing.time.time()) - int(VALIDITY.total_seconds()) - 1
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(old))
    token = token_of(invitation)
    monkeypatch.undo()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=99)
    )
    with pytest.raises(links.ExpiredLink):
        links.usable_invitation(token)


def test_a_revoked_link_is_refused(invitation, editor):
    invitation.revoke(editor)
    with pytest.raises(links.RevokedLink):
        links.usable_invitation(token_of(invitation))


def changed_one_character(token):
    """The same token with one character changed, in each of its parts (data, timestamp, signature)."""
    for position in (1, token.index(":") + 2, len(token) - 3):
        replacement = "A" if token[position] != "A" else "B"
        yield token[:position] + replacement + token[position + 1 :]


def test_a_token_changed_by_one_character_is_unknown(invitation):
    for tampered in changed_one_character(token_of(invitation)):
        with pytest.raises(links.UnknownLink):
            links.usable_invitation(tampered)


@pytest.mark.parametrize("token", ["", "x", "abc:def", "a" * 500, "WzEsMV0:1u0:zz", "é:è:à"])
def test_junk_is_unknown(db, token):
    with pytest.raises(links.UnknownLink):
        links.usable_invitation(token)


def test_a_signed_value_of_another_kind_is_unknown(invitation):
    with pytest.raises(links.UnknownLink):
        links.usable_invitation(signing.dumps([invitation.pk, invitation.school_id]))  # no salt, or another
    with pytest.raises(links.UnknownLink):
        links.usable_invitation(signing.dumps({"id": invitation.pk}, salt=links.SALT))


def test_a_token_naming_another_school_opens_nothing(invitation):
    other = make_school()
    with pytest.raises(links.UnknownLink):
        links.usable_invitation(links.make_token(invitation.pk, other.pk))


def test_a_deleted_invitation_is_unknown(invitation):
    token = token_of(invitation)
    invitation.delete()
    with pytest.raises(links.UnknownLink):
        links.usable_invitation(token)


# The pages


def test_school_a_link_never_shows_school_b(client, invitation):
    other = make_school(name="Autre école", phone="+33299999999", email="autre@example.org")
    Invitation.objects.create(school=other)
    page = client.get(invitation.link_path()).content.decode()
    assert escape(invitation.school.name) in page
    assert "Autre école" not in page and "autre@example.org" not in page and "02 99 99 99 99" not in page


def broken_token(kind, invitation):
    token = token_of(invitation)
    if kind == "tampered":
        return next(changed_one_character(token))
    if kind == "junk":
        return "bonjour"
    if kind == "revoked":
        invitation.revoke(None)
    if kind == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=31),
            expires_at=timezone.now() - datetime.timedelta(days=1),
        )
    return token


@pytest.mark.parametrize(
    "kind, status, heading",
    [
        ("tampered", 404, "Ce lien ne marche pas"),
        ("junk", 404, "Ce lien ne marche pas"),
        ("revoked", 410, "Ce lien a été désactivé"),
        ("expired", 410, "Ce lien a expiré"),
    ],
)
def test_a_link_that_opens_nothing_gets_a_french_page_naming_no_school(
    client, invitation, kind, status, heading
):
    token = broken_token(kind, invitation)
    responses = [
        client.get(reverse("proposals:form", args=[token])),
        client.post(
            reverse("proposals:form", args=[token]), {"phone": "0600000000"}, HTTP_ORIGIN="http://testserver"
        ),
        client.get(reverse("proposals:sent", args=[token])),
    ]
    for response in responses:
        assert response.status_code == status
        content = response.content.decode()
        assert heading in content
        assert escape(invitation.school.name) not in content and "Usin" not in content
        assert "02 32 00 00 00" not in content and "usineure" not in content
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert not invitation.school.proposals.exists()
