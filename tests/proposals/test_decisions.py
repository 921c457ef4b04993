"""Staff decide: accept all, accept some, or refuse; the sheet, its history, its open days and the mail to the
school follow, once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core.cache import content_version
from outbox.models import Message
from proposals.decisions import AlreadyDecided, DecisionRefused, accept, reject, review_items
from proposals.enums import ProposalStatus
from schools.models import OpenDay, School
from tests.outbox.conftest import smtp_server  # noqa: F401  (the SMTP server fixture)
from tests.proposals.conftest import jpeg, make_proposal, soon

ALL = ["phone", "boarding", "ajout-0"]


@pytest.fixture
def proposal(school, invitation):
    return make_proposal(school, invitation)


def keys(proposal):
    return [item.key for item in review_items(proposal) if item.actionable]


def decide(django_capture_on_commit_callbacks, action, *args, **kwargs):
    """A decision as the admin makes it: its own transaction, then the commit (mail sent, cache bumped)."""
    with django_capture_on_commit_callbacks(execute=True):
        return action(*args, **kwargs)


def test_the_review_lists_each_change_with_the_value_now(proposal, school):
    items = {item.key: item for item in review_items(proposal)}
    removed_key = f"retrait-{school.open_days.get().pk}"
    assert list(items) == ["phone", "boarding", removed_key, "ajout-0"]
    assert (items["phone"].label, items["phone"].current, items["phone"].proposed) == (
        "Téléphone",
        "02 32 00 00 00",
        "02 31 12 34 56",
    )
    assert (items["boarding"].current, items["boarding"].proposed) == ("Non communiqué", "Oui")
    assert items["ajout-0"].proposed.endswith(", de 14h00 à 17h00 (Atelier ouvert)")
    assert all(item.checked and not item.warning for item in items.values())


def test_accept_all(proposal, school, editor, django_capture_on_commit_callbacks):
    removed = school.open_days.get()
    version = content_version()
    decide(django_capture_on_commit_callbacks, accept, proposal, keys(proposal), editor)

    school.refresh_from_db()
    assert school.phone == "+33231123456" and school.boarding == "yes"
    assert school.verified_on == timezone.localdate() and school.verified_by == editor
    [day] = school.open_days.all()
    assert (day.date, day.start_time, day.details) == (soon(40), datetime.time(14), "Atelier ouvert")
    reason = "Proposé par l'école, validé par redactrice"
    assert school.history.first().history_change_reason == reason
    assert day.history.get().history_change_reason == reason
    assert OpenDay.history.get(id=removed.pk, history_type="-").history_change_reason == reason
    assert content_version() > version  # the public pages are built again
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.decided_by == editor and proposal.decided_at
    assert proposal.applied == keys_before(proposal, removed)

    message = Message.objects.get()
    assert message.recipient_list == ["lea@example.org", "contact@usineure.example.org"]
    assert message.subject == "Fiche « L'Usin'Eure » : vos modifications sont acceptées"
    assert "- Téléphone : 02 31 12 34 56" in message.body_text
    assert "- Internat : Oui" in message.body_text
    assert "n'a pas été retenu" not in message.body_text
    assert len(mail.outbox) == 1


def keys_before(proposal, removed):
    return ["phone", "boarding", f"retrait-{removed.pk}", "ajout-0"]


def test_the_public_page_shows_the_accepted_sheet(
    client, proposal, school, editor, django_capture_on_commit_callbacks
):
    client.get(school.get_absolute_url())  # cached before the decision
    decide(django_capture_on_commit_callbacks, accept, proposal, keys(proposal), editor)
    page = client.get(school.get_absolute_url()).content.decode()
    assert "02 31 12 34 56" in page and "Atelier ouvert" in page and "Sur rendez-vous" not in page
    assert f"Informations vérifiées par la Région le {timezone.localdate():%-d}" in page


def test_accept_some(proposal, school, editor, django_capture_on_commit_callbacks):
    decide(django_capture_on_commit_callbacks, accept, proposal, ["phone"], editor, message="Merci !")

    school.refresh_from_db()
    assert school.phone == "+33231123456" and school.boarding == "unknown"
    assert [day.details for day in school.open_days.all()] == ["Sur rendez-vous"]
    assert school.verified_on == timezone.localdate()
    assert school.history.first().history_change_reason == "Proposé par l'école, validé par redactrice"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PARTLY_ACCEPTED and proposal.applied == ["phone"]
    body = Message.objects.get().body_text
    assert "Elle en a accepté une partie." in body
    assert "- Téléphone : 02 31 12 34 56" in body.split("n'a pas été retenu")[0]
    assert "- Internat : Oui" in body.split("n'a pas été retenu")[1]
    assert "Merci !" in body


def test_reject(proposal, school, editor, django_capture_on_commit_callbacks):
    version = content_version()
    with pytest.raises(DecisionRefused):
        reject(proposal, editor, "  ")
    decide(django_capture_on_commit_callbacks, reject, proposal, editor, "Ce numéro est celui du siège.")

    school.refresh_from_db()
    assert school.phone == "+33232000000" and school.verified_on is None and school.open_days.count() == 1
    assert content_version() == version
    proposal.refresh_from_db()
    assert (
        proposal.status == ProposalStatus.REJECTED
        and proposal.decision_message == "Ce numéro est celui du siège."
    )
    message = Message.objects.get()
    assert message.subject == "Fiche « L'Usin'Eure » : votre proposition n'est pas retenue"
    assert "Ce numéro est celui du siège." in message.body_text


def test_a_proposal_is_decided_once(proposal, editor, school):
    accept(proposal, ["phone"], editor)
    for attempt in (lambda: accept(proposal, ["boarding"], editor), lambda: reject(proposal, editor, "Non")):
        with pytest.raises(AlreadyDecided):
            attempt()
    school.refresh_from_db()
    assert school.boarding == "unknown"


def test_nothing_ticked_is_refused(proposal, editor):
    with pytest.raises(DecisionRefused, match="Cochez au moins une modification"):
        accept(proposal, [], editor)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_a_field_changed_since_is_flagged_and_left_unticked(proposal, school, editor):
    School.objects.filter(pk=school.pk).update(phone="+33235000000")
    proposal.school.refresh_from_db()
    phone = next(item for item in review_items(proposal) if item.key == "phone")
    assert not phone.checked
    assert "La fiche a changé depuis l'envoi (elle disait alors : 02 32 00 00 00)" in phone.warning
    assert phone.current == "02 35 00 00 00"
    accept(proposal, ["phone"], editor)  # staff may still tick it
    school.refresh_from_db()
    assert school.phone == "+33231123456"


def test_values_the_sheet_refuses_are_said_and_nothing_is_applied(school, invitation, editor):
    proposal = make_proposal(
        school,
        invitation,
        changes={
            "cost": {"before": "free", "after": "fee"},
            "annual_fee_eur": {"before": None, "after": 300},
            "meals": {"before": "Cantine sur place", "after": "Repas apportés"},
        },
    )
    with pytest.raises(DecisionRefused) as refusal:
        accept(proposal, ["cost", "meals"], editor)  # the fee left out: a paying school without its fee
    assert refusal.value.messages == ["Frais annuels (€) : Indiquez le montant des frais annuels."]
    school.refresh_from_db()
    assert school.cost == "free" and school.meals == "Cantine sur place" and school.verified_on is None
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING and not Message.objects.exists()
    accept(proposal, ["cost", "annual_fee_eur", "meals"], editor)
    school.refresh_from_db()
    assert (school.cost, school.annual_fee_eur) == ("fee", 300)


def test_an_open_day_past_by_the_decision_is_flagged_and_refused(school, invitation, editor):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    proposal = make_proposal(
        school,
        invitation,
        changes={},
        open_days_removed=[],
        open_days_added=[
            {"date": yesterday.isoformat(), "start_time": None, "end_time": None, "details": ""}
        ],
    )
    [item] = review_items(proposal)
    assert not item.checked and "passée" in item.warning
    with pytest.raises(DecisionRefused, match="Cette date est passée"):
        accept(proposal, ["ajout-0"], editor)
    assert school.open_days.count() == 1


def test_an_open_day_already_removed_needs_nothing(proposal, school, editor):
    school.open_days.all().delete()
    removal = next(item for item in review_items(proposal) if item.key.startswith("retrait-"))
    assert not removal.actionable and removal.warning == "Déjà retirée de la fiche."
    accept(proposal, ["phone", "boarding", "ajout-0"], editor)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_an_accepted_photo_is_the_school_photo_and_the_proposal_copy_goes(
    school, invitation, editor, media_root, django_capture_on_commit_callbacks
):
    proposal = make_proposal(
        school, invitation, changes={"photo_alt": {"before": "", "after": "L'atelier"}}, open_days_added=[]
    )
    proposal.keep_photo(jpeg(size=(1600, 1200)))
    proposal.save()
    copy = media_root / proposal.photo.name
    assert copy.exists()
    decide(django_capture_on_commit_callbacks, accept, proposal, ["photo", "photo_alt"], editor)

    school.refresh_from_db()
    assert school.photo.name.startswith("schools/usineure-") and school.photo_alt == "L'atelier"
    assert (school.photo_width, school.photo_height) == (1600, 1200)
    assert (media_root / school.photo.name).exists()
    assert not copy.exists()


def test_a_refused_photo_goes_too(school, invitation, editor, media_root, django_capture_on_commit_callbacks):
    proposal = make_proposal(school, invitation)
    proposal.keep_photo(jpeg())
    proposal.save()
    decide(django_capture_on_commit_callbacks, reject, proposal, editor, "Photo floue.")
    assert not (media_root / proposal.photo.name).exists()
    assert not School.objects.get().photo


def test_places_accepted_are_dated_from_the_school_s_word(school, invitation, editor):
    proposal = make_proposal(school, invitation, changes={"intake_places": {"before": 12, "after": 8}})
    proposal.submitted_at = timezone.now() - datetime.timedelta(days=3)
    proposal.save()
    accept(proposal, ["intake_places"], editor)
    school.refresh_from_db()
    assert school.intake_places == 8
    assert school.intake_confirmed_on == timezone.localdate() - datetime.timedelta(days=3)


def test_no_address_no_mail(school, invitation, editor):
    School.objects.filter(pk=school.pk).update(email="")
    school.refresh_from_db()
    proposal = make_proposal(school, invitation, submitter_email="")
    reject(proposal, editor, "Non.")
    assert not Message.objects.exists()


def test_the_decision_mail_arrives_by_smtp(proposal, editor, smtp_server, django_capture_on_commit_callbacks):  # noqa: F811
    decide(django_capture_on_commit_callbacks, accept, proposal, ["phone"], editor)
    [(recipients, received)] = smtp_server.received
    assert recipients == ["lea@example.org", "contact@usineure.example.org"]
    # Python folds a long encoded subject right after "Subject:", which the parser reads as a leading space.
    assert received["Subject"].strip() == "Fiche « L'Usin'Eure » : vos modifications sont acceptées"
    assert "Téléphone : 02 31 12 34 56" in received.get_body(("plain",)).get_content()
