from django.db import models


class Departement(models.TextChoices):
    CALVADOS = "14", "Calvados"
    EURE = "27", "Eure"
    MANCHE = "50", "Manche"
    ORNE = "61", "Orne"
    SEINE_MARITIME = "76", "Seine-Maritime"


class CommuneKind(models.TextChoices):
    """INSEE's kinds of commune: a full commune, or a former one kept inside a commune nouvelle."""

    COMMUNE = "COM", "commune"
    DELEGATED = "COMD", "commune déléguée"
    ASSOCIATED = "COMA", "commune associée"
