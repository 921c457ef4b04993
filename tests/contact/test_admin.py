"""The inbox in the admin: requests per school and by status, newest first, "mark handled" with who and when;
error reports with a link to their page. The Rédaction group reads and handles both."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contact.models import ContactRequest, ErrorReport
from schools.editors import EDITOR_GROUP_NAME
from tests.factories import make_school

REQUESTS = reverse("admin:contact_contactrequest_changelist")
REPORTS = reverse("admin:contact_errorreport_changelist")


def make_request(school, **fields):
    values = {
        "first_name": "Léa",
        "phone": "+33612345678",
        "age": 16,
        "wish": "discover",
        "recipient": "school",
    }
    return ContactRequest.objects.create(school=school, **(values | fields))


def make_report(**fields):
    values = {
        "page_path": "/metiers/usinage/",
        "page_label": "Métier : Usinage",
        "description": "Lien cassé.",
    }
    return ErrorReport.objects.create(**(values | fields))


def rows(response):
    return list(response.context["cl"].result_list)


def test_the_redaction_group_reads_changes_and_deletes_requests_and_reports_but_never_adds_them(db):
    codenames = set(
        Group.objects.get(name=EDITOR_GROUP_NAME)
        .permissions.filter(content_type__app_label="contact")
        .values_list("codename", flat=True)
    )
    assert codenames == {
        f"{action}_{model}"
        for model in ("contactrequest", "errorreport")
        for action in ("view", "change", "delete")
    }


def test_the_inbox_lists_requests_newest_first_filtered_by_school_and_status(editor_client, school):
    other = make_school(name="GM2A")
    old = make_request(school, created_at=timezone.now() - timedelta(days=3))
    new = make_request(school, first_name="Tom")
    elsewhere = make_request(other, first_name="Inès", status="transmitted")

    assert rows(editor_client.get(REQUESTS)) == [elsewhere, new, old]
    assert rows(editor_client.get(REQUESTS, {"school__id__exact": school.pk})) == [new, old]
    assert rows(editor_client.get(REQUESTS, {"status__exact": "transmitted"})) == [elsewhere]
    page = editor_client.get(REQUESTS).content.decode()
    for text in ("Inès", "GM2A", "Transmise", "Nouvelle", "Découvrir l&#x27;école"):
        assert text in page
    assert reverse("admin:contact_contactrequest_add") not in page


def test_mark_handled_records_who_and_when(editor_client, editor, school):
    pending = [make_request(school), make_request(school, status="transmitted")]
    done_by_someone = make_request(school, status="handled", handled_at=timezone.now() - timedelta(days=1))

    response = editor_client.post(
        REQUESTS,
        {"action": "mark_handled", "_selected_action": [r.pk for r in [*pending, done_by_someone]]},
        follow=True,
    )

    assert "2 demandes marquées comme traitées." in response.content.decode()
    for request in pending:
        request.refresh_from_db()
        assert request.status == "handled" and request.handled_by == editor
        assert timezone.now() - request.handled_at < timedelta(minutes=1)
    done_by_someone.refresh_from_db()
    assert done_by_someone.handled_by is None  # already handled: left as it was


def test_the_change_form_shows_the_request_read_only_and_changes_its_status(editor_client, editor, school):
    request = make_request(school, email="lea@example.net", message="Bonjour")
    url = reverse("admin:contact_contactrequest_change", args=[request.pk])

    page = editor_client.get(url).content.decode()
    assert 'href="tel:+33612345678">06 12 34 56 78</a>' in page
    assert "lea@example.net" in page and "Bonjour" in page
    assert 'name="first_name"' not in page and 'name="status"' in page
    assert "aucun : pas d&#x27;adresse où l&#x27;envoyer" in page

    editor_client.post(url, {"status": "handled", "first_name": "Changé"})
    request.refresh_from_db()
    assert (request.status, request.handled_by, request.first_name) == ("handled", editor, "Léa")
    editor_client.post(url, {"status": "new"})
    request.refresh_from_db()
    assert (request.status, request.handled_by, request.handled_at) == ("new", None, None)


def test_a_request_is_deleted_on_demand(editor_client, school):
    request = make_request(school)
    editor_client.post(
        REQUESTS, {"action": "delete_selected", "_selected_action": [request.pk], "post": "yes"}
    )
    assert not ContactRequest.objects.exists()


def test_error_reports_link_to_their_page_and_are_marked_handled(editor_client, editor):
    report = make_report()
    page = editor_client.get(REPORTS).content.decode()
    assert '<a href="/metiers/usinage/">Métier : Usinage</a>' in page and "Lien cassé." in page
    editor_client.post(REPORTS, {"action": "mark_handled", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert (report.status, report.handled_by) == ("handled", editor)
    assert rows(editor_client.get(REPORTS, {"status__exact": "new"})) == []
    change = editor_client.get(reverse("admin:contact_errorreport_change", args=[report.pk]))
    assert change.status_code == 200


def test_staff_outside_the_group_see_neither(client, db):
    intern = User.objects.create_user("stagiaire", password="mot-de-passe-solide-42", is_staff=True)
    client.force_login(intern)
    assert client.get(REQUESTS).status_code == 403
    assert client.get(REPORTS).status_code == 403


@pytest.mark.parametrize("url", [REQUESTS, REPORTS])
def test_the_changelists_cost_the_same_queries_at_3_and_30_rows(editor_client, db, url):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        return len(captured)

    def add(count):
        for _ in range(count):
            school = make_school()
            make_request(school, status="handled", handled_at=timezone.now(), handled_by=User.objects.first())
            make_report(status="handled", handled_at=timezone.now(), handled_by=User.objects.first())

    add(3)
    few = queries()
    add(27)
    assert queries() == few


def test_the_school_form_links_to_its_requests_at_a_fixed_cost(editor_client, school):
    url = reverse("admin:schools_school_change", args=[school.pk])

    def page_and_queries():
        with CaptureQueriesContext(connection) as captured:
            page = editor_client.get(url).content.decode()
        return page, len(captured)

    page_and_queries()  # the first look fills Django's caches (content types)
    page, none = page_and_queries()
    assert (
        f'href="{REQUESTS}?school__id__exact={school.pk}">Demandes de contact (aucune nouvelle sur 0)' in page
    )
    for _ in range(3):
        make_request(school)
    for _ in range(20):
        make_request(school, status="transmitted")
    make_request(make_school())
    page, many = page_and_queries()
    assert "Demandes de contact (3 nouvelles sur 23)" in page
    assert many == none
