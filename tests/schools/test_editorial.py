"""The admin as the regional staff's editorial tool: what is missing, explicit verification, history with
restore, the journal, draft preview, clean input."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.cache import content_version
from core.phones import display_phone, normalize_phone
from places.models import Commune
from schools import completeness
from schools.models import OpenDay, School, SchoolTrade
from tests.factories import make_programme, make_school
from tests.html_form import submitted

CHANGELIST_URL = reverse("admin:schools_school_changelist")
JOURNAL_URL = reverse("admin_journal")


def change_url(school):
    return reverse("admin:schools_school_change", args=[school.pk])


def history_url(school):
    return reverse("admin:schools_school_history", args=[school.pk])


def rows(response):
    """The schools listed in an admin changelist, by name, in order."""
    return [school.name for school in response.context["cl"].result_list]


# What each of the ten real schools lacks, as loaded from fixtures/ (none has a phone, an e-mail or an open
# day; two have a website).
REAL_GAPS = {
    "edp-100-bois-caen": {
        "contact",
        "open_day",
        "intake_places",
        "joins_during_year",
        "transport_or_boarding",
    },
    "fil-en-normandie": {
        "contact",
        "open_day",
        "intake_places",
        "joins_during_year",
        "ages",
        "cost",
        "diploma",
        "transport_or_boarding",
        "street_address",
    },
    "gm2a-argentan": {
        "contact",
        "open_day",
        "intake_places",
        "joins_during_year",
        "transport_or_boarding",
        "street_address",
    },
    "usineure": {"open_day", "intake_places", "joins_during_year", "transport_or_boarding"},
    "le-ptit-plat": {
        "open_day",
        "intake_places",
        "joins_during_year",
        "ages",
        "diploma",
        "transport_or_boarding",
        "street_address",
    },
    "metal-academy": {
        "contact",
        "open_day",
        "intake_places",
        "joins_during_year",
        "transport_or_boarding",
        "street_address",
    },
    "ecole-usinage-cotentin": {
        "contact",
        "open_day",
        "intake_places",
        "joins_during_year",
        "transport_or_boarding",
    },
    "metropole-havraise": {
        "contact",
        "open_day",
        "intake_places",
        "joins_during_year",
        "diploma",
        "transport_or_boarding",
        "street_address",
    },
    "epifa-flers": {
        "contact",
        "open_day",
        "intake_places",
        "joins_during_year",
        "ages",
        "cost",
        "transport_or_boarding",
        "street_address",
    },
    "ecole-des-semeurs": {
        "contact",
        "open_day",
        "intake_places",
        "joins_during_year",
        "ages",
        "transport_or_boarding",
        "street_address",
    },
}


class TestCompletenessOfTheRealSchools:
    def test_the_ten_real_schools_lack_exactly_these_items(self, directory):
        found = {
            school.slug: {item.key for item in completeness.items() if getattr(school, f"missing_{item.key}")}
            for school in completeness.with_gaps(School.objects.all())
        }
        assert found == REAL_GAPS

    def test_the_changelist_says_what_each_school_lacks(self, editor_client, directory):
        html = editor_client.get(CHANGELIST_URL).content.decode()
        assert "portes ouvertes" in html and "contact (téléphone, courriel ou site)" in html
        assert "jamais" in html  # no sheet verified yet

    @pytest.mark.parametrize("key", [item.key for item in completeness.items()])
    def test_each_missing_item_has_its_filter(self, editor_client, directory, key):
        response = editor_client.get(CHANGELIST_URL, {"manque": key})
        expected = sorted(
            School.objects.get(slug=slug).name for slug, gaps in REAL_GAPS.items() if key in gaps
        )
        assert sorted(rows(response)) == expected

    def test_a_school_with_an_upcoming_open_day_leaves_that_filter(self, editor_client, directory):
        school = School.objects.get(slug="usineure")
        OpenDay.objects.create(school=school, date=timezone.localdate() + datetime.timedelta(days=3))
        names = rows(editor_client.get(CHANGELIST_URL, {"manque": "open_day"}))
        assert school.name not in names and len(names) == 9

    def test_admin_home_counts_incomplete_and_stale_sheets_with_links(self, editor_client, directory):
        response = editor_client.get(reverse("admin:index"))
        html = response.content.decode()
        assert "10 fiches sur 10</a> n'ont pas tout" in html
        assert f'href="{CHANGELIST_URL}?manque=open_day">10 fiches</a>' in html
        assert f'href="{CHANGELIST_URL}?manque=contact">8 fiches</a>' in html
        assert f'href="{CHANGELIST_URL}?verifiee=plus-de-6-mois">10 fiches</a>' in html


class TestCompleteness:
    def test_a_complete_sheet_lacks_nothing(self, editor_client, db):
        school = complete_school()
        assert rows(editor_client.get(CHANGELIST_URL, {"manque": "quelque-chose"})) == []
        assert completeness.missing_labels(completeness.with_gaps(School.objects.all()).get()) == []
        assert school.name in rows(editor_client.get(CHANGELIST_URL))

    def test_verification_filters_and_stalest_first(self, editor_client, db):
        today = timezone.localdate()
        recent = make_school(name="Récente", verified_on=today - datetime.timedelta(days=10))
        old = make_school(name="Ancienne", verified_on=today - datetime.timedelta(days=200))
        never = make_school(name="Jamais")
        assert rows(editor_client.get(CHANGELIST_URL)) == [never.name, old.name, recent.name]
        stale = rows(editor_client.get(CHANGELIST_URL, {"verifiee": "plus-de-6-mois"}))
        assert stale == [never.name, old.name]
        assert rows(editor_client.get(CHANGELIST_URL, {"verifiee": "jamais"})) == [never.name]


def complete_school():
    school = make_school(
        name="Complète",
        phone="+33231000000",
        intake_places=6,
        joins_during_year="yes",
        age_min=15,
        age_max=18,
        cost="free",
        boarding="no",
        street_address="1 rue de l'Atelier",
    )
    school.programmes.set([make_programme()])
    OpenDay.objects.create(school=school, date=timezone.localdate() + datetime.timedelta(days=7))
    return school


class TestVerification:
    def test_an_ordinary_save_never_sets_the_verified_date(self, editor_client, db):
        school = make_school()
        data = submitted(editor_client.get(change_url(school)).content.decode(), "school_form")
        data["description"] = ["Une autre présentation."]
        assert editor_client.post(change_url(school), {**data, "_save": "1"}).status_code == 302
        school.refresh_from_db()
        assert school.description == "Une autre présentation." and school.verified_on is None

    def test_the_form_button_marks_the_school_verified(self, editor_client, editor, db):
        school = make_school()
        data = submitted(editor_client.get(change_url(school)).content.decode(), "school_form")
        response = editor_client.post(change_url(school), {**data, "_verify": "1"})
        assert response.status_code == 302
        school.refresh_from_db()
        assert school.verified_on == timezone.localdate() and school.verified_by == editor
        assert "est marquée comme vérifiée" in str(list(get_messages(response.wsgi_request))[0])
        assert school.history.first().history_change_reason == "Fiche marquée comme vérifiée"

    def test_the_bulk_action_marks_schools_verified(self, editor_client, editor, db):
        schools = [make_school(), make_school()]
        data = {"action": "mark_verified", "_selected_action": [school.pk for school in schools]}
        response = editor_client.post(CHANGELIST_URL, data)
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "2 écoles marquées comme vérifiées aujourd'hui."
        ]
        assert set(School.objects.values_list("verified_by", flat=True)) == {editor.pk}

    def test_the_public_page_says_who_verified_and_when(self, client, db):
        school = make_school(verified_on=datetime.date(2026, 11, 2))
        html = client.get(school.get_absolute_url()).content.decode()
        assert "Informations vérifiées par la Région le 2 novembre 2026." in html
        assert "mise à jour le" not in html


class TestNoChangeSave:
    """A form saved as the browser sends it, with nothing changed, changes nothing."""

    def test_nothing_is_recorded_dated_or_invalidated(self, editor_client, directory):
        school = School.objects.get(slug="fil-en-normandie")  # multi-line texts, several inlines
        before = (school.updated_at, school.history.count(), content_version())
        html = editor_client.get(change_url(school)).content.decode()
        data = submitted(html, "school_form")
        assert any("\r\n" in value for values in data.values() for value in values)  # as browsers send it
        response = editor_client.post(change_url(school), {**data, "_save": "1"})
        assert response.status_code == 302, response.context and response.context["errors"]
        school.refresh_from_db()
        assert (school.updated_at, school.history.count(), content_version()) == before
        assert not School.history.filter(history_type="~").exists()

    def test_a_real_change_is_recorded_once(self, editor_client, directory):
        school = School.objects.get(slug="fil-en-normandie")
        data = submitted(editor_client.get(change_url(school)).content.decode(), "school_form")
        data["workshop_share"] = ["La moitié du temps"]
        editor_client.post(change_url(school), {**data, "_save": "1"})
        changes = school.history.filter(history_type="~")
        assert changes.count() == 1
        delta = changes.get().diff_against(changes.get().prev_record)
        assert [change.field for change in delta.changes] == ["workshop_share"]


class TestHistory:
    def test_each_change_shows_who_when_and_the_old_and_new_values(self, editor_client, editor, directory):
        school = School.objects.get(slug="usineure")
        data = submitted(editor_client.get(change_url(school)).content.decode(), "school_form")
        data["managing_body"] = ["Association Nouvelle"]
        editor_client.post(change_url(school), {**data, "_save": "1"})
        html = editor_client.get(history_url(school)).content.decode()
        old = school.managing_body
        assert f"<strong>Organisme gestionnaire</strong> : {old} → Association Nouvelle" in html
        assert editor.username in html and "Rétablir cette version" in html

    def test_an_old_version_is_restored_after_confirmation(self, editor_client, directory):
        school = School.objects.get(slug="usineure")
        original = school.managing_body
        data = submitted(editor_client.get(change_url(school)).content.decode(), "school_form")
        data["managing_body"] = ["Erreur de saisie"]
        editor_client.post(change_url(school), {**data, "_save": "1"})
        first = school.history.earliest()
        restore_url = reverse("admin:schools_school_simple_history", args=[school.pk, first.history_id])
        confirmation = editor_client.get(restore_url)
        assert "Confirmez le rétablissement" in confirmation.content.decode()
        assert School.objects.get(pk=school.pk).managing_body == "Erreur de saisie"  # nothing yet
        data = submitted(confirmation.content.decode(), "historicalschool_form")
        assert editor_client.post(restore_url, {**data, "_save": "1"}).status_code == 302
        assert School.objects.get(pk=school.pk).managing_body == original
        latest = school.history.first()
        assert latest.history_change_reason.startswith("Version du ") and latest.managing_body == original


class TestHistoryOfEveryModel:
    def test_every_content_model_keeps_its_history(self, db):
        from schools.history import tracked_models

        labels = {model._meta.label for model in tracked_models()}
        assert labels == {
            "sources.Source",
            "sources.KeyFigure",
            "programs.Trade",
            "programs.Programme",
            "programs.TradeKeyword",
            "funding.FundingSource",
            "schools.School",
            "schools.SchoolTrade",
            "schools.SchoolProgramme",
            "schools.SchoolSource",
            "schools.SchoolFunding",
            "schools.OpenDay",
            "schools.TestimonialLink",
        }

    def test_loading_the_directory_gives_each_entry_a_first_version(self, db):
        call_command("loaddata", "communes", verbosity=0)
        call_command("load_directory", verbosity=0)
        assert School.history.filter(history_type="+").count() == School.objects.count() == 10
        assert SchoolTrade.history.count() == SchoolTrade.objects.count()


class TestJournal:
    def test_lists_every_change_filterable_by_person_kind_and_date(self, editor_client, editor, directory):
        school = School.objects.get(slug="usineure")
        data = submitted(editor_client.get(change_url(school)).content.decode(), "school_form")
        data["managing_body"] = ["Association Nouvelle"]
        editor_client.post(change_url(school), {**data, "_save": "1"})
        mine = editor_client.get(JOURNAL_URL, {"person": editor.pk}).context["entries"]
        assert [(entry["action"], entry["object"]) for entry in mine] == [("Modification", school.name)]
        schools_only = editor_client.get(JOURNAL_URL, {"kind": "schools.school"}).context["page"]
        assert schools_only.paginator.count == 11  # ten first versions, one change
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        assert editor_client.get(JOURNAL_URL, {"since": tomorrow}).context["page"].paginator.count == 0

    def test_junk_filters_are_ignored_not_fatal(self, editor_client, directory):
        response = editor_client.get(
            JOURNAL_URL, {"person": "x", "kind": "auth.user", "since": "hier", "page": "z"}
        )
        assert response.status_code == 200 and response.context["form"].errors

    def test_a_deleted_school_is_found_and_restored_with_its_links(self, editor_client, directory):
        school = School.objects.get(slug="usineure")
        trades = set(school.trades.values_list("slug", flat=True))
        sources = school.sources.count()
        delete_url = reverse("admin:schools_school_delete", args=[school.pk])
        editor_client.post(delete_url, {"post": "yes"})
        assert not School.objects.filter(slug="usineure").exists()

        entry = editor_client.get(JOURNAL_URL, {"kind": "schools.school"}).context["entries"][0]
        assert entry["action"] == "Suppression" and entry["restore_url"]
        confirmation = editor_client.get(entry["restore_url"]).content.decode()
        assert "Oui, restaurer cette école" in confirmation
        response = editor_client.post(entry["restore_url"])
        assert response.status_code == 302

        restored = School.objects.get(slug="usineure")
        assert set(restored.trades.values_list("slug", flat=True)) == trades
        assert restored.sources.count() == sources
        assert Client().get(restored.get_absolute_url()).status_code == 200
        assert restored.history.first().history_change_reason == "Restaurée depuis le journal"
        assert editor_client.get(JOURNAL_URL).context["entries"][0]["restore_url"] is None


def test_the_journal_refuses_anonymous_and_plain_staff(client, db):
    assert client.get(JOURNAL_URL).status_code == 302  # to the login page


@pytest.mark.parametrize("school_count", [3, 30], scope="class")
class TestQueryCounts:
    """The admin pages staff use most run as many queries at 3 schools as at 30."""

    def test_changelist_by_what_is_missing(self, editor_client, directory_of_size, django_assert_num_queries):
        with django_assert_num_queries(9):
            editor_client.get(CHANGELIST_URL, {"manque": "open_day"})

    def test_admin_home(self, editor_client, directory_of_size, django_assert_num_queries):
        with django_assert_num_queries(6):
            editor_client.get(reverse("admin:index"))

    def test_journal(self, editor_client, directory_of_size, django_assert_num_queries):
        with django_assert_num_queries(8):
            editor_client.get(JOURNAL_URL, {"kind": "schools.school"})


class TestPreview:
    def test_staff_see_a_draft_at_its_public_address_with_a_banner(self, editor_client, db):
        draft = make_school(status="draft")
        response = editor_client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "Brouillon : non visible du public." in response.content.decode()
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    def test_anonymous_visitors_get_a_404_even_after_a_preview(self, editor_client, db):
        draft = make_school(status="draft")
        editor_client.get(draft.get_absolute_url())
        assert Client().get(draft.get_absolute_url()).status_code == 404

    def test_a_published_school_has_no_banner(self, editor_client, db):
        school = make_school()
        assert "Brouillon" not in editor_client.get(school.get_absolute_url()).content.decode()

    def test_drafts_stay_out_of_the_list_and_search_even_for_staff(self, editor_client, db):
        draft = make_school(name="Atelier caché", status="draft")
        for params in [{}, {"q": "caché"}]:
            html = editor_client.get(reverse("schools:school_list"), params).content.decode()
            assert draft.name not in html


class TestCleanInput:
    @pytest.mark.parametrize(
        "typed", ["02 31 00 00 00", "0231000000", "02.31.00.00.00", "+33 2 31 00 00 00", "0033231000000"]
    )
    def test_french_numbers_are_stored_in_one_format(self, typed):
        assert normalize_phone(typed) == "+33231000000"
        assert display_phone("+33231000000") == "02 31 00 00 00"

    @pytest.mark.parametrize(
        "typed", ["appeler le matin", "02 31 00 00 0", "12", "+1 202 555 0100", "0" * 300]
    )
    def test_other_text_is_refused_in_french(self, typed):
        with pytest.raises(ValidationError, match="numéro de téléphone français"):
            normalize_phone(typed)

    def test_the_admin_refuses_a_phone_that_is_not_a_number(self, editor_client, db):
        school = make_school()
        data = submitted(editor_client.get(change_url(school)).content.decode(), "school_form")
        data["phone"] = ["appeler le matin"]
        response = editor_client.post(change_url(school), {**data, "_save": "1"})
        assert response.status_code == 200
        assert "Saisissez un numéro de téléphone français" in response.content.decode()

    def test_the_admin_stores_and_shows_a_typed_number(self, editor_client, client, db):
        school = make_school()
        data = submitted(editor_client.get(change_url(school)).content.decode(), "school_form")
        data["phone"] = ["02.31.00.00.00"]
        editor_client.post(change_url(school), {**data, "_save": "1"})
        school.refresh_from_db()
        assert school.phone == "+33231000000"
        assert 'value="02 31 00 00 00"' in editor_client.get(change_url(school)).content.decode()
        assert (
            '<a href="tel:+33231000000">02 31 00 00 00</a>'
            in client.get(school.get_absolute_url()).content.decode()
        )

    def test_a_bad_email_is_refused_and_http_gets_a_warning(self, editor_client, db):
        school = make_school()
        data = submitted(editor_client.get(change_url(school)).content.decode(), "school_form")
        response = editor_client.post(
            change_url(school), {**data, "email": ["pas une adresse"], "_save": "1"}
        )
        assert "Saisissez une adresse de courriel valide" in response.content.decode()
        response = editor_client.post(change_url(school), {**data, "website": ["http://ecole.example.org"]})
        assert any("n'est pas sécurisé (http)" in str(m) for m in get_messages(response.wsgi_request))
        assert School.objects.get(pk=school.pk).website == "http://ecole.example.org"

    def test_a_past_open_day_is_refused_on_creation(self, db):
        school = make_school()
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        with pytest.raises(ValidationError, match="Cette date est passée"):
            OpenDay(school=school, date=yesterday).full_clean()
        OpenDay(school=school, date=timezone.localdate()).full_clean()

    def test_an_existing_open_day_that_has_passed_can_still_be_saved(self, db):
        school = make_school()
        old = OpenDay.objects.create(school=school, date=timezone.localdate() - datetime.timedelta(days=5))
        old.details = "Sur rendez-vous"
        old.full_clean()

    def test_the_command_clears_past_open_days_only(self, db, capsys):
        school = make_school()
        today = timezone.localdate()
        for days in (-30, -1, 0, 10):
            OpenDay.objects.create(school=school, date=today + datetime.timedelta(days=days))
        call_command("clear_past_open_days")
        assert list(OpenDay.objects.values_list("date", flat=True)) == [
            today,
            today + datetime.timedelta(days=10),
        ]
        assert "2 journées portes ouvertes passées supprimées." in capsys.readouterr().out
        assert OpenDay.history.filter(history_type="-").count() == 2


def test_a_school_is_filed_under_a_current_commune_not_a_former_one(db):
    former = Commune.objects.get(name="Tourlaville")
    school = make_school()
    school.commune = former
    with pytest.raises(ValidationError) as refused:
        school.full_clean()
    assert "commune" in refused.value.message_dict
