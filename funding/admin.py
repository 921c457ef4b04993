from django.contrib import admin

from core.admin import ContentAdmin
from funding.models import FundingSource


@admin.register(FundingSource)
class FundingSourceAdmin(ContentAdmin):
    list_display = ["name", "kind", "shows_eu_emblem", "url", "school_count"]
    list_filter = ["kind", "shows_eu_emblem"]
    search_fields = ["name", "description", "slug"]
    autocomplete_fields = ["sources"]
    prepopulated_fields = {"slug": ["name"]}
    # Links typed without "https://" get it, as Django 6 will do (and without its deprecation warning).

    def get_queryset(self, request):
        return super().get_queryset(request).with_school_count()

    @admin.display(description="écoles publiées", ordering="school_count")
    def school_count(self, funding_source):
        return funding_source.school_count
