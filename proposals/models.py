"""A school updates its own sheet: staff send it an invitation link, the school proposes, staff decide.

Nothing a school sends reaches the public site by itself: a proposal holds the proposed values apart from the
school's sheet (`Proposal.changes`, the open days to add or remove, a photo), and only a "Rédaction" member's
decision applies them (proposals/decisions.py). These models are not directory content: they are not in
schools.editors.CONTENT_APPS, so saving them never invalidates the cached public pages.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.defaultfilters import date as format_date
from django.template.defaultfilters import time as format_time
from django.urls import reverse
from django.utils import timezone

from core.phones import display_phone
from proposals.enums import InvitationState, ProposalStatus
from schools import photos
from schools.models import School

# How long an invitation link works. Long enough for a small school to find a moment, short enough that an old
# mail forwarded around does not open the form for ever.
VALIDITY = timedelta(days=30)

# The facts a school may propose to change on its sheet, in the order of its form. Everything else (its
# description, trades, funding, sources…) needs a source and stays the staff's.
PROPOSED_FIELDS = [
    "phone",
    "email",
    "website",
    "street_address",
    "intake_places",
    "joins_during_year",
    "age_min",
    "age_max",
    "cost",
    "annual_fee_eur",
    "cost_details",
    "meals",
    "boarding",
    "transport",
    "lodging",
    "photo",
    "photo_alt",
]
# Kept in Proposal.changes as plain values; the photo, a file, has a field of its own.
VALUE_FIELDS = [name for name in PROPOSED_FIELDS if name != "photo"]


def field_label(name):
    """ "phone" → "Téléphone": the sheet's own name for the field, as staff read it in the admin."""
    return str(School._meta.get_field(name).verbose_name).capitalize()


def shown_value(name, value):
    """A proposed or current value as a person reads it: "02 31 00 00 00", "Oui", "(vide)"."""
    if value is None or value == "":
        return "(vide)"
    field = School._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name == "phone":
        return display_phone(value)
    if name == "annual_fee_eur":
        return f"{value} €"
    return str(value)


HOUR_FORMAT = "G\\hi"  # 9h30, 14h00


def open_day_text(date, start_time=None, end_time=None, details=""):
    """ "samedi 14 mars 2026, de 9h30 à 12h (sur rendez-vous)", as the school page writes it."""
    text = format_date(date, "l j F Y")
    if start_time:
        text += f", de {format_time(start_time, HOUR_FORMAT)}"
        if end_time:
            text += f" à {format_time(end_time, HOUR_FORMAT)}"
    if details:
        text += f" ({details})"
    return text


class InvitationQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def for_school_page(self, school):
        """A school's invitations as the admin lists them, with who made them and how many proposals each
        brought: one query."""
        return (
            self.filter(school=school)
            .select_related("created_by", "revoked_by")
            .annotate(proposal_count=models.Count("proposals"))
        )


class Invitation(models.Model):
    """The right, for whoever holds the link, to propose changes to one school's sheet for 30 days.

    The link carries the invitation's number and its school's, signed with the site's secret key
    (proposals/links.py): a link cannot be forged or pointed at another school. This row says whether it still
    works: it expires, and staff can revoke it."""

    school = models.ForeignKey(
        School, verbose_name="école", on_delete=models.CASCADE, related_name="invitations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    expires_at = models.DateTimeField("expire le", help_text="30 jours après sa création.")
    revoked_at = models.DateTimeField(
        "révoquée le", null=True, blank=True, help_text="Un lien révoqué n'ouvre plus le formulaire."
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="révoquée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_to = models.EmailField(
        "envoyée à", blank=True, help_text="La dernière adresse à laquelle le lien a été envoyé par courriel."
    )
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_by__isnull=True) | models.Q(revoked_at__isnull=False),
                name="invitation_revoker_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(sent_to="", sent_at__isnull=True)
                | (~models.Q(sent_to="") & models.Q(sent_at__isnull=False)),
                name="invitation_sent_to_and_when",
            ),
        ]

    def __str__(self):
        return f"Invitation n° {self.pk} : {self.school}"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.created_at + VALIDITY
        super().save(*args, **kwargs)

    def state(self, now=None):
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return InvitationState.EXPIRED
        return InvitationState.USABLE

    @property
    def is_usable(self):
        return self.state() == InvitationState.USABLE

    def link_path(self):
        """A freshly signed path to the form. Links are never stored: each call signs a new one, and all of
        them work while this row does (see proposals/links.py)."""
        from proposals.links import make_token

        return reverse("proposals:form", args=[make_token(self.pk, self.school_id)])

    def revoke(self, user):
        self.revoked_at, self.revoked_by = timezone.now(), user
        self.save(update_fields=["revoked_at", "revoked_by"])


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ProposalStatus.PENDING)

    def for_review(self):
        return self.select_related("school__commune", "decided_by", "invitation")


class Proposal(models.Model):
    """What a school proposed through its invitation link, waiting for the staff's decision.

    `changes` holds, for each field the school changed, the sheet's value when the school sent the form
    ("before") and the value it proposes ("after"): at decision time, a sheet changed meanwhile shows, and
    its field is not applied unless staff tick it."""

    school = models.ForeignKey(
        School, verbose_name="école", on_delete=models.CASCADE, related_name="proposals"
    )
    invitation = models.ForeignKey(
        Invitation,
        verbose_name="invitation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    submitted_at = models.DateTimeField("envoyée le", default=timezone.now)
    submitter_name = models.CharField("envoyée par", max_length=100, help_text="Nom donné par la personne.")
    submitter_role = models.CharField("fonction", max_length=100, help_text="Sa fonction à l'école.")
    submitter_email = models.EmailField(
        "courriel de la personne", blank=True, help_text="Reçoit la décision, avec le courriel de l'école."
    )
    note = models.TextField("message pour la Région", blank=True, max_length=1000)
    changes = models.JSONField(
        "informations modifiées",
        default=dict,
        blank=True,
        help_text="Pour chaque champ modifié : la valeur de la fiche à l'envoi (before) et la valeur "
        "proposée (after).",
    )
    open_days_added = models.JSONField(
        "journées à ajouter", default=list, blank=True, help_text="Date, heures et précisions de chacune."
    )
    open_days_removed = models.JSONField(
        "journées à retirer", default=list, blank=True, help_text="Numéro et date de chacune."
    )
    photo = models.FileField(
        "nouvelle photo",
        upload_to="proposals/",
        blank=True,
        help_text="Copie nettoyée de la photo envoyée, sous un nom tiré au hasard ; le fichier est effacé "
        "une fois la proposition décidée.",
    )
    status = models.CharField("état", max_length=20, choices=ProposalStatus, default=ProposalStatus.PENDING)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_message = models.TextField(
        "message à l'école", blank=True, help_text="Obligatoire pour un refus : il est envoyé à l'école."
    )
    applied = models.JSONField(
        "modifications appliquées", default=list, blank=True, help_text="Ce que l'équipe a accepté."
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "proposition"
        verbose_name_plural = "propositions"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values), name="proposal_status_known"
            ),
            # Decided once, and then dated: pending means no decision date, any other state one.
            models.CheckConstraint(
                condition=models.Q(status=ProposalStatus.PENDING, decided_at__isnull=True)
                | (~models.Q(status=ProposalStatus.PENDING) & models.Q(decided_at__isnull=False)),
                name="proposal_decided_iff_dated",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ProposalStatus.REJECTED) | ~models.Q(decision_message=""),
                name="proposal_refusal_has_message",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="proposal_status_idx")]

    def __str__(self):
        return f"Proposition n° {self.pk} : {self.school}"

    def keep_photo(self, upload):
        """Store a cleaned copy of the school's photo (upright, sRGB, no metadata: never the uploaded bytes,
        as schools/photos.py does), under a random name: media files are served to anyone who knows their
        name, and this one is not public until staff accept it."""
        image, format_name = photos.open_photo(upload)
        content = photos.encode(photos.in_srgb(image), format_name, **photos.ENCODER_OPTIONS[format_name])
        name = f"{secrets.token_urlsafe(18)}.{photos.FORMATS[format_name]}"
        self.photo.save(name, ContentFile(content), save=False)

    def delete_photo_file(self):
        """Once decided, the proposal's copy of the photo goes (an accepted photo was copied to the school's
        sheet); its name stays, to say that a photo was proposed."""
        if self.photo:
            photos.delete_photo_files_on_commit(self.photo.storage, self.photo.name, None, self._state.db)

    @property
    def is_pending(self):
        return self.status == ProposalStatus.PENDING

    def changed_labels(self):
        """What the school proposes to change, in words: ["Téléphone", "Journées portes ouvertes"…]."""
        labels = [
            field_label(name)
            for name in PROPOSED_FIELDS
            if name in self.changes or (name == "photo" and self.photo)
        ]
        if self.open_days_added or self.open_days_removed:
            labels.append("Journées portes ouvertes")
        return labels


@receiver(post_delete, sender=Proposal, dispatch_uid="proposals.delete_proposal_photo")
def delete_proposal_photo(sender, instance, using, **kwargs):
    if instance.photo:
        photos.delete_photo_files_on_commit(instance.photo.storage, instance.photo.name, None, using)
