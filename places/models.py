from django.db import models

from places.enums import Departement
from schools.search import unaccent


def normalize_place_name(text):
    """How people may type a commune: "Condé-en-Normandie" and "conde en normandie" give the same key."""
    return " ".join("".join(c if c.isalnum() else " " for c in unaccent(text).lower()).split())


class CommuneQuerySet(models.QuerySet):
    def get_by_natural_key(self, insee_code):
        return self.get(insee_code=insee_code)

    def named(self, text):
        return self.filter(search_name=normalize_place_name(text))

    def with_postcode(self, postcode):
        return self.filter(postcodes__contains=postcode)


class Commune(models.Model):
    """A commune of Normandy, from public administrative data (see `manage.py build_gazetteer`)."""

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
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

    def __str__(self):
        return f"{self.name} ({self.departement})"

    def natural_key(self):
        return (self.insee_code,)

    @property
    def label(self):
        """The commune as a person tells it apart from its namesakes: "Valognes (50700)"."""
        return f"{self.name} ({self.postcodes.split()[0]})" if self.postcodes else self.name
