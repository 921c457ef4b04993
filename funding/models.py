from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.counts import PublishedSchoolCount
from funding.enums import FundingKind
from sources.models import Source


class FundingSourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_school_count(self):
        """Each with `school_count`, its number of published schools (one funding per school and funder)."""
        fundings = self.model._meta.get_field("fundings")  # the reverse of SchoolFunding.funding_source
        school_count = PublishedSchoolCount(fundings.related_model, fundings.field.name)
        return self.annotate(school_count=school_count).order_by(*self.model._meta.ordering)


class FundingSource(models.Model):
    """Who pays: the European Union, the Région, the State, companies, or the sale of what pupils make."""

    slug = models.SlugField("identifiant", max_length=80, unique=True)
    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=FundingKind)
    description = models.TextField(
        "description", help_text="Ce que ce financeur apporte, avec vos propres mots."
    )
    url = models.URLField("site web", max_length=500, blank=True)
    shows_eu_emblem = models.BooleanField(
        "afficher l'emblème de l'UE",
        default=False,
        help_text="Fonds européen : la fiche des écoles financées montre l'emblème de l'UE et la mention "
        "« Cofinancé par l'Union européenne », comme l'exige l'Union.",
    )
    sources = models.ManyToManyField(Source, verbose_name="sources", related_name="funding_sources")

    objects = FundingSourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "financeur"
        verbose_name_plural = "financeurs"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funding:funding_source_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)
