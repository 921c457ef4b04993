"""A "Rédaction" member decides on a proposal: accepts all or some of it, or refuses it with a message.

- What staff see (`review_items`): each change with the sheet's value now and the proposed one. A field
  changed on the sheet since the school sent its form (by staff, say) is flagged and left unticked: applying
  the school's older view would silently undo that edit. Staff may still tick it.
- Accepting applies the ticked changes in one transaction, through the models' own validation (full_clean:
  a value the sheet's rules refuse is reported in French and nothing is applied), with the history reason
  "Proposé par l'école, validé par <name>" on the school and on each open day added or removed; it marks the
  sheet verified today by that person. Each save bumps the page cache's content version (core/cache.py),
  all in the one transaction: the public pages show the whole decision at once, when it commits.
- A proposal is decided once: the decision takes it with one conditional UPDATE, so two staff members
  clicking at once cannot both apply it.
- The school gets a mail either way (the address given in the form and the school's own).
"""

import posixpath
from contextlib import ExitStack
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from proposals.enums import ProposalStatus
from proposals.forms import parse_open_day
from proposals.mail import mail_school
from proposals.models import (
    PROPOSED_FIELDS,
    VALUE_FIELDS,
    Proposal,
    field_label,
    open_day_text,
    shown_value,
)
from schools.models import OpenDay, School

PHOTO = "photo"
ADD_PREFIX = "ajout-"
REMOVE_PREFIX = "retrait-"


class AlreadyDecided(Exception):
    """Another decision came first."""


class DecisionRefused(Exception):
    """The ticked changes break the sheet's rules; `messages` says which, in French. Nothing was applied."""

    def __init__(self, messages):
        super().__init__(messages)
        self.messages = messages


@dataclass
class Item:
    """One line of the review table."""

    key: str
    label: str
    proposed: str
    current: str = ""
    warning: str = ""
    checked: bool = True
    actionable: bool = True  # False: nothing left to do (an open day already removed)

    @property
    def is_photo(self):
        return self.key == PHOTO


def review_items(proposal):
    """The proposal's changes, each with the sheet's value now: two queries (the open days)."""
    school = proposal.school
    items = []
    for name in PROPOSED_FIELDS:
        if name == PHOTO:
            if proposal.photo:
                current = "une photo" if school.photo else "(aucune photo)"
                items.append(Item(key=PHOTO, label="Photo", proposed="une nouvelle photo", current=current))
        elif name in proposal.changes:
            items.append(field_item(name, proposal.changes[name], getattr(school, name)))
    removed_ids = [day["id"] for day in proposal.open_days_removed]
    still_there = {day.pk: day.date for day in school.open_days.filter(pk__in=removed_ids)}
    for day in proposal.open_days_removed:
        item = Item(
            key=f"{REMOVE_PREFIX}{day['id']}", label="Journée portes ouvertes à retirer", proposed=day["text"]
        )
        if day["id"] not in still_there:
            item.warning, item.checked, item.actionable = "Déjà retirée de la fiche.", False, False
        items.append(item)
    added = [parse_open_day(day) for day in proposal.open_days_added]
    announced = set(
        school.open_days.filter(date__in=[day["date"] for day in added]).values_list("date", flat=True)
    ) - set(still_there.values())
    for n, day in enumerate(added):
        item = Item(
            key=f"{ADD_PREFIX}{n}", label="Journée portes ouvertes à ajouter", proposed=open_day_text(**day)
        )
        if day["date"] < timezone.localdate():
            item.warning, item.checked = "Cette date est passée : elle ne peut plus être ajoutée.", False
        elif day["date"] in announced:
            item.warning, item.checked = "Une journée est déjà annoncée ce jour-là sur la fiche.", False
        items.append(item)
    return items


def field_item(name, change, current):
    item = Item(
        key=name,
        label=field_label(name),
        proposed=shown_value(name, change["after"]),
        current=shown_value(name, current),
    )
    if current == change["after"]:
        item.warning = "Déjà à jour sur la fiche."
    elif current != change["before"]:
        before = shown_value(name, change["before"])
        item.warning = (
            f"La fiche a changé depuis l'envoi (elle disait alors : {before}). Cochez seulement si la "
            "valeur de l'école doit remplacer la valeur actuelle."
        )
        item.checked = False
    return item


def decider_name(user):
    return user.get_full_name() or user.get_username()


def history_reason(user):
    return f"Proposé par l'école, validé par {decider_name(user)}"


def take(proposal, status, user, message):
    """Mark the proposal decided, if nobody did first (one conditional UPDATE)."""
    now = timezone.now()
    taken = Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.PENDING).update(
        status=status, decided_at=now, decided_by=user, decision_message=message
    )
    if not taken:
        raise AlreadyDecided
    proposal.status, proposal.decided_at, proposal.decided_by = status, now, user
    proposal.decision_message = message


@transaction.atomic
def accept(proposal, keys, user, message="", school_url=""):
    """Apply the changes named by `keys` (Item.key) to the school; return the items applied.

    Everything is checked before anything is written: on DecisionRefused the sheet, its open days and the
    proposal are as they were."""
    items = [item for item in review_items(proposal) if item.actionable]
    chosen = [item for item in items if item.key in set(keys)]
    if not chosen:
        raise DecisionRefused(["Cochez au moins une modification à appliquer, ou refusez la proposition."])
    status = ProposalStatus.ACCEPTED if len(chosen) == len(items) else ProposalStatus.PARTLY_ACCEPTED
    school = School.objects.select_related("commune").get(pk=proposal.school_id)
    fields = [item.key for item in chosen if item.key in VALUE_FIELDS]
    for name in fields:
        setattr(school, name, proposal.changes[name]["after"])
    chosen_keys = {item.key for item in chosen}
    with ExitStack() as files:
        if PHOTO in chosen_keys:
            photo = files.enter_context(proposal.photo.open("rb"))
            school.photo = File(photo, name=posixpath.basename(proposal.photo.name))
            fields.append(PHOTO)
        if {"intake_places", "joins_during_year"} & set(fields):
            school.intake_confirmed_on = timezone.localdate(proposal.submitted_at)
        school.verified_on, school.verified_by = timezone.localdate(), user
        removed = list(school.open_days.filter(pk__in=keyed(chosen_keys, REMOVE_PREFIX)))
        added = [
            OpenDay(school=school, **parse_open_day(proposal.open_days_added[n]))
            for n in keyed(chosen_keys, ADD_PREFIX)
        ]
        check(school, fields, added, removed)
        take(proposal, status, user, message)
        reason = history_reason(user)
        school._change_reason = reason
        school.save()
        for day in removed:
            day._change_reason = reason
            day.delete()
        for day in added:
            day._change_reason = reason
            day.save()
    proposal.school = school
    proposal.applied = [item.key for item in chosen]
    proposal.delete_photo_file()
    proposal.save(update_fields=["applied"])
    not_kept = [item for item in items if item not in chosen]
    context = {"applied": chosen, "not_kept": not_kept, "school_url": school_url}
    mail_school(proposal, "proposals/mail/accepted", context)
    return chosen


def keyed(keys, prefix):
    return sorted(int(key.removeprefix(prefix)) for key in keys if key.startswith(prefix))


def check(school, fields, added, removed):
    """The sheet's own rules on what would be applied (School.clean() sees the whole sheet), and each new open
    day's (a date still to come, hours in order, one per date once the removed ones are gone)."""
    errors = []
    try:
        school.full_clean(
            exclude={field.name for field in School._meta.fields} - set(fields), validate_unique=False
        )
    except ValidationError as error:
        errors += [f"{label_of(name)} : {' '.join(texts)}" for name, texts in error.message_dict.items()]
    freed = {day.date for day in removed}
    for day in added:
        try:
            day.full_clean(validate_constraints=day.date not in freed)
        except ValidationError as error:
            texts = " ".join(text for texts in error.message_dict.values() for text in texts)
            errors.append(f"Journée du {open_day_text(day.date)} : {texts}")
    if errors:
        raise DecisionRefused(errors)


@transaction.atomic
def reject(proposal, user, message, school_url=""):
    message = message.strip()
    if not message:
        raise DecisionRefused(["Écrivez à l'école pourquoi sa proposition n'est pas retenue."])
    take(proposal, ProposalStatus.REJECTED, user, message)
    proposal.delete_photo_file()
    mail_school(proposal, "proposals/mail/rejected", {"school_url": school_url})


def label_of(name):
    if name == NON_FIELD_ERRORS:
        return "Fiche"
    return "Photo" if name == PHOTO else field_label(name)
