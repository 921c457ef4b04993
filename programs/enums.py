from django.db import models


class TradeIcon(models.TextChoices):
    """Names of the inline SVG icons in templates/icons/."""

    CAR = "car", "Voiture"
    GEAR = "gear", "Engrenage"
    FLAME = "flame", "Flamme (soudure)"
    LEAF = "leaf", "Feuille (maraîchage)"
    PAN = "pan", "Casserole (cuisine)"
    SAW = "saw", "Scie (bois)"
    NEEDLE = "needle", "Aiguille (couture)"


class ProgrammeKind(models.TextChoices):
    CAP = "cap", "CAP"
    BAC_PRO = "bac_pro", "Bac pro"
    CQPM = "cqpm", "CQPM"
    OTHER = "other", "Autre"


class Level(models.IntegerChoices):
    LEVEL_3 = 3, "Niveau 3 (CAP)"
    LEVEL_4 = 4, "Niveau 4 (bac)"
