"""The admin side: a school's invitations (create, send, revoke) and the review of proposals, for the
"Rédaction" group and superusers only, each page at a fixed number of queries."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outbox.models import Message
from proposals.enums import ProposalStatus
from proposals.models import Invitation, Proposal
from schools.editors import EDITOR_GROUP_NAME
from schools.models import School
from tests.factories import make_school
from tests.proposals.conftest import make_proposal, soon


def school_page(school):
    return reverse("admin:proposals_invitation_school", args=[school.pk])


def review_url(proposal):
    return reverse("admin:proposals_proposal_change", args=[proposal.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def staff_client(client, db):
    """A staff account outside the "Rédaction" group: it sees no invitation and no proposal."""
    client.force_login(
        User.objects.create_user("stagiaire", "s@example.org", "mot-de-passe-42", is_staff=True)
    )
    return client


def test_the_editors_group_may_handle_invitations_and_proposals(db):
    codenames = set(Group.objects.get(name=EDITOR_GROUP_NAME).permissions.values_list("codename", flat=True))
    for model in ("invitation", "proposal"):
        assert {f"{action}_{model}" for action in ("add", "change", "delete", "view")} <= codenames


# Invitations


def test_the_school_form_leads_to_its_invitations(editor_client, school):
    change = reverse("admin:schools_school_change", args=[school.pk])
    assert school_page(school) in editor_client.get(change).content.decode()


def test_staff_outside_the_group_get_nothing(staff_client, school, invitation):
    assert staff_client.get(school_page(school)).status_code == 403
    assert staff_client.post(school_page(school), {"action": "create"}).status_code == 403
    proposal = make_proposal(school, invitation)
    assert staff_client.get(review_url(proposal)).status_code == 403
    assert staff_client.post(review_url(proposal), {"_reject": "1", "message": "Non"}).status_code == 403
    assert not Invitation.objects.exclude(pk=invitation.pk).exists()
    assert Proposal.objects.get().status == ProposalStatus.PENDING


def test_a_link_is_created_and_shown_once(editor_client, editor, school):
    response = editor_client.post(
        school_page(school), {"action": "create", "address": school.email}, follow=True
    )

    invitation = Invitation.objects.get()
    assert invitation.school == school and invitation.created_by == editor
    assert invitation.expires_at == invitation.created_at + datetime.timedelta(days=30)
    assert not invitation.sent_to and not Message.objects.exists()
    [message] = messages_of(response)
    assert "Lien d'invitation créé, valable jusqu'au" in message
    link = message.split('<code class="invitation-link">')[1].split("</code>")[0]
    assert link.startswith("http://testserver/ecoles/proposer/")
    editor_client.logout()
    assert (
        "L&#x27;Usin&#x27;Eure" in editor_client.get(link.removeprefix("http://testserver")).content.decode()
    )
    # Shown once: the page lists the invitation, not its link.
    assert "/ecoles/proposer/" not in editor_client.get(school_page(school)).content.decode()


def test_a_link_is_created_and_mailed_to_the_school(editor_client, editor, school):
    editor.email, editor.first_name, editor.last_name = "claire@region.example.org", "Claire", "Dupont"
    editor.save()
    editor_client.post(school_page(school), {"action": "create_and_send", "address": school.email})

    invitation = Invitation.objects.get()
    assert invitation.sent_to == "contact@usineure.example.org" and invitation.sent_at
    message = Message.objects.get()
    assert message.recipient_list == ["contact@usineure.example.org"]
    assert message.subject == "Mettez à jour la fiche de L'Usin'Eure dans l'annuaire des écoles de production"
    assert message.reply_to == "claire@region.example.org"
    assert "http://testserver/ecoles/proposer/" in message.body_text
    assert f"jusqu'au {timezone.localtime(invitation.expires_at):%-d}" in message.body_text
    assert LogEntry.objects.filter(object_id=str(invitation.pk)).count() == 2  # created, sent


@pytest.mark.parametrize("address", ["", "pas-une-adresse", "a@example.org\nBcc: b@example.org"])
def test_no_link_is_made_for_an_address_that_is_not_one(editor_client, school, address):
    response = editor_client.post(
        school_page(school), {"action": "create_and_send", "address": address}, follow=True
    )
    assert "Le lien n'est pas envoyé" in messages_of(response)[0]
    assert not Invitation.objects.exists() and not Message.objects.exists()


def test_a_link_is_sent_again_to_another_address_and_revoked(
    editor_client, editor, client, invitation, school
):
    editor_client.post(
        school_page(school),
        {"action": "send", "invitation": invitation.pk, "address": "direction@example.org"},
    )
    invitation.refresh_from_db()
    assert invitation.sent_to == "direction@example.org"
    link = Message.objects.get().body_text.split("http://testserver")[1].split()[0]
    assert editor_client.get(link).status_code == 200

    editor_client.post(school_page(school), {"action": "revoke", "invitation": invitation.pk})
    invitation.refresh_from_db()
    assert invitation.revoked_at and invitation.revoked_by == editor
    assert editor_client.get(link).status_code == 410
    response = editor_client.post(
        school_page(school),
        {"action": "send", "invitation": invitation.pk, "address": "x@example.org"},
        follow=True,
    )
    assert messages_of(response)[-1] == "Cette invitation n'est plus valable."
    assert Message.objects.count() == 1


def test_an_invitation_of_another_school_cannot_be_touched_from_this_page(editor_client, invitation):
    other = make_school()
    response = editor_client.post(school_page(other), {"action": "revoke", "invitation": invitation.pk})
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_list_revokes_in_bulk_and_opens_the_school_page(editor_client, invitation, school):
    changelist = reverse("admin:proposals_invitation_changelist")
    response = editor_client.get(changelist)
    assert "valable" in response.content.decode()
    editor_client.post(changelist, {"action": "revoke_selected", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert editor_client.get(f"{changelist}?etat=revoked").context["cl"].result_count == 1
    assert editor_client.get(f"{changelist}?etat=usable").context["cl"].result_count == 0
    change = reverse("admin:proposals_invitation_change", args=[invitation.pk])
    assert editor_client.get(change)["Location"] == school_page(school)


def test_invitation_pages_cost_the_same_with_more_invitations(editor_client, editor, school):
    Invitation.objects.create(school=school, created_by=editor)
    few = [
        queries(editor_client, url)
        for url in (school_page(school), reverse("admin:proposals_invitation_changelist"))
    ]
    for _ in range(10):
        Invitation.objects.create(school=school, created_by=editor).revoke(editor)
    many = [
        queries(editor_client, url)
        for url in (school_page(school), reverse("admin:proposals_invitation_changelist"))
    ]
    assert many == few


# Proposals


def test_the_list_shows_who_sent_what(editor_client, school, invitation):
    make_proposal(school, invitation)
    response = editor_client.get(reverse("admin:proposals_proposal_changelist"))
    content = response.content.decode()
    assert "Léa Martin (Directrice)" in content
    assert "Téléphone, Internat, Journées portes ouvertes" in content
    assert "en attente" in content


def test_proposal_pages_cost_the_same_with_more_proposals(editor_client, school, invitation):
    proposal = make_proposal(school, invitation)
    changelist = reverse("admin:proposals_proposal_changelist")
    few = [queries(editor_client, changelist), queries(editor_client, review_url(proposal))]
    for n in range(10):
        make_proposal(school, invitation, submitter_name=f"Personne {n}")
    bigger = make_proposal(
        school,
        invitation,
        changes={
            name: {"before": "", "after": "x"} for name in ("meals", "transport", "lodging", "cost_details")
        },
        open_days_added=[
            {"date": soon(30 + n).isoformat(), "start_time": None, "end_time": None, "details": ""}
            for n in range(3)
        ],
    )
    many = [queries(editor_client, changelist), queries(editor_client, review_url(bigger))]
    assert many == few


def test_the_review_shows_current_and_proposed_values_side_by_side(editor_client, school, invitation):
    proposal = make_proposal(school, invitation, note="Nouveau standard depuis mars.")
    content = editor_client.get(review_url(proposal)).content.decode()
    assert "02 32 00 00 00" in content and "02 31 12 34 56" in content
    assert 'name="appliquer" value="phone" id="appliquer-phone" checked' in content
    assert "Nouveau standard depuis mars." in content
    assert 'value="Accepter la sélection"' in content and 'value="Refuser"' in content


def test_accepting_from_the_admin_records_who_and_why(editor_client, editor, school, invitation):
    proposal = make_proposal(school, invitation)
    response = editor_client.post(review_url(proposal), {"_accept": "1", "appliquer": ["phone", "ajout-0"]})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:proposals_proposal_changelist")
    school.refresh_from_db()
    assert school.phone == "+33231123456" and school.boarding == "unknown"
    assert school.verified_on == timezone.localdate() and school.verified_by == editor
    record = school.history.first()
    assert record.history_user == editor
    assert record.history_change_reason == "Proposé par l'école, validé par redactrice"
    assert school.open_days.get(date=soon(40)).history.get().history_user == editor
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PARTLY_ACCEPTED
    assert "acceptée en partie : 2 modification(s) appliquée(s)" in messages_of(response)[0]
    # The sheet's own history page shows the reason.
    history = editor_client.get(reverse("admin:schools_school_history", args=[school.pk])).content.decode()
    assert "Proposé par l&#x27;école, validé par redactrice" in history

    decided = editor_client.get(review_url(proposal)).content.decode()
    assert "Acceptée en partie" in decided and 'value="Accepter la sélection"' not in decided
    assert editor_client.post(review_url(proposal), {"_reject": "1", "message": "Non"}).status_code == 403


def test_a_refusal_needs_a_message(editor_client, school, invitation):
    proposal = make_proposal(school, invitation)
    response = editor_client.post(review_url(proposal), {"_reject": "1", "message": " "})
    assert response.status_code == 200
    assert (
        "Écrivez à l&#x27;école pourquoi sa proposition n&#x27;est pas retenue." in response.content.decode()
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING

    response = editor_client.post(
        review_url(proposal), {"_reject": "1", "message": "Numéro du siège, pas de l'école."}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert Message.objects.get().subject == "Fiche « L'Usin'Eure » : votre proposition n'est pas retenue"


def test_a_refused_selection_keeps_the_ticks_and_applies_nothing(editor_client, school, invitation):
    proposal = make_proposal(
        school,
        invitation,
        changes={
            "cost": {"before": "free", "after": "fee"},
            "annual_fee_eur": {"before": None, "after": 300},
        },
    )
    response = editor_client.post(
        review_url(proposal), {"_accept": "1", "appliquer": ["cost"], "message": "Merci"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Rien n'a été appliqué" in content and "Indiquez le montant des frais annuels." in content
    assert 'value="cost" id="appliquer-cost" checked' in content
    assert 'value="annual_fee_eur" id="appliquer-annual_fee_eur">' in content
    assert ">Merci</textarea>" in content
    assert School.objects.get().cost == "free"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
