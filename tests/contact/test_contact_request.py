""" "Être recontacté par l'école": stored first, passed on to the school (or the Région's team), a copy to the
person; plain French errors; drafts and unknown schools answer 404."""

import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from contact.models import ContactRequest
from outbox.enums import State
from outbox.models import Message
from tests.factories import make_school
from tests.html_form import submitted
from tests.responses import text

VALID = {
    "first_name": "Léa",
    "phone": "06 12 34 56 78",
    "email": "lea@example.net",
    "age": "16",
    "wish": "discover",
    "message": "Je voudrais voir l'atelier.\r\nJe suis libre le mercredi.",
}


def url(school):
    return reverse("contact:contact_request", args=[school.slug])


class TestStoredAndPassedOn:
    def test_the_request_is_stored_and_sent_to_the_school_with_a_copy_to_the_person(self, send, school):
        response = send(url(school), VALID)

        assert response.status_code == 303
        assert response["Location"] == f"/ecoles/{school.slug}/etre-recontacte/merci/"
        request = ContactRequest.objects.get()
        assert (request.school, request.first_name, request.phone, request.email, request.age) == (
            school,
            "Léa",
            "+33612345678",
            "lea@example.net",
            16,
        )
        assert request.message == "Je voudrais voir l'atelier.\nJe suis libre le mercredi."
        assert request.recipient == ContactRequest.Recipient.SCHOOL
        to_school, copy = mail.outbox
        assert to_school.to == ["contact@metal-academy.example.org"]
        assert to_school.reply_to == ["lea@example.net"]
        assert to_school.subject == "Demande de contact : Léa, 16 ans"
        for expected in ("Prénom : Léa", "Âge du jeune : 16 ans", "Découvrir l'école", "06 12 34 56 78"):
            assert expected in to_school.body
        assert "Je suis libre le mercredi." in to_school.body
        assert copy.to == ["lea@example.net"]
        assert copy.reply_to == ["contact@metal-academy.example.org"]  # answering the copy reaches the school
        assert copy.subject == "Votre demande à Metal Academy"
        assert "Bonjour Léa," in copy.body and "Je suis libre le mercredi." in copy.body

    def test_a_school_without_e_mail_sends_it_to_the_regional_staff(self, send, school_without_email):
        send(url(school_without_email), {**VALID, "email": ""})

        request = ContactRequest.objects.get()
        assert request.recipient == ContactRequest.Recipient.REGION
        [to_staff] = mail.outbox  # no copy: no e-mail given
        assert to_staff.to == ["equipe-regionale@example.org"]
        assert to_staff.subject == "Demande de contact : Léa, 16 ans (L'Atelier sans courriel)"
        assert (
            "merci de lui faire suivre cette demande (téléphone de l'école : 02 32 00 00 00)" in to_staff.body
        )
        assert f"http://testserver/admin/contact/contactrequest/{request.pk}/change/" in to_staff.body
        assert "rappelez-la au téléphone" in to_staff.body
        assert to_staff.reply_to == []

    def test_without_any_staff_address_the_request_waits_in_the_admin(
        self, send, school_without_email, settings
    ):
        settings.STAFF_EMAILS = []
        response = send(url(school_without_email), {**VALID, "email": ""})

        assert response.status_code == 303
        request = ContactRequest.objects.get()
        assert request.transmission is None and request.status == ContactRequest.Status.NEW
        assert not mail.outbox and not Message.objects.exists()

    def test_once_its_mail_is_sent_the_request_is_transmitted(self, send, school):
        send(url(school), VALID)

        request = ContactRequest.objects.get()
        assert request.status == ContactRequest.Status.TRANSMITTED
        assert request.transmission.state == State.SENT
        assert request.transmitted_at == request.transmission.sent_at
        assert request.copy.recipients == "lea@example.net"

    def test_the_mails_first_wait_until_the_request_is_committed(self, client, school):
        """Without the commit (the test's transaction is never committed), nothing leaves: the request and its
        messages are stored together, and sent only once both are safely in the database."""
        client.post(url(school), VALID, headers={"Origin": "http://testserver"})
        assert ContactRequest.objects.count() == 1
        assert Message.objects.filter(state=State.WAITING).count() == 2
        assert not mail.outbox

    def test_the_log_names_the_request_by_number_only(self, send, school, caplog):
        with caplog.at_level(logging.INFO):
            send(url(school), VALID)
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert "Demande de contact n° " in logged
        for personal in ("Léa", "lea@example.net", "12 34", "+336", "mercredi", "metal-academy.example"):
            assert personal not in logged


class TestForm:
    def test_the_school_page_carries_the_form_which_a_browser_sends_as_it_is(self, client, send, school):
        page = text(client.get(school.get_absolute_url()))
        assert '<h2 id="recontacte">Être recontacté par l\'école</h2>' in page
        assert f'action="{url(school)}"' in page
        assert "csrfmiddlewaretoken" not in page
        data = submitted(page, "contact-form")
        assert set(data) == {"first_name", "phone", "email", "age", "message", "site_web"}
        data.update({key: [value] for key, value in VALID.items()})
        assert send(url(school), data).status_code == 303
        assert ContactRequest.objects.count() == 1

    def test_the_fields_help_browsers_and_phones(self, client, school):
        page = text(client.get(url(school)))
        assert 'autocomplete="given-name"' in page
        assert 'type="tel"' in page and 'autocomplete="tel"' in page
        assert 'type="email"' in page and 'autocomplete="email"' in page
        assert 'inputmode="numeric"' in page and 'min="12"' in page and 'max="30"' in page
        assert 'maxlength="60"' in page and 'maxlength="1000"' in page
        assert "<legend>Ce que vous souhaitez</legend>" in page
        for choice in ("Découvrir l'école", "Faire un séjour découverte", "S'inscrire", "Autre chose"):
            assert choice in page
        assert "vous acceptez que l'annuaire transmette votre demande à l'école" in page

    def test_drafts_and_unknown_schools_answer_404(self, client, send, db):
        draft = make_school(status="draft", email="brouillon@example.org")
        assert client.get(url(draft)).status_code == 404
        assert send(url(draft), VALID).status_code == 404
        assert client.get(reverse("contact:contact_request_sent", args=[draft.slug])).status_code == 404
        assert send("/ecoles/inconnue/etre-recontacte/", VALID).status_code == 404
        assert not ContactRequest.objects.exists() and not mail.outbox

    def test_a_draft_previewed_by_staff_shows_no_form(self, admin_client, db):
        draft = make_school(status="draft")
        page = text(admin_client.get(draft.get_absolute_url()))
        assert "Brouillon : non visible du public" in page
        assert "etre-recontacte" not in page and "Signaler une erreur" not in page


def errors_page(send, school, **changes):
    response = send(url(school), {**VALID, **changes})
    assert response.status_code == 400
    assert not ContactRequest.objects.exists() and not mail.outbox
    return text(response)


class TestRefused:
    def test_at_least_a_phone_or_an_e_mail(self, send, school):
        page = errors_page(send, school, phone="", email="")
        message = "Indiquez un téléphone ou une adresse e-mail : sans l'un des deux"
        assert message in page
        assert '<a href="#contact-phone">Téléphone (facultatif) : ' in page  # the summary links to the field
        assert 'aria-invalid="true"' in page
        assert 'aria-describedby="contact-phone_helptext contact-phone_error"' in page
        assert 'id="contact-phone_error"' in page
        assert 'value="Léa"' in page and "Je voudrais voir l'atelier." in page  # what was typed is kept
        assert "<title>Erreur : Être recontacté par Metal Academy" in page

    def test_what_one_visitor_typed_never_shows_in_the_next_visitors_empty_form(self, client, send, school):
        """The empty form's HTML is made once per process (contact/templatetags/contact_forms.py)."""
        errors_page(send, school, phone="", email="", first_name="Zoé")
        cache.clear()
        page = text(client.get(school.get_absolute_url()))
        assert "Zoé" not in page and "aria-invalid" not in page and "contact-phone_error" not in page
        assert 'id="contact-first_name"' in page

    def test_either_one_is_enough(self, send, school):
        assert send(url(school), {**VALID, "phone": ""}).status_code == 303
        assert send(url(school), {**VALID, "email": ""}).status_code == 303
        assert ContactRequest.objects.count() == 2

    @pytest.mark.parametrize(
        "changes, message",
        [
            (
                {"message": "a" * 1001},
                "Ce texte est trop long : 1\u202f000 caractères au plus (il en compte 1001).",
            ),
            ({"first_name": "L" * 61}, "Ce texte est trop long : 60 caractères au plus (il en compte 61)."),
            ({"first_name": ""}, "Indiquez votre prénom."),
            ({"first_name": "Léa\r\nBcc: cible@example.org"}, "Ce champ doit tenir sur une ligne"),
            ({"email": "lea@example.net\r\nBcc: cible@example.org"}, "Saisissez une adresse e-mail complète"),
            ({"email": "lea@example.net\nCc: x@example.org"}, "Saisissez une adresse e-mail complète"),
            ({"email": "a" * 250 + "@example.net"}, "254 caractères au plus (il en compte 262)"),
            ({"phone": "12"}, "Saisissez un numéro de téléphone français"),
            ({"age": "11"}, "Indiquez un âge entre 12 et 30 ans."),
            ({"age": "31"}, "Indiquez un âge entre 12 et 30 ans."),
            ({"age": "seize"}, "Indiquez l'âge en chiffres, par exemple 16."),
            ({"age": ""}, "Indiquez l'âge du jeune, en années."),
            ({"wish": ""}, "Choisissez ce que vous souhaitez."),
            ({"wish": "autre-chose"}, "Sélectionnez un choix valide."),
        ],
        ids=[
            "message-1001",
            "name-61",
            "name-empty",
            "name-header-injection",
            "email-header-injection",
            "email-line-feed",
            "email-too-long",
            "phone",
            "age-11",
            "age-31",
            "age-words",
            "age-empty",
            "wish-empty",
            "wish-unknown",
        ],
    )
    def test_bad_input_is_refused_in_plain_french(self, send, school, changes, message):
        page = errors_page(send, school, **changes)
        assert message in page

    def test_a_message_of_1000_characters_with_line_breaks_fits(self, send, school):
        """Browsers send a textarea's line breaks as CRLF: they count once, as the page's maxlength does."""
        message = "\r\n".join(["a" * 99] * 10)  # 1,008 characters as sent, 999 as typed
        assert send(url(school), {**VALID, "message": message}).status_code == 303
        assert len(ContactRequest.objects.get().message) == 999


class TestConfirmation:
    def test_it_says_who_receives_the_request_and_promises_no_delay(self, client, school):
        page = text(client.get(reverse("contact:contact_request_sent", args=[school.slug])))
        assert "Votre demande est bien enregistrée" in page
        assert "part par courriel à <strong>Metal Academy</strong>" in page
        assert "devrait vous répondre dans les prochains jours" in page
        assert "ne peut pas vous garantir de délai" in page
        assert "Si vous avez donné votre adresse e-mail, vous recevez une copie" in page
        assert 'href="tel:+33231000000">02 31 00 00 00</a>' in page

    def test_without_the_schools_e_mail_it_names_the_regions_team(self, client, school_without_email):
        sent = reverse("contact:contact_request_sent", args=[school_without_email.slug])
        page = text(client.get(sent))
        assert "l'équipe de la Région qui tient l'annuaire" in page
        assert "L'équipe la fait suivre à l'école" in page

    def test_it_never_sends_the_family_to_contact_details_the_sheet_lacks(self, client, db):
        school = make_school(name="Atelier sans coordonnées", slug="atelier-sans-coordonnees")
        page = text(client.get(reverse("contact:contact_request_sent", args=[school.slug])))
        assert "Contactez l'école avec les coordonnées de" not in page
        assert "L'annuaire n'a pas encore les coordonnées de l'école" in page
        school.website = "https://atelier.example.org"
        school.save()
        page = text(client.get(reverse("contact:contact_request_sent", args=[school.slug])))
        assert "Contactez l'école avec les coordonnées de <a" in page

    def test_its_address_and_page_hold_nothing_personal(self, client, send, school):
        response = send(url(school), VALID)
        page = text(client.get(response["Location"]))
        assert "?" not in response["Location"]
        for personal in ("Léa", "lea@example.net", "06 12", "mercredi"):
            assert personal not in page
