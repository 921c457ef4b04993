"""Every CheckConstraint and UniqueConstraint of the project, broken directly in the database (no model
validation on the way): the database itself must refuse, on SQLite and on PostgreSQL."""

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction

from contact.models import ContactRequest, ErrorReport
from outbox.models import Message
from schools.models import OpenDay, School, SchoolProgramme, SchoolSource, SchoolTrade
from tests.factories import (
    make_commune,
    make_funding_source,
    make_key_figure,
    make_programme,
    make_school,
    make_school_funding,
    make_testimonial_link,
)

OUR_APPS = ("sources", "places", "programs", "funding", "schools", "outbox", "contact")


def update(obj, **values):
    type(obj)._base_manager.filter(pk=obj.pk).update(**values)


def duplicate(obj, **changes):
    """The same row again (with `changes`), saved without validation."""
    obj.pk = obj.id = None
    obj._state.adding = True
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()


def two_open_days():
    school = make_school()
    OpenDay.objects.create(school=school, date=datetime.date(2030, 1, 5))
    OpenDay.objects.create(school=school, date=datetime.date(2030, 1, 5))


def a_message(**values):
    fields = {"recipients": "a@example.org", "subject": "Objet", "body_text": "Bonjour"}
    return Message.objects.create(**(fields | values))


def a_request(**values):
    fields = {"school": make_school(), "first_name": "Léa", "phone": "+33612345678", "age": 16}
    return ContactRequest.objects.create(**(fields | {"wish": "discover", "recipient": "school"} | values))


def a_report(**values):
    fields = {"page_path": "/accessibilite/", "page_label": "Déclaration", "description": "Contraste."}
    return ErrorReport.objects.create(**(fields | values))


BREAKERS = {
    "school_coordinates_complete": [
        lambda: update(make_school(), latitude=49.1, longitude=None),
        lambda: update(make_school(), latitude=None, longitude=-0.3),
        lambda: update(make_school(), latitude=95, longitude=-0.3),
    ],
    "school_age_range_ordered": [lambda: update(make_school(), age_min=18, age_max=15)],
    "school_fee_only_when_paying": [
        lambda: update(make_school(), cost="fee", annual_fee_eur=None),
        lambda: update(make_school(), cost="free", annual_fee_eur=100),
    ],
    "school_class_size_target_has_size": [
        lambda: update(make_school(), class_size_is_target=True, class_size=None)
    ],
    "school_trade_unique": [lambda: duplicate(SchoolTrade.objects.filter(school=make_school()).get())],
    "school_programme_unique": [
        lambda: duplicate(
            SchoolProgramme.objects.filter(school=make_school(programmes=[make_programme()])).get()
        )
    ],
    "school_source_unique": [lambda: duplicate(SchoolSource.objects.filter(school=make_school()).get())],
    "testimonial_link_unique_per_school": [lambda: duplicate(make_testimonial_link(make_school()))],
    "school_funding_unique": [lambda: duplicate(make_school_funding(make_school(), make_funding_source()))],
    "school_funding_period_ordered": [
        lambda: update(
            make_school_funding(make_school(), make_funding_source()), start_year=2027, end_year=2026
        )
    ],
    "school_funding_amount_has_basis": [
        lambda: update(make_school_funding(make_school(), make_funding_source()), amount_eur=100),
        lambda: update(make_school_funding(make_school(), make_funding_source()), amount_basis="per_year"),
    ],
    "open_day_unique_per_school": [two_open_days],
    "open_day_hours_ordered": [
        lambda: OpenDay.objects.create(
            school=make_school(),
            date=datetime.date(2030, 1, 5),
            start_time=datetime.time(14),
            end_time=datetime.time(9),
        )
    ],
    "keyfigure_year_plausible": [lambda: update(make_key_figure(), year=1066)],
    "programme_duration_plausible": [lambda: update(make_programme(), duration_years=9)],
    "commune_insee_code_unique_per_kind": [lambda: duplicate(make_commune("Caen"))],
    "commune_former_ones_have_a_parent": [
        lambda: update(make_commune("Caen"), kind="COMD", parent=None),
        lambda: update(make_commune("Argentan"), parent=make_commune("Caen")),
    ],
    "outbox_message_state_known": [lambda: update(a_message(), state="perdu")],
    "outbox_message_sent_iff_sent_at": [
        lambda: update(a_message(), state="sent", sent_at=None),
    ],
    "contact_request_phone_or_email": [lambda: update(a_request(), phone="", email="")],
    "contact_request_first_name_given": [lambda: update(a_request(), first_name="")],
    "contact_request_age_plausible": [
        lambda: update(a_request(), age=11),
        lambda: update(a_request(), age=31),
    ],
    "contact_request_message_length": [lambda: update(a_request(), message="é" * 1001)],
    "contact_request_wish_known": [lambda: update(a_request(), wish="tout")],
    "contact_request_recipient_known": [lambda: update(a_request(), recipient="personne")],
    "contact_request_status_known": [lambda: update(a_request(), status="perdue")],
    "contact_request_handled_iff_dated": [
        lambda: update(a_request(), status="handled"),
        lambda: update(a_request(), handled_at=datetime.datetime(2030, 1, 5, tzinfo=datetime.UTC)),
    ],
    "error_report_page_is_a_path": [lambda: update(a_report(), page_path="https://evil.example/")],
    "error_report_description_given": [lambda: update(a_report(), description="")],
    "error_report_description_length": [lambda: update(a_report(), description="é" * 1001)],
    "error_report_status_known": [lambda: update(a_report(), status="perdu")],
    "error_report_handled_iff_dated": [
        lambda: update(a_report(), status="handled"),
        lambda: update(a_report(), handled_at=datetime.datetime(2030, 1, 5, tzinfo=datetime.UTC)),
    ],
}


def project_constraints():
    names = set()
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            for constraint in model._meta.constraints:
                if isinstance(constraint, models.CheckConstraint | models.UniqueConstraint):
                    names.add(constraint.name)
    return names


def test_every_constraint_is_tried():
    assert project_constraints() == set(BREAKERS)


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


def test_rows_that_keep_the_rules_pass(db):
    """The repaired coordinates check still accepts both set, and both empty."""
    located = make_school(latitude=49.1, longitude=-0.3, coordinates_precision="building")
    unlocated = make_school()
    assert School.objects.filter(pk__in=[located.pk, unlocated.pk]).count() == 2
