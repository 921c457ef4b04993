from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.counts import PublishedSchoolCount
from core.search import search_terms
from programs.enums import Level, ProgrammeKind, TradeIcon
from sources.models import Source


class LinkedToSchoolsQuerySet(models.QuerySet):
    """Trades and programmes alike: found by slug, listed with their number of published schools."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_school_count(self):
        """Each with `school_count`, its number of published schools (PublishedSchoolCount)."""
        schools = self.model._meta.get_field("schools")  # the reverse of School.trades or School.programmes
        school_count = PublishedSchoolCount(schools.through, schools.field.m2m_reverse_field_name())
        return self.annotate(school_count=school_count).order_by(*self.model._meta.ordering)


class Trade(models.Model):
    """A trade (métier) that a teenager can learn: the entry point of the site."""

    slug = models.SlugField("identifiant", max_length=80, unique=True)
    name = models.CharField("nom", max_length=100, unique=True)
    summary = models.CharField(
        "en une phrase",
        max_length=200,
        help_text="Une phrase simple qu'un jeune de 15 ans comprend : ce qu'on fait dans ce métier.",
    )
    icon = models.CharField("icône", max_length=20, choices=TradeIcon)

    objects = LinkedToSchoolsQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "métier"
        verbose_name_plural = "métiers"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:trade_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class ProgrammeQuerySet(LinkedToSchoolsQuerySet):
    def for_detail(self):
        return self.prefetch_related("trades", "next_programmes", "sources")


class Programme(models.Model):
    """A diploma or qualification prepared in a school (CAP, bac pro, CQPM…)."""

    slug = models.SlugField("identifiant", max_length=120, unique=True)
    title = models.CharField(
        "intitulé officiel", max_length=200, unique=True, help_text="Par exemple « CAP Primeur »."
    )
    kind = models.CharField("type", max_length=20, choices=ProgrammeKind)
    level = models.PositiveSmallIntegerField(
        "niveau",
        choices=Level,
        null=True,
        blank=True,
        help_text="Niveau du cadre national des certifications.",
    )
    duration_years = models.PositiveSmallIntegerField("durée (années)", null=True, blank=True)
    rncp_code = models.CharField(
        "code RNCP",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^RNCP\d{1,6}$", "Le code RNCP s'écrit « RNCP » suivi de chiffres.")],
        help_text="Seulement s'il est confirmé par une source, sinon laisser vide.",
    )
    trades = models.ManyToManyField(Trade, verbose_name="métiers", related_name="programmes")
    description = models.TextField("description", help_text="En français simple, avec vos propres mots.")
    next_programmes = models.ManyToManyField(
        "self",
        verbose_name="formations possibles ensuite",
        symmetrical=False,
        related_name="previous_programmes",
        blank=True,
    )
    source_notes = models.TextField(
        "points où les sources divergent",
        blank=True,
        help_text="Dire ce que chaque source affirme, sans trancher quand on ne sait pas.",
    )
    sources = models.ManyToManyField(Source, verbose_name="sources", related_name="programmes")

    objects = ProgrammeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "formation"
        verbose_name_plural = "formations"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_years__isnull=True) | models.Q(duration_years__range=(1, 5)),
                name="programme_duration_plausible",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:programme_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class TradeKeywordQuerySet(models.QuerySet):
    def get_by_natural_key(self, word):
        return self.get(word=word)

    def find_in(self, terms):
        """The keywords whose words appear, in order, among the search terms: [(trade ids, keyword words)]."""
        found = {}
        typed = f" {' '.join(terms)} "
        for word, trade_id in self.values_list("word", "trade_id"):
            words = search_terms(word)
            if words and f" {' '.join(words)} " in typed:
                found.setdefault(tuple(words), set()).add(trade_id)
        return [(trade_ids, list(words)) for words, trade_ids in found.items()]


class TradeKeyword(models.Model):
    """An everyday word for a trade ("mécano", "resto", "fruits et légumes") that the search understands."""

    trade = models.ForeignKey(Trade, verbose_name="métier", on_delete=models.CASCADE, related_name="keywords")
    word = models.CharField(
        "mot courant",
        max_length=60,
        unique=True,
        help_text="Un mot ou une expression que les jeunes tapent pour ce métier. Il mène aux écoles de ce "
        "métier : n'ajoutez un mot que si une source dit que ces écoles l'enseignent "
        "(« carrosserie » ne mène pas à un CAP d'entretien des voitures).",
    )

    objects = TradeKeywordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "mot courant pour un métier"
        verbose_name_plural = "mots courants pour les métiers"
        ordering = ["word"]

    def __str__(self):
        return self.word

    def natural_key(self):
        return (self.word,)
