"""The public's messages in the admin: the inbox of contact requests (per school, by status) and the error
reports. What the public wrote is read only; staff change the status, and marking one handled records who and
when. Requests and reports are never added here; deleting one is how a person's erasure request is met."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from contact.models import ContactRequest, ErrorReport
from outbox.enums import State


class HandledAdmin(admin.ModelAdmin):
    """What both inboxes share: the "mark handled" action, and the status as the only field staff change."""

    handled_status = None
    handled_labels = ("", "")
    actions = ["mark_handled"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [name for name in self.fields if name != "status"]

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            handled = obj.status == self.handled_status
            obj.handled_by = request.user if handled else None
            obj.handled_at = timezone.now() if handled else None
        super().save_model(request, obj, form, change)

    @admin.action(description="Marquer comme traité(e)s", permissions=["change"])
    def mark_handled(self, request, queryset):
        count = queryset.exclude(status=self.handled_status).update(
            status=self.handled_status, handled_by=request.user, handled_at=timezone.now()
        )
        singular, plural = self.handled_labels
        self.message_user(request, f"{count} {singular if count <= 1 else plural}.", messages.SUCCESS)


@admin.register(ContactRequest)
class ContactRequestAdmin(HandledAdmin):
    list_display = ["created_at", "school", "first_name", "age", "wish", "recipient", "status", "handled_by"]
    list_filter = ["status", ("school", admin.RelatedOnlyFieldListFilter), "wish", "recipient"]
    search_fields = ["first_name", "email", "school__name"]
    search_help_text = "Prénom, courriel ou nom de l'école."
    list_select_related = ["school", "handled_by"]
    handled_status = ContactRequest.Status.HANDLED
    handled_labels = ("demande marquée comme traitée", "demandes marquées comme traitées")
    fields = [
        "school",
        "created_at",
        "first_name",
        "phone_shown",
        "email",
        "age",
        "wish",
        "message",
        "recipient",
        "transmission_state",
        "transmitted_at",
        "status",
        "handled_by",
        "handled_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school", "handled_by", "transmission")

    @admin.display(description="téléphone")
    def phone_shown(self, contact_request):
        if not contact_request.phone:
            return "non donné"
        return format_html('<a href="tel:{}">{}</a>', contact_request.phone, contact_request.phone_display)

    @admin.display(description="courriel de transmission")
    def transmission_state(self, contact_request):
        message = contact_request.transmission
        if message is None:
            if contact_request.transmitted_at:
                return "envoyé, puis effacé de la file des courriels (30 jours après l'envoi)"
            return "aucun : pas d'adresse où l'envoyer (ni courriel de l'école, ni DJANGO_STAFF_EMAILS)"
        url = reverse("admin:outbox_message_change", args=[message.pk])
        state = message.get_state_display()
        if message.state == State.SENT:
            state = f"{state} le {timezone.localtime(message.sent_at):%d/%m/%Y à %H:%M}"
        return format_html('<a href="{}">{}</a> : {}', url, message, state)


@admin.register(ErrorReport)
class ErrorReportAdmin(HandledAdmin):
    list_display = ["created_at", "page_link", "summary", "status", "handled_by"]
    list_filter = ["status"]
    search_fields = ["page_label", "page_path", "description", "email"]
    search_help_text = "Page, texte du signalement ou courriel."
    list_select_related = ["handled_by"]
    handled_status = ErrorReport.Status.HANDLED
    handled_labels = ("signalement marqué comme traité", "signalements marqués comme traités")
    fields = ["page_link", "created_at", "description", "email", "status", "handled_by", "handled_at"]

    @admin.display(description="page", ordering="page_label")
    def page_link(self, report):
        return format_html('<a href="{}">{}</a>', report.page_path, report.page_label)

    @admin.display(description="ce qui ne va pas")
    def summary(self, report):
        text = report.description
        return text if len(text) <= 80 else f"{text[:79]}…"
