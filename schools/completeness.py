"""What a family needs on a school's sheet, and which sheets lack it: one definition, used by the admin's
columns, filters and home page, and by the tests."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from schools.enums import Cost, YesNoUnknown

BOOLEAN = models.BooleanField()
STALE_AFTER = datetime.timedelta(days=183)  # "vérifiée il y a plus de 6 mois"


@dataclass(frozen=True)
class Item:
    key: str
    label: str  # short, as the staff read it after "il manque :"
    missing: models.Q


def _no_upcoming_open_day():
    from schools.models import OpenDay

    upcoming = OpenDay.objects.filter(school=models.OuterRef("pk"), date__gte=timezone.localdate())
    return ~models.Exists(upcoming)


def _no_programme():
    from schools.models import SchoolProgramme

    return ~models.Exists(SchoolProgramme.objects.filter(school=models.OuterRef("pk")))


def items():
    """The checklist, in the order a family reads a sheet. A function: "upcoming" depends on today."""
    return [
        Item("contact", "contact (téléphone, courriel ou site)", models.Q(phone="", email="", website="")),
        Item("open_day", "portes ouvertes", _no_upcoming_open_day()),
        Item("intake_places", "places à la rentrée", models.Q(intake_places__isnull=True)),
        Item(
            "joins_during_year", "entrée en cours d'année", models.Q(joins_during_year=YesNoUnknown.UNKNOWN)
        ),
        Item("ages", "âges", models.Q(age_min__isnull=True) | models.Q(age_max__isnull=True)),
        Item("cost", "coût", models.Q(cost=Cost.UNKNOWN)),
        Item("diploma", "diplôme préparé", _no_programme()),
        Item(
            "transport_or_boarding",
            "transports ou internat",
            models.Q(transport="", boarding=YesNoUnknown.UNKNOWN),
        ),
        Item("street_address", "adresse", models.Q(street_address="")),
    ]


def item(key):
    return next((candidate for candidate in items() if candidate.key == key), None)


def with_gaps(schools):
    """Each school annotated `missing_<key>` (True when the item is missing): one query, any number."""
    return schools.annotate(
        **{
            f"missing_{checked.key}": models.ExpressionWrapper(
                checked.missing, output_field=models.BooleanField()
            )
            for checked in items()
        }
    )


def missing_labels(school):
    """The labels of what an annotated school lacks."""
    return [checked.label for checked in items() if getattr(school, f"missing_{checked.key}")]


def incomplete(schools):
    condition = models.Q()
    for checked in items():
        condition |= checked.missing
    return schools.filter(condition)


def stale(schools, today=None):
    """Never verified, or verified more than six months ago."""
    limit = (today or timezone.localdate()) - STALE_AFTER
    return schools.filter(models.Q(verified_on__isnull=True) | models.Q(verified_on__lt=limit))
