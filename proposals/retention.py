"""A decided proposal names the person who sent it (name, role, e-mail, note): it is deleted
`settings.PUBLIC_MESSAGES_RETENTION` (183 days) after the decision, as the public's messages are after
they were sent. What it changed stays in the school's history ("Proposé par l'école, validé par …"), which
names no one from the school. A proposal still waiting is kept: it is the staff's to decide.

`manage.py purge_proposals` runs it; schedule it daily (README)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from proposals.models import Proposal


@transaction.atomic
def purge_decided_proposals():
    """Delete the proposals decided before the retention; return how many, with their photo files."""
    decided_before = timezone.now() - settings.PUBLIC_MESSAGES_RETENTION
    old = list(Proposal.objects.filter(decided_at__lt=decided_before))
    for proposal in old:
        if proposal.photo:
            proposal.photo.delete(save=False)
    Proposal.objects.filter(pk__in=[proposal.pk for proposal in old]).delete()
    return len(old)
