from django.contrib import admin

from core.admin import ContentAdmin, ContentInline
from programs.models import Programme, Trade, TradeKeyword


class TradeKeywordInline(ContentInline):
    model = TradeKeyword
    extra = 1


@admin.register(Trade)
class TradeAdmin(ContentAdmin):
    list_display = ["name", "summary", "icon", "school_count"]
    list_filter = ["icon"]
    search_fields = ["name", "summary", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TradeKeywordInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_school_count()

    @admin.display(description="écoles publiées", ordering="school_count")
    def school_count(self, trade):
        return trade.school_count


@admin.register(Programme)
class ProgrammeAdmin(ContentAdmin):
    list_display = ["title", "kind", "level", "duration_years", "rncp_code", "school_count"]
    list_filter = ["kind", "level", "trades"]
    search_fields = ["title", "rncp_code", "slug"]
    autocomplete_fields = ["trades", "next_programmes", "sources"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_school_count()

    @admin.display(description="écoles publiées", ordering="school_count")
    def school_count(self, programme):
        return programme.school_count
