from django.db import models


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "en attente"
    ACCEPTED = "accepted", "acceptée"
    PARTLY_ACCEPTED = "partly_accepted", "acceptée en partie"
    REJECTED = "rejected", "refusée"


class InvitationState(models.TextChoices):
    """Computed from the invitation's dates, never stored."""

    USABLE = "usable", "valable"
    EXPIRED = "expired", "expirée"
    REVOKED = "revoked", "révoquée"
