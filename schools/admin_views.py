"""Admin pages beyond one model: the site-wide journal of changes, and the restore of a deleted school."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.views import View

from core.admin import ACTIONS
from schools import history
from schools.models import School

JOURNAL_PAGE_SIZE = 50


class JournalFilterForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Personne",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Tout le monde",
    )
    kind = forms.ChoiceField(label="Type de contenu", required=False)
    since = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = get_user_model().objects.filter(is_staff=True).order_by("username")
        self.fields["kind"].choices = [("", "Tous")] + [
            (model._meta.label_lower, str(model._meta.verbose_name_plural).capitalize())
            for model in history.tracked_models()
        ]


def history_url(record):
    """The admin history page of the object a record is about, or of its school for a row without one."""
    model = record.instance_type
    for target, pk in [(model, record.id), (School, getattr(record, "school_id", None))]:
        if pk is None or not admin.site.is_registered(target):
            continue
        try:
            return reverse(f"admin:{target._meta.app_label}_{target._meta.model_name}_history", args=[pk])
        except NoReverseMatch:
            continue
    return None


def describe(record):
    """What a record is about, in words; an object since deleted is named from the record itself."""
    try:
        return str(record.history_object)
    except ObjectDoesNotExist:  # a link whose target is gone: the record still knows its own id
        return f"{record.instance_type._meta.verbose_name} n° {record.id}"


class JournalView(View):
    """Every change to the content, by anyone: newest first, filtered by person, kind and date."""

    def get(self, request):
        if not request.user.has_perm("schools.view_school"):
            raise PermissionDenied
        form = JournalFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        rows = history.journal(
            person=filters.get("person"),
            kind=filters.get("kind") or None,
            since=filters.get("since"),
            until=filters.get("until"),
        )
        page = Paginator(rows, JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
        records = history.records_for(list(page.object_list))
        restorable = history.restorable_school_deletions(records)
        entries = [
            {
                "record": record,
                "action": ACTIONS[record.history_type],
                "kind": record.instance_type._meta.verbose_name,
                "object": describe(record),
                "history_url": history_url(record),
                "restore_url": (
                    reverse("admin_restore_school", args=[record.history_id])
                    if record.history_id in restorable
                    else None
                ),
            }
            for record in records
        ]
        context = {
            **admin.site.each_context(request),
            "title": "Journal des modifications",
            "form": form,
            "page": page,
            "entries": entries,
        }
        return TemplateResponse(request, "admin/journal.html", context)


class RestoreSchoolView(View):
    """Confirm, then put back a deleted school with its trades, sources, fundings, open days and links."""

    def dispatch(self, request, history_id):
        if not request.user.has_perm("schools.add_school"):
            raise PermissionDenied
        self.record = get_object_or_404(School.history.model, history_id=history_id, history_type="-")
        return super().dispatch(request, history_id)

    def get(self, request, history_id):
        context = {
            **admin.site.each_context(request),
            "title": f"Restaurer « {self.record.name} »",
            "record": self.record,
            "linked": [describe(record) for record in history.linked_deletions(self.record)],
            "already_back": School._base_manager.filter(pk=self.record.id).exists(),
        }
        return TemplateResponse(request, "admin/restore_school.html", context)

    def post(self, request, history_id):
        try:
            school = history.restore_deleted_school(self.record, reason="Restaurée depuis le journal")
        except history.RestoreRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("admin_journal")
        messages.success(
            request, f"« {school} » est restaurée, avec ses liens. Elle garde son statut d'avant."
        )
        return redirect(reverse("admin:schools_school_change", args=[school.pk]))


def journal_urls():
    return [
        path("journal/", admin.site.admin_view(JournalView.as_view()), name="admin_journal"),
        path(
            "journal/restaurer/<int:history_id>/",
            admin.site.admin_view(RestoreSchoolView.as_view()),
            name="admin_restore_school",
        ),
    ]
