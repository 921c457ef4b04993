from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"


class CoordinatesPrecision(models.TextChoices):
    COMMUNE = "commune", "Centre de la commune"
    VILLAGE = "village", "Centre du village où se trouve l'école"
    BUILDING = "building", "Bâtiment de l'école"


class Cost(models.TextChoices):
    FREE = "free", "Formation gratuite"
    FEE = "fee", "Payant"
    UNKNOWN = "unknown", "Non communiqué"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Oui"
    NO = "no", "Non"
    UNKNOWN = "unknown", "Non communiqué"


class LinkKind(models.TextChoices):
    PUBLICATION = "publication", "Publication"
    VIDEO = "video", "Vidéo"
    PRESS = "press", "Article de presse"


class AmountBasis(models.TextChoices):
    PER_PUPIL_PER_YEAR = "per_pupil_per_year", "par élève et par an"
    PER_YEAR = "per_year", "par an"
    TOTAL = "total", "au total"
