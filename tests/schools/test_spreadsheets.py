"""Schools and open days to and from CSV and XLSX in the admin (schools/resources.py)."""

import csv
import io
from datetime import date, timedelta

import pytest
import tablib
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import ContentVersion
from schools.models import OpenDay, School
from schools.resources import MAX_FILE_SIZE, OpenDayResource, SchoolResource
from tests.factories import make_commune, make_directory, make_school
from tests.test_security import inline_code

FORMATS = {"csv": "0", "xlsx": "1"}
SCHOOL_URLS = {
    name: reverse(f"admin:schools_school_{name}") for name in ("import", "process_import", "export")
}
OPEN_DAY_URLS = {
    name: reverse(f"admin:schools_openday_{name}") for name in ("import", "process_import", "export")
}
NEXT_YEAR = timezone.localdate().year + 1


def export(client, urls=SCHOOL_URLS, file_format="csv"):
    response = client.post(urls["export"], {"format": FORMATS[file_format], "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    return response.content


def upload(content, file_format="csv"):
    content = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(f"ecoles.{file_format}", content)


def dry_run(client, content, urls=SCHOOL_URLS, file_format="csv"):
    return client.post(
        urls["import"], {"format": FORMATS[file_format], "resource": "0", "import_file": upload(content)}
    )


def confirm(client, response, urls=SCHOOL_URLS):
    form = response.context["confirm_form"]
    return client.post(urls["process_import"], {name: form.initial[name] for name in form.initial})


def as_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def as_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def snapshot():
    """Every exported value of every school and open day, to compare before and after an import."""
    return (
        SchoolResource().export(School.objects.all()).dict,
        OpenDayResource().export(OpenDay.objects.all()).dict,
        School.objects.count(),
        OpenDay.objects.count(),
    )


@pytest.fixture
def schools(db):
    gm2a = make_school(name="GM2A", slug="gm2a", commune="Argentan")
    OpenDay.objects.create(school=gm2a, date=date(NEXT_YEAR, 3, 14), details="Sur rendez-vous")
    make_school(name="L'Usin'Eure", slug="usineure", commune="Évreux")
    return gm2a


class TestTheRealDirectory:
    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_the_real_directory_round_trips_unchanged(self, editor_client, directory, file_format):
        before = snapshot()
        content = export(editor_client, file_format=file_format)

        response = dry_run(editor_client, content, file_format=file_format)

        result = response.context["result"]
        assert [error.error for _, errors in result.row_errors() for error in errors] == []
        assert [row.error_dict for row in result.invalid_rows] == []
        assert result.totals["skip"] == School.objects.count() == 10
        assert result.totals["new"] == result.totals["update"] == 0
        assert confirm(editor_client, response).status_code == 302
        assert snapshot() == before


@pytest.mark.parametrize("school_count", [3, 30], scope="class")
class TestQueryCounts:
    def test_the_export(self, editor_client, directory_of_size, django_assert_num_queries, school_count):
        export(editor_client)  # warm up: content types, sessions
        with django_assert_num_queries(10):
            rows = as_rows(export(editor_client))
        assert len(rows) == school_count


class TestExportThenImport:
    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_open_days_round_trip_unchanged(self, editor_client, schools, file_format):
        before = snapshot()
        content = export(editor_client, OPEN_DAY_URLS, file_format)

        response = dry_run(editor_client, content, OPEN_DAY_URLS, file_format)

        assert response.context["result"].totals["skip"] == 1
        confirm(editor_client, response, OPEN_DAY_URLS)
        assert snapshot() == before

    def test_the_export_has_french_headers_and_natural_keys(self, editor_client, schools):
        rows = as_rows(export(editor_client))
        gm2a = next(row for row in rows if row["identifiant"] == "gm2a")
        assert gm2a["commune (code INSEE)"] == "61006"
        assert gm2a["statut"] == "Publiée"
        assert gm2a["métiers (identifiants)"] == schools.trades.get().slug
        assert "id" not in gm2a and "photo" not in gm2a

    def test_the_csv_file_opens_in_excel_with_its_accents(self, editor_client, schools):
        response = editor_client.post(SCHOOL_URLS["export"], {"format": FORMATS["csv"], "resource": "0"})
        assert response.content.startswith("\ufeffidentifiant,".encode())
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="ecoles-{timezone.localdate():%Y-%m-%d}.csv"'
        )

    def test_a_csv_file_saved_by_a_french_excel_is_read(self, editor_client, schools):
        """Windows-1252 and semicolons: Excel's "CSV (séparateur : point-virgule)"."""
        rows = as_rows(export(editor_client))
        rows[0]["nom court"] = "Atelier d'Écouché"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)

        response = dry_run(editor_client, out.getvalue().encode("cp1252"))

        assert [row.import_type for row in response.context["result"].rows] == ["update", "skip"]
        confirm(editor_client, response)
        assert School.objects.get(slug="gm2a").short_name == "Atelier d'Écouché"

    def test_the_export_escapes_formulas(self, editor_client, schools):
        School.objects.filter(pk=schools.pk).update(short_name="=HYPERLINK(1)")
        [gm2a] = [row for row in as_rows(export(editor_client)) if row["identifiant"] == "gm2a"]
        assert not gm2a["nom court"].startswith("=")


class TestDryRun:
    def test_shows_row_by_row_what_would_change_and_writes_nothing(self, editor_client, schools):
        rows = as_rows(export(editor_client))
        rows[0]["nom court"] = "GM2A Argentan"
        rows.append(rows[1] | {"identifiant": "nouvelle-ecole", "nom": "Nouvelle école"})
        before = snapshot()

        response = dry_run(editor_client, as_csv(rows))

        page = response.content.decode()
        result = response.context["result"]
        assert [row.import_type for row in result.rows] == ["update", "skip", "new"]
        assert "<ins>GM2A Argentan</ins>" in page or "<ins> Argentan</ins>" in page
        assert "Confirmer l’importation" in page
        assert "1 ajout(s), 1 modification(s),\n    1 ligne(s) sans changement" in page
        assert snapshot() == before

    def test_errors_are_told_in_french_on_their_row_and_column(self, editor_client, schools):
        rows = as_rows(export(editor_client))
        rows[0] |= {"commune (code INSEE)": "99999", "âge minimum": "quinze", "statut": "En ligne"}
        rows[1] |= {
            "informations d'entrée confirmées le": "31/02/2026",
            "métiers (identifiants)": "luthier, x",
        }

        response = dry_run(editor_client, as_csv(rows))

        result = response.context["result"]
        assert "confirm_form" not in response.context
        [first, second] = result.invalid_rows
        assert first.error_dict == {
            "commune": ["Aucune commune de Normandie n'a le code INSEE « 99999 »."],
            "age_min": ["« quinze » n'est pas un nombre entier."],
            "status": ["« En ligne » n'est pas une valeur possible (Brouillon, Publiée)."],
        }
        assert second.error_dict == {
            "intake_confirmed_on": ["« 31/02/2026 » n'est pas une date : écrivez-la JJ/MM/AAAA."],
            "trades": ["Métier inconnu : « luthier », « x » (indiquez les identifiants des métiers)."],
        }

    def test_phone_numbers_are_read_as_typed_and_stored_in_one_format(self, editor_client, schools):
        rows = as_rows(export(editor_client))
        rows[0]["téléphone"] = "02.31.00.00.00"
        rows[1]["téléphone"] = "appeler le matin"
        response = dry_run(editor_client, as_csv(rows))
        [invalid] = response.context["result"].invalid_rows
        assert invalid.error_dict == {
            "phone": ["Saisissez un numéro de téléphone français, par exemple 02 31 00 00 00."]
        }
        del rows[1]
        confirm(editor_client, dry_run(editor_client, as_csv(rows)))
        assert School.objects.get(slug=rows[0]["identifiant"]).phone == "+33231000000"
        assert as_rows(export(editor_client))[0]["téléphone"] == "02 31 00 00 00"

    def test_model_rules_apply_to_each_row(self, editor_client, schools):
        rows = as_rows(export(editor_client))
        rows[0] |= {"code postal": "14000", "métiers (identifiants)": "", "nom": ""}

        result = dry_run(editor_client, as_csv(rows)).context["result"]

        [invalid] = result.invalid_rows
        assert invalid.error_dict == {
            "postcode": ["Ce code postal n'est pas celui de Argentan."],
            "name": ["Ce champ ne peut pas être vide."],
            "trades": ["Indiquez au moins un métier."],
        }

    def test_an_open_day_of_an_unknown_school_is_refused(self, editor_client, schools):
        content = "école (identifiant),date,heure de début,heure de fin,précisions\n"
        content += f"inconnue,14/03/{NEXT_YEAR},,,\n"
        response = dry_run(editor_client, content, OPEN_DAY_URLS)
        page = response.content.decode()
        assert "Ligne 1 : Aucune école n&#x27;a l&#x27;identifiant « inconnue »." in page
        assert "Traceback" not in page


class TestAllOrNothing:
    def test_one_bad_row_and_nothing_is_written(self, editor_client, schools):
        """The confirmed import runs on the file again: a row refused by then leaves every row unwritten."""
        rows = as_rows(export(editor_client))
        rows[0]["nom court"] = "Changé"
        rows.append(rows[1] | {"identifiant": "nouvelle", "nom": "Nouvelle école"})
        response = dry_run(editor_client, as_csv(rows))
        assert [row.import_type for row in response.context["result"].rows] == ["update", "skip", "new"]
        # Between the preview and the confirmation, someone gives another school the new row's name.
        make_school(name="Nouvelle école", slug="homonyme")
        before = snapshot()

        confirmed = confirm(editor_client, response)

        assert confirmed.status_code == 302
        assert confirmed.url == SCHOOL_URLS["import"]
        assert snapshot() == before
        assert School.objects.get(slug="gm2a").short_name == ""

    def test_import_data_rolls_back_every_row_when_one_fails(self, schools):
        dataset = SchoolResource().export(School.objects.all())
        rows = dataset.dict
        rows[0]["nom court"] = "Changé"
        rows[1]["âge maximum"] = "vingt"
        bad = tablib.Dataset(*[[row[header] for header in dataset.headers] for row in rows])
        bad.headers = dataset.headers
        before = snapshot()

        result = SchoolResource().import_data(bad, dry_run=False, rollback_on_validation_errors=True)

        assert result.has_validation_errors()
        assert snapshot() == before


class TestReimport:
    def test_a_reimport_updates_and_never_duplicates(self, editor_client, schools):
        rows = as_rows(export(editor_client, OPEN_DAY_URLS))
        rows[0]["précisions"] = "De 9 h à 17 h"
        rows.append(rows[0] | {"date": f"02/05/{NEXT_YEAR}"})
        for _ in range(2):
            confirm(editor_client, dry_run(editor_client, as_csv(rows), OPEN_DAY_URLS), OPEN_DAY_URLS)
        assert list(OpenDay.objects.values_list("date", "details")) == [
            (date(NEXT_YEAR, 3, 14), "De 9 h à 17 h"),
            (date(NEXT_YEAR, 5, 2), "De 9 h à 17 h"),
        ]

    def test_a_new_school_is_created_with_its_links(self, editor_client, schools):
        rows = as_rows(export(editor_client))
        new = rows[0] | {"identifiant": "caen", "nom": "École de Caen", "commune (code INSEE)": "14118"}
        new |= {"code postal": "14000"}
        make_commune("Caen")
        response = dry_run(editor_client, as_csv([new]))
        assert confirm(editor_client, response).status_code == 302
        school = School.objects.get(slug="caen")
        assert school.commune.name == "Caen"
        assert list(school.trades.all()) == list(schools.trades.all())
        assert list(school.sources.all()) == list(schools.sources.all())

    def test_the_success_message_and_the_history_are_french(self, editor_client, editor, schools):
        rows = as_rows(export(editor_client))
        rows[0]["nom court"] = "GM2A Argentan"
        response = confirm(editor_client, dry_run(editor_client, as_csv(rows)))
        page = editor_client.get(response.url).content.decode()
        assert "Import terminé : 0 ajout(s), 1 modification(s), 1 ligne(s) sans changement." in page
        [entry] = LogEntry.objects.all()
        assert (entry.user, entry.object_repr, entry.get_change_message()) == (
            editor,
            "GM2A",
            "Modifié par l'import d'un tableur.",
        )


class TestPageCache:
    def test_an_import_bumps_the_content_version_once(
        self, editor_client, schools, django_capture_on_commit_callbacks
    ):
        rows = as_rows(export(editor_client))
        for row in rows:
            row["nom court"] = row["nom"] + " !"
        response = dry_run(editor_client, as_csv(rows))
        version = ContentVersion.objects.get(pk=1).number if ContentVersion.objects.exists() else 0

        with django_capture_on_commit_callbacks(execute=True):
            confirm(editor_client, response)

        assert School.objects.filter(short_name__endswith=" !").count() == 2
        assert ContentVersion.objects.get(pk=1).number == version + 1

    def test_the_public_page_shows_the_import_at_once(
        self, client, editor_client, schools, django_capture_on_commit_callbacks
    ):
        public = client.__class__()
        assert "Sur rendez-vous" in public.get(schools.get_absolute_url()).content.decode()
        rows = as_rows(export(editor_client, OPEN_DAY_URLS))
        rows[0]["précisions"] = "Entrée libre"
        with django_capture_on_commit_callbacks(execute=True):
            confirm(editor_client, dry_run(editor_client, as_csv(rows), OPEN_DAY_URLS), OPEN_DAY_URLS)
        assert "Entrée libre" in public.get(schools.get_absolute_url()).content.decode()

    def test_a_dry_run_bumps_nothing(self, editor_client, schools, django_capture_on_commit_callbacks):
        rows = as_rows(export(editor_client))
        rows[0]["nom court"] = "Changé"
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            dry_run(editor_client, as_csv(rows))
        assert callbacks == []


class TestBadUploads:
    @pytest.mark.parametrize(
        ("content", "file_format", "message"),
        [
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe", "csv", "pendant la lecture du fichier"),
            (b"PK\x03\x04 pas un vrai classeur", "xlsx", "pendant la lecture du fichier"),
            (b"", "csv", "Le fichier soumis est vide."),
            (b"nom;ville\nGM2A;Argentan\n", "csv", "colonnes manquantes"),
            (b"identifiant,couleur\ngm2a,bleu\n", "csv", "colonnes inconnues : « couleur »"),
            (b"identifiant\n", "csv", "Pas de données valides importables"),
        ],
        ids=["image", "not-xlsx", "empty", "wrong-columns", "unknown-column", "headers-only"],
    )
    def test_a_bad_file_gets_a_french_answer_not_a_500(
        self, editor_client, schools, content, file_format, message
    ):
        before = snapshot()
        response = dry_run(editor_client, content, file_format=file_format)
        assert response.status_code == 200
        assert message in response.content.decode().replace("&#x27;", "'")
        assert "confirm_form" not in response.context
        assert snapshot() == before

    def test_a_huge_file_is_refused_before_it_is_read(self, editor_client, schools):
        response = dry_run(editor_client, b"a" * (MAX_FILE_SIZE + 1))
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "import_file": ["Ce fichier pèse 2,0\xa0Mio : un fichier de l'annuaire pèse au plus 2,0\xa0Mio."]
        }


class TestWhoMay:
    @pytest.fixture
    def staff_client(self, client, db):
        """Staff who may look at schools but are not in the Rédaction group."""
        user = User.objects.create_user("stagiaire", password="mot-de-passe-solide-42", is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(codename__in=["view_school", "view_openday"]))
        client.force_login(user)
        return client

    @pytest.mark.parametrize("urls", [SCHOOL_URLS, OPEN_DAY_URLS], ids=["schools", "open-days"])
    def test_staff_outside_the_redaction_group_get_403(self, staff_client, schools, urls):
        assert staff_client.get(reverse("admin:schools_school_changelist")).status_code == 200
        for url in urls.values():
            assert staff_client.get(url).status_code in (403, 405), url
            assert staff_client.post(url, {}).status_code == 403, url

    def test_their_list_has_no_import_or_export_button(self, staff_client, schools):
        page = staff_client.get(reverse("admin:schools_school_changelist")).content.decode()
        assert SCHOOL_URLS["import"] not in page and SCHOOL_URLS["export"] not in page

    def test_superusers_may_import_and_export(self, admin_client, schools):
        for url in (SCHOOL_URLS["import"], SCHOOL_URLS["export"], OPEN_DAY_URLS["import"]):
            assert admin_client.get(url).status_code == 200, url

    def test_editors_see_both_buttons(self, editor_client, schools):
        page = editor_client.get(reverse("admin:schools_school_changelist")).content.decode()
        assert SCHOOL_URLS["import"] in page and SCHOOL_URLS["export"] in page

    @pytest.mark.parametrize("url", [SCHOOL_URLS["import"], SCHOOL_URLS["export"], OPEN_DAY_URLS["import"]])
    def test_import_and_export_pages_open_with_queries_that_do_not_grow(self, editor_client, db, url):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert editor_client.get(url).status_code == 200
            return len(captured)

        make_school()
        queries()  # warm up
        few = queries()
        make_directory(30)
        assert queries() == few <= 5  # session, user and permissions only


class TestOpenDayAdmin:
    def test_changelist_and_forms_open(self, editor_client, schools):
        open_day = OpenDay.objects.get()
        for url in (
            reverse("admin:schools_openday_changelist"),
            reverse("admin:schools_openday_add"),
            reverse("admin:schools_openday_change", args=[open_day.pk]),
        ):
            assert editor_client.get(url).status_code == 200, url

    @pytest.mark.parametrize("count", [2, 20])
    def test_changelist_queries_do_not_grow(self, editor_client, db, django_assert_num_queries, count):
        school = make_school()
        for day in range(count):
            OpenDay.objects.create(school=school, date=date(NEXT_YEAR, 1, 1) + timedelta(days=day))
        editor_client.get(reverse("admin:schools_openday_changelist"))
        with django_assert_num_queries(10):
            response = editor_client.get(reverse("admin:schools_openday_changelist"))
        assert response.context["cl"].result_count == count


def test_the_pages_need_no_inline_code(editor_client, schools):
    """The Content-Security-Policy forbids inline styles: the changes are coloured by a style sheet."""
    rows = as_rows(export(editor_client))
    rows[0]["nom court"] = "GM2A Argentan"
    rows[1]["âge minimum"] = "quinze"
    preview = dry_run(editor_client, as_csv(rows[:1]))
    refused = dry_run(editor_client, as_csv(rows))
    assert "<ins>" in preview.content.decode()
    for response in (
        editor_client.get(SCHOOL_URLS["import"]),
        editor_client.get(SCHOOL_URLS["export"]),
        preview,
        refused,
    ):
        assert response.status_code == 200
        assert inline_code(response.content.decode()) == []
