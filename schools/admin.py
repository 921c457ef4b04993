from django.contrib import admin, messages
from django.db import models

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


class AtLeastOneInline(admin.TabularInline):
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


class SchoolProgrammeInline(admin.TabularInline):
    model = SchoolProgramme
    autocomplete_fields = ["programme"]
    extra = 0


class SchoolFundingInline(admin.TabularInline):
    model = SchoolFunding
    autocomplete_fields = ["funding_source", "source"]
    extra = 0


class OpenDayInline(admin.TabularInline):
    model = OpenDay
    extra = 0


class TestimonialLinkInline(admin.TabularInline):
    model = TestimonialLink
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class SchoolSourceInline(AtLeastOneInline):
    model = SchoolSource
    autocomplete_fields = ["source"]
    too_few_message = "Indiquez au moins une source."


def count_label(count, singular, plural):
    """French agreement: 0 and 1 take the singular."""
    return f"{count} {singular if count <= 1 else plural}"


@admin.register(School)
class SchoolAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    resource_classes = [SchoolResource]
    list_display = ["name", "commune", "departement", "status", "trade_names", "funding_count", "updated_at"]
    list_editable = ["status"]
    list_filter = ["status", "commune__departement", "trades", "cost", "boarding"]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]
    # Searching goes through School.objects.search() (see get_search_results): accents and case ignored.
    search_fields = ["name", "short_name", "commune"]
    search_help_text = "Nom, commune, métier ou formation ; les accents et majuscules sont ignorés."
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["updated_at"]
    # Links typed without "https://" get it, as Django 6 will do (and without its deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["publish", "unpublish"]
    inlines = [
        SchoolTradeInline,
        SchoolProgrammeInline,
        SchoolFundingInline,
        OpenDayInline,
        TestimonialLinkInline,
        SchoolSourceInline,
    ]
    fieldsets = [
        ("Identité", {"fields": ["name", "short_name", "slug", "managing_body", "status", "updated_at"]}),
        (
            "Lieu",
            {
                "fields": [
                    ("commune", "postcode"),
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
                    "class_size",
                    ("age_min", "age_max"),
                    "cost",
                    "annual_fee_eur",
                    "cost_details",
                    "source_notes",
                ]
            },
        ),
        ("Vie pratique", {"fields": ["weekly_hours", "meals", "boarding", "lodging", "transport"]}),
        ("Entrer à l'école", {"fields": ["intake_places", "joins_during_year", "intake_confirmed_on"]}),
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
        # The aggregate drops Meta.ordering (GROUP BY): order again, or autocomplete pages come unordered.
        return (
            super()
            .get_queryset(request)
            .annotate(funding_count=models.Count("fundings", distinct=True))
            .order_by("name")
            .prefetch_related("trades")
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return queryset.search(search_term), False

    def view_on_site(self, school):
        # A draft has no public page yet: no "Voir sur le site" button rather than a link to a 404.
        return school.get_absolute_url() if school.status == School.Status.PUBLISHED else None

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
class SchoolFundingAdmin(admin.ModelAdmin):
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
class TestimonialLinkAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "kind", "publisher", "published_on"]
    list_filter = ["kind", "school__commune__departement"]
    search_fields = ["title", "publisher", "url", "school__name"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(OpenDay)
class OpenDayAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    """Open days have their own list for spreadsheets; they are edited on the school's form too."""

    resource_classes = [OpenDayResource]
    list_display = ["school", "date", "start_time", "end_time", "details"]
    list_filter = ["school__commune__departement", "school"]
    search_fields = ["school__name", "details"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
    date_hierarchy = "date"
