"""Decided proposals name a person from the school: deleted 183 days after the decision, not while pending."""

import datetime
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from proposals.enums import ProposalStatus
from proposals.models import Proposal
from tests.proposals.conftest import make_proposal


def decided(school, days_ago, **fields):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return make_proposal(school, status=ProposalStatus.ACCEPTED, decided_at=when, **fields)


def test_decided_proposals_go_after_the_retention_pending_ones_stay(school, capsys):
    assert datetime.timedelta(days=183) == settings.PUBLIC_MESSAGES_RETENTION
    past = decided(school, 183, photo=ContentFile(b"jpeg", name="vieille.jpg"))
    photo = past.photo.path
    recent = decided(school, 182)
    pending = make_proposal(school, submitted_at=timezone.now() - datetime.timedelta(days=400))

    call_command("purge_proposals")

    assert set(Proposal.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}
    assert not os.path.exists(photo)
    assert "Supprimées : 1 proposition(s) décidée(s)." in capsys.readouterr().out
