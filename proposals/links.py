"""The invitation link, /ecoles/proposer/<token>/: whoever holds it may propose changes to one school's sheet.

The token is the invitation's number and its school's, signed with the site's secret key (django.core.signing,
with a salt of its own so that no other signed value of the site can pass for one) and timestamped. So:
- a token changed by one character fails its signature: the page says the link does not work, naming no
  school, and nothing is read from the database;
- a genuine token names its school twice, in the signature and in the invitation's row: both must agree, so a
  link can never open another school's sheet;
- the database row says whether the link still works (revoked by staff, or expired after 30 days); the
  signature's own age is checked too, so a link outlives neither its row nor its 30 days.

No token is stored: the admin signs a new one each time it shows or sends the link, and every token of an
invitation stops working when the invitation does.
"""

from django.core import signing
from django.utils import timezone

from proposals.enums import InvitationState
from proposals.models import VALIDITY, Invitation

SALT = "proposals.invitation"


class InvalidLink(Exception):
    """A link that opens nothing; `status` is its page's HTTP status."""

    status = 404


class UnknownLink(InvalidLink):
    """Tampered with, cut short, or naming an invitation that does not exist (any more): 404."""


class ExpiredLink(InvalidLink):
    """A genuine link, past its 30 days: 410 Gone, the page suggests asking for a new one."""

    status = 410


class RevokedLink(InvalidLink):
    """A genuine link that staff revoked: 410 Gone."""

    status = 410


def make_token(invitation_id, school_id):
    return signing.dumps([invitation_id, school_id], salt=SALT)


def usable_invitation(token):
    """The invitation `token` opens, with its school and commune (one query), or raise an InvalidLink."""
    try:
        invitation_id, school_id = signing.loads(token, salt=SALT, max_age=VALIDITY)
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except (signing.BadSignature, TypeError, ValueError):  # a bad signature, or a payload not of our shape
        raise UnknownLink from None
    if not (isinstance(invitation_id, int) and isinstance(school_id, int)):
        raise UnknownLink
    invitation = (
        Invitation.objects.select_related("school__commune")
        .filter(pk=invitation_id, school_id=school_id)
        .first()
    )
    if invitation is None:
        raise UnknownLink
    state = invitation.state(timezone.now())
    if state == InvitationState.REVOKED:
        raise RevokedLink
    if state == InvitationState.EXPIRED:
        raise ExpiredLink
    return invitation
