"""The outbox's integrity lives in the database."""

import pytest
from django.db import IntegrityError
from django.utils import timezone

from outbox.enums import State
from outbox.models import Message


def make_message(**fields):
    return Message.objects.create(
        recipients="ecole@example.org", subject="Objet", body_text="Texte", **fields
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"state": State.SENT},  # sent, but when?
        {"state": State.FAILED, "sent_at": timezone.now()},  # not sent, yet a sending date
        {"state": "lost"},
    ],
    ids=["sent-without-date", "date-without-sent", "unknown-state"],
)
def test_the_database_refuses_a_message_whose_state_and_dates_disagree(fields):
    with pytest.raises(IntegrityError):
        make_message(**fields)


@pytest.mark.django_db
def test_a_sent_message_has_its_date_and_is_named_by_its_number():
    message = make_message(state=State.SENT, sent_at=timezone.now())
    assert str(message) == f"Courriel n° {message.pk}"
