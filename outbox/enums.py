from django.db import models


class State(models.TextChoices):
    WAITING = "waiting", "en attente"
    SENT = "sent", "envoyé"
    FAILED = "failed", "échec, nouvel essai prévu"
    ABANDONED = "abandoned", "abandonné après trop d'échecs"
