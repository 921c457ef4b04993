"""The outbox, read only: staff see whether a message left, and may "renvoyer" one that did not."""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.utils.html import format_html_join

from outbox.models import Message
from outbox.sending import resend


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "subject", "recipient_count", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "created_at"]
    search_fields = ["subject", "recipients"]
    list_select_related = []  # no relation: one query for the page, one for the count
    date_hierarchy = "created_at"
    actions = ["resend_messages"]
    fields = [
        "state",
        "recipients_shown",
        "reply_to",
        "subject",
        "body_text",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description="destinataires")
    def recipient_count(self, message):
        return len(message.recipient_list)

    @admin.display(description="destinataires")
    def recipients_shown(self, message):
        return format_html_join("", "{}<br>", ((address,) for address in message.recipient_list))

    @admin.action(description="Renvoyer les courriels sélectionnés", permissions=["resend"])
    def resend_messages(self, request, queryset):
        count = resend(queryset)
        skipped = queryset.count() - count
        self.message_user(request, f"{count} courriel(s) remis en file d'attente : envoi dans la minute.")
        if skipped:
            self.message_user(
                request, f"{skipped} courriel(s) déjà envoyé(s) : non renvoyé(s).", messages.WARNING
            )

    def has_resend_permission(self, request):
        codename = get_permission_codename("resend", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
