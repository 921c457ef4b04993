from django.db import models

from core.search import unaccent
from places.enums import CommuneKind, Departement

ABBREVIATIONS = {"st": "saint", "ste": "sainte"}  # "St-Lô", "Ste-Mère-Église"


def normalize_place_name(text):
    """How people may type a commune: "Condé-en-Normandie", "conde en normandie" and "St-Lô", "saint lo" give
    the same key."""
    words = "".join(c if c.isalnum() else " " for c in unaccent(text).lower()).split()
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


class CommuneQuerySet(models.QuerySet):
    def get_by_natural_key(self, insee_code, kind=CommuneKind.COMMUNE):
        """A commune by its INSEE code; a former commune by its code and kind (it may share the code of the
        commune nouvelle it belongs to, as Cherbourg-Octeville shares 50129 with Cherbourg-en-Cotentin)."""
        return self.get(insee_code=insee_code, kind=kind)

    def current(self):
        return self.filter(kind=CommuneKind.COMMUNE)

    def named(self, text):
        return self.filter(search_name=normalize_place_name(text))

    def with_postcode(self, postcode):
        return self.filter(postcodes__contains=postcode)


class Commune(models.Model):
    """A commune of Normandy, from public administrative data (see `manage.py build_gazetteer`)."""

    insee_code = models.CharField("code INSEE", max_length=5)
    kind = models.CharField(
        "type",
        max_length=4,
        choices=CommuneKind,
        default=CommuneKind.COMMUNE,
        help_text="Commune déléguée ou associée : une ancienne commune, rattachée à une commune actuelle.",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="commune actuelle",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="former_communes",
        help_text="Pour une ancienne commune : la commune dont elle fait maintenant partie.",
    )
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField(
        "nom pour la recherche",
        max_length=100,
        db_index=True,
        help_text="Le nom sans accents ni tirets, en minuscules : calculé par build_gazetteer.",
    )
    departement = models.CharField("département", max_length=2, choices=Departement, db_index=True)
    postcodes = models.CharField(
        "codes postaux", max_length=100, help_text="Les codes postaux de la commune, séparés par des espaces."
    )
    latitude = models.DecimalField("latitude de la mairie", max_digits=8, decimal_places=5)
    longitude = models.DecimalField("longitude de la mairie", max_digits=8, decimal_places=5)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name", "insee_code"]
        constraints = [
            models.UniqueConstraint(fields=["insee_code", "kind"], name="commune_insee_code_unique_per_kind"),
            models.CheckConstraint(
                condition=models.Q(kind=CommuneKind.COMMUNE, parent__isnull=True)
                | (~models.Q(kind=CommuneKind.COMMUNE) & models.Q(parent__isnull=False)),
                name="commune_former_ones_have_a_parent",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.departement})"

    def natural_key(self):
        if self.kind == CommuneKind.COMMUNE:
            return (self.insee_code,)
        return (self.insee_code, self.kind)

    @property
    def full_name(self):
        """A former commune with the commune it belongs to: "Tourlaville, Cherbourg-en-Cotentin"."""
        return f"{self.name}, {self.parent.name}" if self.parent_id else self.name

    @property
    def label(self):
        """The commune as a person tells it apart from its namesakes: "Valognes (50700)"."""
        return f"{self.name} ({self.postcodes.split()[0]})" if self.postcodes else self.name
