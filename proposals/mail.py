"""The mails of proposals: the invitation to the school, the staff told of a new proposal, the school told of
the decision. All go through the outbox (outbox/sending.py), stored in the caller's transaction."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from outbox.sending import queue_mail
from proposals.enums import ProposalStatus


def reply_address(user):
    """The staff member's own address, for the school's answer, if it is a valid one."""
    try:
        validate_email(user.email)
    except ValidationError:
        return ""
    return user.email


def send_invitation(invitation, address, link, sender):
    """Mail the link to `address` and note it on the invitation."""
    school = invitation.school
    reply_to = reply_address(sender)
    queue_mail(
        address,
        f"Mettez à jour la fiche de {school.name} dans l'annuaire des écoles de production"[:200],
        template="proposals/mail/invitation",
        context={"school": school, "invitation": invitation, "link": link, "can_reply": bool(reply_to)},
        reply_to=reply_to,
    )
    invitation.sent_to, invitation.sent_at = address, timezone.now()
    invitation.save(update_fields=["sent_to", "sent_at"])


def notify_staff(proposal, admin_url):
    """Tell the regional staff that a proposal waits, with a link to it in the admin."""
    if not settings.STAFF_EMAILS:
        return None
    return queue_mail(
        settings.STAFF_EMAILS,
        f"Proposition de mise à jour : {proposal.school.name}"[:200],
        template="proposals/mail/new_proposal",
        context={"proposal": proposal, "admin_url": admin_url},
        reply_to=proposal.submitter_email,
    )


def school_recipients(proposal):
    """Who hears of the decision: the person who sent the form (if they left an address) and the school."""
    addresses = [proposal.submitter_email, proposal.school.email]
    return list(dict.fromkeys(address for address in addresses if address))


def mail_school(proposal, template, context):
    """The decision, to the school; None when nobody can be told (no address at all)."""
    recipients = school_recipients(proposal)
    if not recipients:
        return None
    if proposal.status == ProposalStatus.REJECTED:
        subject = f"Fiche « {proposal.school.name} » : votre proposition n'est pas retenue"
    else:
        subject = f"Fiche « {proposal.school.name} » : vos modifications sont acceptées"
    return queue_mail(recipients, subject[:200], template=template, context={"proposal": proposal, **context})
