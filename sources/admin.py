from django.contrib import admin

from core.admin import ContentAdmin
from sources.models import KeyFigure, Source


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ["title", "publisher", "published_on", "is_online"]
    list_filter = [("url", admin.EmptyFieldListFilter), "published_on"]
    search_fields = ["title", "publisher", "url", "note", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    # Links typed without "https://" get it, as Django 6 will do (and without its deprecation warning).

    @admin.display(description="en ligne", boolean=True, ordering="url")
    def is_online(self, source):
        return bool(source.url)


@admin.register(KeyFigure)
class KeyFigureAdmin(ContentAdmin):
    list_display = ["value", "label", "year", "scope", "source", "position"]
    list_editable = ["position"]
    list_filter = ["year"]
    search_fields = ["value", "label", "scope", "source__title"]
    list_select_related = ["source"]
    autocomplete_fields = ["source"]
    prepopulated_fields = {"slug": ["label"]}
