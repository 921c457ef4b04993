"""The outbox in the admin: read only, for superusers and the Rédaction group, with "renvoyer"."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outbox.enums import State
from outbox.models import Message

CHANGELIST = reverse("admin:outbox_message_changelist")


def make_message(state=State.WAITING, subject="Demande de contact", **fields):
    now = timezone.now()
    return Message.objects.create(
        recipients="ecole@example.org\nequipe@example.org",
        subject=subject,
        body_text="Texte",
        state=state,
        sent_at=now if state == State.SENT else None,
        last_attempt_at=None if state == State.WAITING else now,
        **fields,
    )


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "mot-de-passe-solide-42"))
    return client


@pytest.fixture
def messages(db):
    return {
        state: make_message(state, subject=f"Objet {state.value}", attempts=3 if state != State.SENT else 0)
        for state in State
    }


@pytest.mark.parametrize("who", ["superuser_client", "editor_client"])
def test_superusers_and_editors_see_the_outbox_filtered_by_state(request, who, messages):
    client = request.getfixturevalue(who)

    page = client.get(CHANGELIST).content.decode()
    assert all(f"Objet {state.value}" in page for state in State)
    response = client.get(CHANGELIST, {"state__exact": State.FAILED})
    assert list(response.context["cl"].result_list) == [messages[State.FAILED]]
    assert "Renvoyer les courriels sélectionnés" in response.content.decode()


@pytest.mark.parametrize("who", ["superuser_client", "editor_client"])
def test_the_outbox_is_read_only(request, who, messages):
    client = request.getfixturevalue(who)
    message = messages[State.FAILED]

    page = client.get(reverse("admin:outbox_message_change", args=[message.pk])).content.decode()
    assert "ecole@example.org<br>equipe@example.org" in page and 'name="_save"' not in page
    assert client.get(reverse("admin:outbox_message_add")).status_code == 403
    assert client.get(reverse("admin:outbox_message_delete", args=[message.pk])).status_code == 403
    client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [message.pk], "post": "yes"})
    assert Message.objects.filter(pk=message.pk).exists()  # delete is not among the actions


def test_staff_outside_the_redaction_group_do_not_see_the_outbox(client, messages):
    intern = User.objects.create_user("stagiaire", password="mot-de-passe-solide-42", is_staff=True)
    client.force_login(intern)
    assert client.get(CHANGELIST).status_code == 403


@pytest.mark.parametrize("who", ["superuser_client", "editor_client"])
def test_renvoyer_puts_unsent_messages_back_in_line_and_leaves_sent_ones_alone(request, who, messages):
    client = request.getfixturevalue(who)
    selected = [message.pk for message in messages.values()]

    response = client.post(
        CHANGELIST, {"action": "resend_messages", "_selected_action": selected}, follow=True
    )

    page = response.content.decode()
    assert "3 courriel(s) remis en file d&#x27;attente : envoi dans la minute." in page
    assert "1 courriel(s) déjà envoyé(s) : non renvoyé(s)." in page
    for state, message in messages.items():
        message.refresh_from_db()
        if state == State.SENT:
            assert message.state == State.SENT
        else:
            assert (message.state, message.attempts) == (State.WAITING, 0)
            assert message.next_attempt_at <= timezone.now()


def test_a_message_put_back_in_line_is_delivered_by_the_next_run(superuser_client, smtp_server):
    message = make_message(State.ABANDONED, attempts=12)
    superuser_client.post(CHANGELIST, {"action": "resend_messages", "_selected_action": [message.pk]})
    call_command("send_queued_mail", stdout=StringIO())

    message.refresh_from_db()
    assert message.state == State.SENT
    [(recipients, _)] = smtp_server.received
    assert recipients == ["ecole@example.org", "equipe@example.org"]


def test_the_changelist_costs_the_same_queries_at_3_and_30_messages(editor_client, db):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(CHANGELIST).status_code == 200
        return len(captured)

    for _ in range(3):
        make_message(State.FAILED)
    few = queries()
    for _ in range(27):
        make_message(State.SENT)
    assert queries() == few
