"""The content's history (django-simple-history) seen whole: the site-wide journal, the restore of a
deleted school with its links, and the first record of content loaded without one."""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

# Django deletes a school's rows (trades, open days…) just before the school itself, in one transaction.
CASCADE_WINDOW = datetime.timedelta(seconds=5)


def tracked_models():
    """Every content model that keeps a history, in a stable order."""
    return [
        model
        for label in settings.CONTENT_APPS
        for model in apps.get_app_config(label).get_models()
        if hasattr(model, "history") and not hasattr(model, "instance_type")
    ]


def record_current_state(reason, *, update=False):
    """One history record for each object (each that has none yet, unless `update`).

    loaddata saves "raw", which django-simple-history does not record: without this, the first edit of an
    object loaded from the fixtures could not be undone."""
    for model in tracked_models():
        objects = model._base_manager.all()
        if not update:
            objects = objects.exclude(pk__in=model.history.values("id"))
        model.history.bulk_history_create(list(objects), update=update, default_change_reason=reason)


def journal(person=None, kind=None, since=None, until=None):
    """Every change to the content, newest first, as rows of plain values (one query, a UNION)."""
    selected = [model for model in tracked_models() if kind in (None, model._meta.label_lower)]
    parts = []
    for model in selected:
        records = model.history.all()
        if person is not None:
            records = records.filter(history_user=person)
        if since is not None:
            records = records.filter(history_date__date__gte=since)
        if until is not None:
            records = records.filter(history_date__date__lte=until)
        parts.append(
            records.order_by()
            .annotate(model_label=models.Value(model._meta.label_lower, output_field=models.CharField()))
            .values("history_id", "history_date", "model_label")
        )
    if not parts:
        return []
    first, *others = parts
    return first.union(*others, all=True).order_by("-history_date", "-history_id")


def records_for(rows):
    """The history records behind a page of journal rows: one query per kind of object on the page."""
    wanted = {}
    for row in rows:
        wanted.setdefault(row["model_label"], []).append(row["history_id"])
    found = {}
    for label, ids in wanted.items():
        history = apps.get_model(label).history
        for record in history.filter(history_id__in=ids).select_related("history_user"):
            found[label, record.history_id] = record
    return [found[row["model_label"], row["history_id"]] for row in rows]


def linked_deletions(school_record):
    """History records of the rows deleted with a school (its trades, sources, open days…)."""
    deleted_at = school_record.history_date
    for model in tracked_models():
        if model._meta.label_lower == "schools.school" or not _has_school_field(model):
            continue
        yield from model.history.filter(
            school_id=school_record.id,
            history_type="-",
            history_date__range=(deleted_at - CASCADE_WINDOW, deleted_at),
        )


def _has_school_field(model):
    return any(field.name == "school" for field in model._meta.fields)


class RestoreRefused(Exception):
    """A deleted school cannot come back as it was; the message says why, in French."""


@transaction.atomic
def restore_deleted_school(school_record, reason):
    """Put a deleted school back, with the rows deleted with it, from its deletion record."""
    School = apps.get_model("schools", "School")
    if School._base_manager.filter(pk=school_record.id).exists():
        raise RestoreRefused("Cette école existe déjà : il n'y a rien à restaurer.")
    clash = School._base_manager.filter(models.Q(slug=school_record.slug) | models.Q(name=school_record.name))
    if clash.exists():
        raise RestoreRefused(
            "Une autre école porte déjà ce nom ou cet identifiant : renommez-la avant de restaurer celle-ci."
        )
    school = school_record.instance
    school.photo = ""  # its files were deleted with the school
    school._change_reason = reason
    school.save()
    for record in linked_deletions(school_record):
        linked = record.instance
        linked._change_reason = reason
        linked.save()
    return school


def restorable_school_deletions(records):
    """Which of these records are deletions of a school that is still gone."""
    School = apps.get_model("schools", "School")
    deletions = [r for r in records if r.history_type == "-" and type(r) is School.history.model]
    existing = set(School._base_manager.filter(pk__in=[r.id for r in deletions]).values_list("pk", flat=True))
    return {r.history_id for r in deletions if r.id not in existing}
