"""The school's form: prefilled, private, protected; a proposal changes nothing public until staff decide."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from contact.models import Submission
from core.cache import content_version
from outbox.models import Message
from proposals.enums import ProposalStatus
from proposals.forms import NO_CHANGE
from proposals.models import Invitation, Proposal
from proposals.views import RATE_LIMIT
from schools import photos
from schools.models import OpenDay, School
from tests.factories import make_school
from tests.proposals.conftest import form_values, jpeg, send, soon


def test_the_form_is_prefilled_with_the_current_public_facts(client, invitation):
    values = form_values(client, invitation.link_path())
    assert values["phone"] == ["02 32 00 00 00"]
    assert values["email"] == ["contact@usineure.example.org"]
    assert values["intake_places"] == ["12"]
    assert values["age_min"] == ["15"] and values["age_max"] == ["18"]
    assert values["cost"] == ["free"]
    assert values["boarding"] == ["unknown"] and values["joins_during_year"] == ["unknown"]
    assert values["meals"] == ["Cantine sur place"]
    assert "remove_open_days" not in values  # listed, unticked
    page = client.get(invitation.link_path()).content.decode()
    assert "Sur rendez-vous" in page
    assert escape("Mettre à jour la fiche de L'Usin'Eure") in page


def test_the_pages_are_private_and_never_indexed(client, invitation):
    for response in (client.get(invitation.link_path()), client.get(invitation.link_path() + "envoyee/")):
        assert response.status_code == 200
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
        assert 'rel="canonical"' not in response.content.decode()
        assert not response.cookies


def test_the_form_costs_a_fixed_number_of_queries(client, invitation, django_assert_num_queries):
    # The page cache's content version, the invitation with its school and commune, the upcoming open days.
    with django_assert_num_queries(3):
        client.get(invitation.link_path())


def test_a_proposal_is_stored_and_nothing_public_changes(client, invitation, school):
    public_page = client.get(school.get_absolute_url()).content
    version = content_version()
    url = invitation.link_path()  # each call signs anew: the same link throughout
    response = send(
        client,
        url,
        {
            "phone": "02 31 12 34 56",
            "boarding": "yes",
            "ajout-0-date": soon(40).isoformat(),
            "ajout-0-start_time": "14:00",
            "ajout-0-end_time": "17:00",
            "ajout-0-details": "Visite de l'atelier",
            "remove_open_days": [str(school.open_days.get().pk)],
            "submitter_email": "lea@usineure.example.org",
            "note": "Nous avons changé de numéro.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url + "envoyee/"
    proposal = Proposal.objects.get()
    assert proposal.school == school and proposal.invitation == invitation
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.changes == {
        "phone": {"before": "+33232000000", "after": "+33231123456"},
        "boarding": {"before": "unknown", "after": "yes"},
    }
    assert proposal.open_days_added == [
        {
            "date": soon(40).isoformat(),
            "start_time": "14:00",
            "end_time": "17:00",
            "details": "Visite de l'atelier",
        }
    ]
    [removed] = proposal.open_days_removed
    assert removed["id"] == school.open_days.get().pk and "Sur rendez-vous" in removed["text"]
    assert (proposal.submitter_name, proposal.submitter_role) == ("Léa Martin", "Directrice")
    assert proposal.note == "Nous avons changé de numéro."
    # Nothing public moved: the sheet, its open days, the cached page, the content version.
    school.refresh_from_db()
    assert school.phone == "+33232000000" and school.boarding == "unknown" and school.open_days.count() == 1
    assert school.verified_on is None
    assert content_version() == version
    assert client.get(school.get_absolute_url()).content == public_page

    sent = client.get(response["Location"])
    assert "Merci, votre proposition est envoyée" in sent.content.decode()
    assert "Rien ne change sur le site avant sa vérification" in sent.content.decode()


def test_the_staff_are_told_by_mail(client, invitation, settings, django_capture_on_commit_callbacks):
    settings.STAFF_EMAILS = ["equipe@region.example.org", "autre@region.example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        send(
            client, invitation.link_path(), {"phone": "02 31 12 34 56", "submitter_email": "lea@example.org"}
        )
    proposal = Proposal.objects.get()
    message = Message.objects.get()
    assert message.recipient_list == ["equipe@region.example.org", "autre@region.example.org"]
    assert message.subject == "Proposition de mise à jour : L'Usin'Eure"
    assert message.reply_to == "lea@example.org"
    assert "Léa Martin (Directrice) propose de mettre à jour la fiche" in message.body_text
    assert "Téléphone" in message.body_text
    assert f"http://testserver/admin/proposals/proposal/{proposal.pk}/change/" in message.body_text
    [delivered] = mail.outbox
    assert delivered.to == settings.STAFF_EMAILS


def test_an_unchanged_form_says_so_and_stores_nothing(client, invitation):
    response = send(client, invitation.link_path())
    assert response.status_code == 200
    content = response.content.decode()
    assert escape(NO_CHANGE) in content
    assert "<title>Erreur : " in content
    assert not Proposal.objects.exists() and not Submission.objects.exists()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"meals": "x" * 1001}, "id_meals", "Assurez-vous que cette valeur comporte au plus 200 caractères"),
        ({"note": "x" * 1001}, "id_note", "au plus 1000 caractères"),
        ({"submitter_name": "Léa\r\nBcc: victime@example.org"}, "id_submitter_name", "tenir sur une ligne"),
        ({"submitter_email": "lea@example.org\nBcc: victime@example.org"}, "id_submitter_email", "adresse"),
        ({"submitter_role": ""}, "id_submitter_role", "Ce champ est obligatoire"),
        ({"phone": "12"}, "id_phone", "numéro de téléphone français"),
        ({"age_min": "19"}, "id_age_max", "L'âge maximum doit être supérieur à l'âge minimum"),
        ({"age_min": "3"}, "id_age_min", "supérieure ou égale à 12"),
        ({"cost": "fee"}, "id_annual_fee_eur", "Indiquez le montant des frais annuels"),
        (
            {"annual_fee_eur": "300"},
            "id_annual_fee_eur",
            "Des frais ne s'indiquent que pour une école payante",
        ),
        ({"website": "pas une adresse"}, "id_website", "URL valide"),
        ({"ajout-0-date": "2020-01-01"}, "id_ajout-0-date", "Cette date est passée"),
        ({"ajout-0-date": "31/02/2030"}, "id_ajout-0-date", "date valide"),
        ({"ajout-0-details": "Le matin"}, "id_ajout-0-date", "Ce champ est obligatoire"),
        (
            {"ajout-0-date": soon(5).isoformat(), "ajout-0-start_time": "15:00", "ajout-0-end_time": "9:00"},
            "id_ajout-0-end_time",
            "L'heure de fin doit suivre l'heure de début",
        ),
        (
            {"ajout-0-date": soon(5).isoformat(), "ajout-1-date": soon(5).isoformat()},
            "id_ajout-1-date",
            "déjà dans une autre ligne",
        ),
        (
            {"ajout-0-date": soon(20).isoformat()},
            "id_ajout-0-date",
            "Une journée est déjà annoncée ce jour-là",
        ),
    ],
)
def test_what_the_sheet_refuses_is_said_in_french_beside_the_field(
    client, invitation, changes, field, message
):
    response = send(client, invitation.link_path(), changes)
    assert response.status_code == 200
    content = response.content.decode()
    assert escape(message) in content or message in content
    assert f'href="#{field}"' in content  # the summary at the top links to the field
    assert f'id="{field}_error"' in content  # and the message beside it is tied to the field
    assert not Proposal.objects.exists()


def test_a_problem_of_the_sheet_the_school_cannot_see_is_left_to_the_staff(client, invitation, school):
    School.objects.filter(pk=school.pk).update(latitude=49.02, longitude=1.15)  # no precision: staff's to fix
    response = send(client, invitation.link_path(), {"phone": "02 31 12 34 56"})
    assert response.status_code == 302 and Proposal.objects.exists()


def test_a_website_typed_without_https_gets_it(client, invitation):
    send(client, invitation.link_path(), {"website": "www.usineure.example.org"})
    assert Proposal.objects.get().changes["website"] == {
        "before": "",
        "after": "https://www.usineure.example.org",
    }


def test_an_open_day_may_be_replaced_by_one_on_the_same_date(client, invitation, school):
    day = school.open_days.get()
    send(
        client,
        invitation.link_path(),
        {
            "remove_open_days": [str(day.pk)],
            "ajout-0-date": day.date.isoformat(),
            "ajout-0-start_time": "10:00",
        },
    )
    proposal = Proposal.objects.get()
    assert (
        proposal.open_days_added[0]["start_time"] == "10:00" and proposal.open_days_removed[0]["id"] == day.pk
    )


def test_a_photo_is_kept_as_a_cleaned_copy_under_a_random_name(client, invitation, media_root):
    send(client, invitation.link_path(), {"photo": jpeg(), "photo_alt": "Deux élèves à la fraiseuse"})
    proposal = Proposal.objects.get()
    assert proposal.photo.name.startswith("proposals/") and proposal.photo.name.endswith(".jpg")
    assert "atelier" not in proposal.photo.name
    assert len(proposal.photo.name) > len("proposals/") + 20
    assert (media_root / proposal.photo.name).exists()
    assert proposal.changes == {"photo_alt": {"before": "", "after": "Deux élèves à la fraiseuse"}}
    assert proposal.changed_labels() == ["Photo", "Description de la photo"]
    assert not School.objects.get().photo


def test_a_photo_needs_its_description(client, invitation):
    response = send(client, invitation.link_path(), {"photo": jpeg()})
    assert escape("Décrivez la photo pour les personnes qui ne la voient pas.") in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: jpeg(size=(5000, 300)), photos.TOO_STRETCHED),
        (
            lambda: type(jpeg())("photo.jpg", b"Bonjour, ceci n'est pas une photo.", "image/jpeg"),
            photos.NOT_A_PHOTO,
        ),
        (lambda: type(jpeg())("photo.pdf", jpeg().read(), "application/pdf"), photos.NOT_A_PHOTO),
    ],
    ids=["stretched", "not-an-image", "not-an-image-name"],
)
def test_a_bad_photo_is_refused_in_french(client, invitation, media_root, upload, message):
    response = send(client, invitation.link_path(), {"photo": upload(), "photo_alt": "L'atelier"})
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not Proposal.objects.exists()
    assert not (media_root / "proposals").exists()


def test_a_robot_filling_the_honeypot_is_thanked_and_forgotten(client, invitation, settings):
    settings.STAFF_EMAILS = ["equipe@region.example.org"]
    response = send(
        client, invitation.link_path(), {"phone": "02 31 12 34 56", "site_web": "http://spam.example"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/envoyee/")
    assert not Proposal.objects.exists() and not Message.objects.exists() and not Submission.objects.exists()


def test_a_post_from_another_site_is_refused(client, invitation):
    response = send(
        client, invitation.link_path(), {"phone": "02 31 12 34 56"}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert "Formulaire refusé" in response.content.decode()
    assert not Proposal.objects.exists()


def test_over_the_rate_limit_the_form_is_refused_for_an_hour(client, invitation):
    for n in range(RATE_LIMIT.limit):
        response = send(client, invitation.link_path(), {"intake_places": str(n)})
        assert response.status_code == 302
    response = send(client, invitation.link_path(), {"intake_places": "99"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "dans 1 heure" in response.content.decode()
    assert Proposal.objects.count() == RATE_LIMIT.limit


def test_another_school_link_shares_nothing_with_the_form(client, invitation, school):
    """The open day boxes are the school's own: an id of another school's day is refused, not removed."""
    other = make_school()
    foreign = OpenDay.objects.create(school=other, date=soon(9))
    Invitation.objects.create(school=other)
    response = send(client, invitation.link_path(), {"remove_open_days": [str(foreign.pk)]})
    assert response.status_code == 200
    assert "choix" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_confirmation_links_back_to_the_form(client, invitation):
    page = client.get(
        reverse("proposals:sent", args=[invitation.link_path().split("/")[-2]])
    ).content.decode()
    assert "Proposer une autre modification" in page


def test_the_url_of_a_school_named_proposer_still_works(client, db):
    school = make_school(slug="proposer")
    assert client.get(school.get_absolute_url()).status_code == 200


def test_dates_are_kept_as_typed_by_a_browser(client, invitation):
    send(client, invitation.link_path(), {"ajout-2-date": soon(3).isoformat()})
    assert Proposal.objects.get().open_days_added[0]["date"] == soon(3).isoformat()
    assert datetime.date.fromisoformat(Proposal.objects.get().open_days_added[0]["date"]) == soon(3)
