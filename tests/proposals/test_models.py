"""The models of proposals keep the project's conventions, and the database itself refuses what breaks their
rules (on SQLite and PostgreSQL)."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from proposals.enums import ProposalStatus
from proposals.models import Invitation, Proposal
from tests.factories import make_school

MODELS = list(apps.get_app_config("proposals").get_models())


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_model_has_ordering_and_lowercase_french_names(model):
    meta = model._meta
    assert meta.ordering
    assert meta.verbose_name[0].islower() and meta.verbose_name_plural[0].islower()
    assert {"verbose_name", "verbose_name_plural"} <= meta.original_attrs.keys()
    for field in meta.get_fields(include_hidden=False):
        if field.concrete and not field.auto_created:
            assert str(field.verbose_name)[0].islower(), f"{meta.label}.{field.name}"


def update(obj, **values):
    type(obj)._base_manager.filter(pk=obj.pk).update(**values)


def an_invitation():
    return Invitation.objects.create(school=make_school())


def a_proposal():
    return Proposal.objects.create(school=make_school(), submitter_name="Léa", submitter_role="Directrice")


BREAKERS = {
    "invitation_expires_after_creation": [
        lambda: update(an_invitation(), expires_at=timezone.now() - datetime.timedelta(days=40))
    ],
    "invitation_revoker_has_date": [lambda: update(an_invitation(), revoked_by=make_user())],
    "invitation_sent_to_and_when": [
        lambda: update(an_invitation(), sent_to="ecole@example.org"),
        lambda: update(an_invitation(), sent_at=timezone.now()),
    ],
    "proposal_status_known": [lambda: update(a_proposal(), status="perdue", decided_at=timezone.now())],
    "proposal_decided_iff_dated": [
        lambda: update(a_proposal(), status=ProposalStatus.ACCEPTED),
        lambda: update(a_proposal(), decided_at=timezone.now()),
    ],
    "proposal_refusal_has_message": [
        lambda: update(
            a_proposal(), status=ProposalStatus.REJECTED, decided_at=timezone.now(), decision_message=""
        )
    ],
}


def make_user():
    return User.objects.create_user(f"u{User.objects.count()}")


def test_every_constraint_is_tried():
    names = {
        constraint.name
        for model in MODELS
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint | models.UniqueConstraint)
    }
    assert names == set(BREAKERS)


@pytest.mark.parametrize(
    "breaker",
    [
        pytest.param(breaker, id=f"{name}-{n}")
        for name, breakers in BREAKERS.items()
        for n, breaker in enumerate(breakers)
    ],
)
def test_the_database_refuses(db, breaker):
    with pytest.raises(IntegrityError), transaction.atomic():
        breaker()


def test_rows_that_keep_the_rules_pass(db, editor):
    invitation = an_invitation()
    invitation.revoke(editor)
    update(invitation, sent_to="ecole@example.org", sent_at=timezone.now())
    proposal = a_proposal()
    update(proposal, status=ProposalStatus.REJECTED, decided_at=timezone.now(), decision_message="Non, car…")
    assert Invitation.objects.get().revoked_by == editor
    assert Proposal.objects.get().status == ProposalStatus.REJECTED
