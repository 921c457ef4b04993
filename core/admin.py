"""What every content admin shares: clean input, and a history with old and new values and a restore."""

from django.contrib import admin
from django.db import models
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from core.forms import MultilineTextField

# django-simple-history's record types, as the staff read them.
ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}

CLEAN_INPUT = {
    models.TextField: {"form_class": MultilineTextField},
    # Links typed without "https://" get it, as Django 6 will do (and without its deprecation warning).
    models.URLField: {"assume_scheme": "https"},
}


class ContentAdmin(SimpleHistoryAdmin):
    """A content model's admin (django-simple-history): each change recorded with who, when, and the old and
    new value of each field; any version restored from its history page, the restore itself recorded.

    A form saved with no change saves nothing: no history entry, no new date, no cache bump."""

    formfield_overrides = CLEAN_INPUT
    object_history_template = "admin/history.html"
    object_history_list_template = "admin/history_list.html"
    object_history_form_template = "admin/history_form.html"

    def save_model(self, request, obj, form, change):
        restored = getattr(obj, "_history", None) if self.is_restore(request) else None
        if restored is not None:
            when = timezone.localtime(restored.history_date)
            obj._change_reason = f"Version du {when:%d/%m/%Y à %H:%M} rétablie"
        elif change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            record.action = ACTIONS[record.history_type]
            record.is_restorable = record.history_type != "-"

    @staticmethod
    def is_restore(request):
        """The request confirms a restore, on django-simple-history's page of a past version."""
        match = request.resolver_match
        return bool(match and match.url_name and match.url_name.endswith("_simple_history"))

    def log_change(self, request, obj, message):
        if message or self.is_restore(request):  # an empty message means the form changed nothing
            super().log_change(request, obj, message or [{"changed": {"fields": ["version rétablie"]}}])


class ContentInline(admin.TabularInline):
    formfield_overrides = CLEAN_INPUT
