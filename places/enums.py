from django.db import models


class Departement(models.TextChoices):
    CALVADOS = "14", "Calvados"
    EURE = "27", "Eure"
    MANCHE = "50", "Manche"
    ORNE = "61", "Orne"
    SEINE_MARITIME = "76", "Seine-Maritime"
