from django.contrib import admin, messages
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core.admin import CLEAN_INPUT, ContentAdmin, ContentInline
from schools import completeness
from schools.models import (
    OpenDay,
    School,
    SchoolFunding,
    SchoolProgramme,
    SchoolSource,
    SchoolTrade,
    TestimonialLink,
)
from schools.resources import OpenDayResource, SchoolResource, SpreadsheetAdminMixin


class AtLeastOneInline(ContentInline):
    """An inline for a required many-to-many link: the school form is refused while the list is empty."""

    min_num = 1
    extra = 0
    too_few_message = "Indiquez au moins un élément."

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, validate_min=True, **kwargs)
        formset.default_error_messages = {"too_few_forms": self.too_few_message}
        return formset


class SchoolTradeInline(AtLeastOneInline):
    model = SchoolTrade
    autocomplete_fields = ["trade"]
    too_few_message = "Indiquez au moins un métier."


class SchoolProgrammeInline(ContentInline):
    model = SchoolProgramme
    autocomplete_fields = ["programme"]
    extra = 0


class SchoolFundingInline(admin.StackedInline):
    """Stacked: its seven fields side by side made the form 1,734 px wide."""

    model = SchoolFunding
    formfield_overrides = CLEAN_INPUT
    autocomplete_fields = ["funding_source", "source"]
    extra = 0


class OpenDayInline(ContentInline):
    model = OpenDay
    extra = 0


class TestimonialLinkInline(admin.StackedInline):
    """Stacked, like the fundings: title, address, kind, publisher and date side by side overflowed."""

    model = TestimonialLink
    extra = 0
    formfield_overrides = CLEAN_INPUT


class SchoolSourceInline(AtLeastOneInline):
    model = SchoolSource
    autocomplete_fields = ["source"]
    too_few_message = "Indiquez au moins une source."


def count_label(count, singular, plural):
    """French agreement: 0 and 1 take the singular."""
    return f"{count} {singular if count <= 1 else plural}"


class MissingItemFilter(admin.SimpleListFilter):
    title = "il manque"
    parameter_name = "manque"
    ANY = "quelque-chose"

    def lookups(self, request, model_admin):
        return [(self.ANY, "au moins un élément")] + [(item.key, item.label) for item in completeness.items()]

    def queryset(self, request, queryset):
        if self.value() == self.ANY:
            return completeness.incomplete(queryset)
        item = completeness.item(self.value())
        return queryset.filter(item.missing) if item else queryset


class VerificationFilter(admin.SimpleListFilter):
    title = "vérification"
    parameter_name = "verifiee"
    STALE, NEVER = "plus-de-6-mois", "jamais"

    def lookups(self, request, model_admin):
        return [(self.STALE, "il y a plus de 6 mois, ou jamais"), (self.NEVER, "jamais")]

    def queryset(self, request, queryset):
        if self.value() == self.STALE:
            return completeness.stale(queryset)
        if self.value() == self.NEVER:
            return queryset.filter(verified_on__isnull=True)
        return queryset


@admin.register(School)
class SchoolAdmin(SpreadsheetAdminMixin, ContentAdmin):
    resource_classes = [SchoolResource]
    list_display = [
        "name",
        "commune",
        "status",
        "gaps",
        "verified",
        "departement",
        "trade_names",
        "funding_count",
    ]
    list_editable = ["status"]
    list_filter = [
        "status",
        MissingItemFilter,
        VerificationFilter,
        "commune__departement",
        "trades",
        "cost",
        "boarding",
    ]
    # The stalest sheets first: never verified, then the oldest verification.
    ordering = [models.F("verified_on").asc(nulls_first=True), "name"]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]
    # Searching goes through School.objects.search() (see get_search_results): accents and case ignored.
    search_fields = ["name", "short_name", "commune"]
    search_help_text = "Nom, commune, métier ou formation ; les accents et majuscules sont ignorés."
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["updated_at", "verification"]
    actions = ["publish", "unpublish", "mark_verified"]
    inlines = [
        SchoolTradeInline,
        SchoolProgrammeInline,
        SchoolFundingInline,
        OpenDayInline,
        TestimonialLinkInline,
        SchoolSourceInline,
    ]
    fieldsets = [
        (
            "Identité",
            {
                "fields": [
                    "name",
                    "short_name",
                    "slug",
                    "managing_body",
                    "status",
                    "updated_at",
                    "verification",
                ]
            },
        ),
        (
            "Lieu",
            {
                "fields": [
                    ("commune", "postcode"),
                    "location_caveat",
                    "street_address",
                    ("latitude", "longitude"),
                    "coordinates_precision",
                ]
            },
        ),
        (
            "L'école",
            {
                "fields": [
                    "opened_year",
                    "description",
                    "pedagogy",
                    "workshop_share",
                    ("class_size", "class_size_is_target"),
                    ("age_min", "age_max"),
                    "cost",
                    "annual_fee_eur",
                    "cost_details",
                    "programme_caveat",
                    "source_notes",
                ]
            },
        ),
        ("Vie pratique", {"fields": ["weekly_hours", "meals", "boarding", "lodging", "transport"]}),
        (
            "Entrer à l'école",
            {"fields": ["admission", "intake_places", "joins_during_year", "intake_confirmed_on"]},
        ),
        ("Contact", {"fields": ["website", "email", "phone", "photo", "photo_alt"]}),
        (
            "Liens",
            {
                "fields": [],
                "description": (
                    "Les métiers, formations, financements, témoignages et sources de l'école "
                    "se renseignent dans les tableaux ci-dessous."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        # Counted by a subquery, not Count("fundings"): grouping every school's row by all its columns took
        # 0.5 s at 10,000 schools, and each count of the list (pages, filters) grouped them all again.
        fundings = SchoolFunding.objects.filter(school=models.OuterRef("pk")).order_by().values("school")
        funding_count = fundings.annotate(count=models.Count("*")).values("count")
        schools = (
            super()
            .get_queryset(request)
            .annotate(funding_count=Coalesce(models.Subquery(funding_count), 0))
            .prefetch_related("trades")
        )
        return completeness.with_gaps(schools)

    def save_model(self, request, school, form, change):
        if "_verify" in request.POST:
            self.verify(request, school)
            if change and not form.has_changed():  # only the verification: the content's date stays
                school.save(update_fields=["verified_on", "verified_by"])
                return
        super().save_model(request, school, form, change)
        if school.website.startswith("http://"):
            self.message_user(
                request,
                f"Le site {school.website} n'est pas sécurisé (http) : s'il existe en https, "
                "préférez cette adresse.",
                messages.WARNING,
            )

    def verify(self, request, school):
        school.verified_on = timezone.localdate()
        school.verified_by = request.user
        school._change_reason = "Fiche marquée comme vérifiée"

    def response_change(self, request, school):
        if "_verify" in request.POST:
            self.message_user(
                request, f"« {school} » est marquée comme vérifiée aujourd'hui.", messages.SUCCESS
            )
        return super().response_change(request, school)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["contact_requests"] = self.contact_requests_link(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def contact_requests_link(self, request, school):
        """The families' requests to this school (app contact), counted in one query: (url, label) or None."""
        if school is None or not request.user.has_perm("contact.view_contactrequest"):
            return None
        counts = school.contact_requests.inbox_summary()
        url = reverse("admin:contact_contactrequest_changelist")
        new = count_label(counts["new"], "nouvelle", "nouvelles") if counts["new"] else "aucune nouvelle"
        return f"{url}?school__id__exact={school.pk}", f"Demandes de contact ({new} sur {counts['total']})"

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return queryset.search(search_term), False

    def view_on_site(self, school):
        # A draft opens at its real address too, for staff only, under a "Brouillon" banner.
        return school.get_absolute_url()

    @admin.display(description="il manque")
    def gaps(self, school):
        return ", ".join(completeness.missing_labels(school)) or "rien"

    @admin.display(description="vérifiée", ordering=models.F("verified_on").asc(nulls_first=True))
    def verified(self, school):
        if school.verified_on is None:
            return "jamais"
        days = (timezone.localdate() - school.verified_on).days
        if days == 0:
            return "aujourd'hui"
        return f"il y a {count_label(days, 'jour', 'jours')}"

    @admin.display(description="vérification")
    def verification(self, school):
        if school.verified_on is None:
            return "Jamais vérifiée par la Région."
        by = f" par {school.verified_by.get_full_name() or school.verified_by}" if school.verified_by else ""
        return f"Vérifiée le {school.verified_on:%d/%m/%Y}{by}."

    @admin.display(description="département", ordering="commune__departement")
    def departement(self, school):
        return school.commune.get_departement_display()

    @admin.display(description="métiers")
    def trade_names(self, school):
        return ", ".join(trade.name for trade in school.trades.all())

    @admin.display(description="financements", ordering="funding_count")
    def funding_count(self, school):
        return school.funding_count

    @admin.action(description="Publier les écoles sélectionnées", permissions=["change"])
    def publish(self, request, queryset):
        self.set_status(request, queryset, School.Status.PUBLISHED, ("école publiée", "écoles publiées"))

    @admin.action(description="Repasser en brouillon", permissions=["change"])
    def unpublish(self, request, queryset):
        self.set_status(
            request,
            queryset,
            School.Status.DRAFT,
            ("école repassée en brouillon", "écoles repassées en brouillon"),
        )

    @admin.action(description="Marquer comme vérifiées", permissions=["change"])
    def mark_verified(self, request, queryset):
        schools = list(queryset)
        for school in schools:
            self.verify(request, school)
            school.save(update_fields=["verified_on", "verified_by"])
        labels = ("école marquée comme vérifiée", "écoles marquées comme vérifiées")
        self.message_user(request, f"{count_label(len(schools), *labels)} aujourd'hui.", messages.SUCCESS)

    def set_status(self, request, queryset, status, labels):
        schools = list(queryset.exclude(status=status))
        for school in schools:
            school.status = status
            # save(), not bulk_update(): its signals invalidate the cached public pages.
            school.save(update_fields=["status", "updated_at"])
            self.log_change(request, school, [{"changed": {"fields": ["Statut"]}}])
        if schools:
            self.message_user(request, f"{count_label(len(schools), *labels)}.", messages.SUCCESS)
        else:
            self.message_user(
                request, "Aucune école à changer : elles avaient déjà ce statut.", messages.WARNING
            )


@admin.register(SchoolFunding)
class SchoolFundingAdmin(ContentAdmin):
    list_display = ["school", "funding_source", "period", "amount", "source"]
    list_filter = ["funding_source__kind", "funding_source", "school__commune__departement"]
    search_fields = ["school__name", "school__commune__name", "funding_source__name", "details"]
    list_select_related = ["school", "funding_source", "source"]
    autocomplete_fields = ["school", "funding_source", "source"]

    @admin.display(description="période", ordering="start_year")
    def period(self, funding):
        return funding.period_label

    @admin.display(description="montant", ordering="amount_eur")
    def amount(self, funding):
        if funding.amount_eur is None:
            return None
        return f"{funding.amount_eur:,} € {funding.get_amount_basis_display()}".replace(",", "\u202f")


@admin.register(TestimonialLink)
class TestimonialLinkAdmin(ContentAdmin):
    list_display = ["title", "school", "kind", "publisher", "published_on"]
    list_filter = ["kind", "school__commune__departement"]
    search_fields = ["title", "publisher", "url", "school__name"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]


@admin.register(OpenDay)
class OpenDayAdmin(SpreadsheetAdminMixin, ContentAdmin):
    """Open days have their own list for spreadsheets; they are edited on the school's form too."""

    resource_classes = [OpenDayResource]
    list_display = ["school", "date", "start_time", "end_time", "details"]
    list_filter = ["school__commune__departement", "school"]
    search_fields = ["school__name", "details"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
    date_hierarchy = "date"
