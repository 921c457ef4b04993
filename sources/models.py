from django.db import models
from simple_history.models import HistoricalRecords


class SourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(models.Model):
    """A document behind the facts the site publishes: a web page, an article, an official text."""

    slug = models.SlugField("identifiant", max_length=80, unique=True)
    title = models.CharField("titre", max_length=250)
    publisher = models.CharField(
        "éditeur", max_length=200, blank=True, help_text="Qui publie : journal, administration, école…"
    )
    published_on = models.DateField("date de publication", null=True, blank=True)
    url = models.URLField(
        "adresse web",
        max_length=500,
        blank=True,
        help_text="Laisser vide si le document n'est pas en ligne ; le décrire alors dans la note.",
    )
    note = models.CharField(
        "note",
        max_length=300,
        blank=True,
        help_text="Précision utile au lecteur, par exemple la date de lecture.",
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "source"
        verbose_name_plural = "sources"
        ordering = ["title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class KeyFigureQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def for_display(self):
        return self.select_related("source")


class KeyFigure(models.Model):
    """A headline number shown on the home page, always with its year, scope and source."""

    slug = models.SlugField("identifiant", max_length=80, unique=True)
    value = models.CharField("valeur", max_length=30, help_text="Par exemple « 90 % ».")
    label = models.CharField("libellé", max_length=200, help_text="Ce que mesure le chiffre, en clair.")
    year = models.PositiveSmallIntegerField("année")
    scope = models.CharField(
        "périmètre", max_length=200, help_text="Sur qui porte le chiffre : une école, le réseau national…"
    )
    source = models.ForeignKey(
        Source, verbose_name="source", on_delete=models.PROTECT, related_name="key_figures"
    )
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    objects = KeyFigureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "chiffre clé"
        verbose_name_plural = "chiffres clés"
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1880, year__lte=2100), name="keyfigure_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.value} : {self.label} ({self.year})"

    def natural_key(self):
        return (self.slug,)
