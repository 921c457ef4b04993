from django.db import models


class FundingKind(models.TextChoices):
    EU = "eu", "Union européenne"
    REGION = "region", "Région"
    STATE = "state", "État"
    COMPANY = "company", "Entreprise ou fondation"
    SALES = "sales", "Vente de la production"
    OTHER = "other", "Autre"
