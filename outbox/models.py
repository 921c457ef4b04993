"""The outbox: every message the site sends is stored here first, then sent (outbox/sending.py)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from outbox.enums import State


class MessageQuerySet(models.QuerySet):
    def due(self, now=None):
        """Messages to try now: waiting or failed, whose next try has come (oldest first)."""
        return self.filter(
            state__in=[State.WAITING, State.FAILED], next_attempt_at__lte=now or timezone.now()
        ).order_by("next_attempt_at", "pk")


class Message(models.Model):
    recipients = models.TextField("destinataires", help_text="Une adresse par ligne.")
    reply_to = models.EmailField(
        "répondre à", blank=True, help_text="L'adresse qui reçoit la réponse, si ce n'est pas l'expéditeur."
    )
    subject = models.CharField("objet", max_length=200, help_text="Sur une seule ligne.")
    body_text = models.TextField("texte", help_text="Le message en texte brut, lu par tous les logiciels.")
    body_html = models.TextField(
        "version HTML", blank=True, help_text="Le même message en HTML simple, sans image ni lien de suivi."
    )
    state = models.CharField(
        "état",
        max_length=16,
        choices=State,
        default=State.WAITING,
        help_text="Après trop d'échecs, un courriel est abandonné : l'action « Renvoyer » le remet en file.",
    )
    attempts = models.PositiveSmallIntegerField(
        "essais", default=0, help_text="Nombre d'essais d'envoi qui ont échoué depuis le dernier renvoi."
    )
    last_error = models.CharField(
        "dernière erreur", max_length=200, blank=True, help_text="Ce que le serveur de courriel a répondu."
    )
    created_at = models.DateTimeField("créé le", default=timezone.now, help_text="Mis en file d'attente le.")
    next_attempt_at = models.DateTimeField(
        "prochain essai", default=timezone.now, help_text="Pas d'essai avant cette date."
    )
    last_attempt_at = models.DateTimeField(
        "dernier essai", null=True, blank=True, help_text="Vide tant qu'aucun envoi n'a été tenté."
    )
    sent_at = models.DateTimeField(
        "envoyé le",
        null=True,
        blank=True,
        help_text="Remis au serveur de courriel, qui l'achemine. Supprimé 30 jours après.",
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        ordering = ["-created_at", "-pk"]
        permissions = [("resend_message", "Peut renvoyer un courriel")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_message_due")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="outbox_message_state_known"),
            models.CheckConstraint(
                condition=Q(state=State.SENT, sent_at__isnull=False)
                | (~Q(state=State.SENT) & Q(sent_at__isnull=True)),
                name="outbox_message_sent_iff_sent_at",
            ),
        ]

    def __str__(self):
        return f"Courriel n° {self.pk}"

    @property
    def recipient_list(self):
        return self.recipients.split("\n")
