from django.contrib import admin

from places.models import Commune


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    """The gazetteer comes from public data (build_gazetteer): staff look it up, they do not add to it."""

    list_display = ["name", "insee_code", "kind", "parent", "departement", "postcodes", "population"]
    list_filter = ["departement", "kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "search_name", "postcodes", "insee_code"]
    readonly_fields = ["insee_code", "kind", "parent", "search_name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
