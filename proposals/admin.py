"""Invitations and proposals in the admin, for the "Rédaction" group and superusers (schools/editors.py gives
the group this app's permissions).

- A school's invitations live on one page, reached from the school's form ("Inviter l'école"): create a link
  (shown once, to copy), mail it to the school's address or another, revoke it. The list of every invitation
  opens that page for each one.
- A proposal's page is the review (proposals/decisions.py): each change beside the sheet's value now, a box
  per change, "Accepter la sélection" or "Refuser" with a message to the school.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from proposals.decisions import (
    AlreadyDecided,
    DecisionRefused,
    accept,
    decider_name,
    history_reason,
    reject,
    review_items,
)
from proposals.enums import InvitationState, ProposalStatus
from proposals.mail import send_invitation
from proposals.models import Invitation, Proposal
from schools.models import School


class InvitationStateFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return InvitationState.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == InvitationState.USABLE:
            return queryset.usable(now)
        if self.value() == InvitationState.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == InvitationState.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class SendForm(forms.Form):
    address = forms.EmailField(label="Adresse", max_length=254)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["school", "created_at", "created_by", "expires_at", "state", "sent_to", "proposal_count"]
    list_filter = [InvitationStateFilter, "school__commune__departement"]
    search_fields = ["school__name", "sent_to"]
    search_help_text = "Nom de l'école ou adresse à laquelle le lien a été envoyé."
    list_select_related = ["school", "created_by"]
    actions = ["revoke_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(proposal_count=models.Count("proposals"))

    def has_add_permission(self, request):
        return False  # an invitation is made for one school, from that school's page

    def get_urls(self):
        return [
            path(
                "ecole/<int:school_id>/",
                self.admin_site.admin_view(self.school_view),
                name="proposals_invitation_school",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An invitation is seen, sent and revoked on its school's page."""
        invitation = self.get_object(request, unquote(object_id))
        if invitation is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return redirect("admin:proposals_invitation_school", invitation.school_id)

    @admin.display(description="état")
    def state(self, invitation):
        return invitation.state().label

    @admin.display(description="propositions", ordering="proposal_count")
    def proposal_count(self, invitation):
        return invitation.proposal_count

    @admin.action(description="Révoquer les invitations sélectionnées", permissions=["change"])
    def revoke_selected(self, request, queryset):
        invitations = list(queryset.filter(revoked_at__isnull=True))
        for invitation in invitations:
            invitation.revoke(request.user)
            self.log_change(request, invitation, "Révoquée")
        self.message_user(request, f"{len(invitations)} invitation(s) révoquée(s).", messages.SUCCESS)

    def school_view(self, request, school_id):
        school = get_object_or_404(School.objects.select_related("commune"), pk=school_id)
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        can_create = request.user.has_perm(f"{self.opts.app_label}.add_invitation")
        can_change = self.has_change_permission(request)
        if request.method == "POST":
            self.act_on_school_page(request, school, can_create, can_change)
            return redirect("admin:proposals_invitation_school", school.pk)
        invitations = list(Invitation.objects.for_school_page(school))
        now = timezone.now()
        for invitation in invitations:
            invitation.current_state = invitation.state(now)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Inviter « {school.name} » à mettre à jour sa fiche",
            "opts": self.opts,
            "school_opts": School._meta,
            "school": school,
            "invitations": invitations,
            "usable": InvitationState.USABLE,
            "can_create": can_create,
            "can_change": can_change,
            "send_form": SendForm(initial={"address": school.email}, auto_id="id_create_%s"),
            "proposal_list_url": reverse("admin:proposals_proposal_changelist")
            + f"?school__id__exact={school.pk}",
        }
        return TemplateResponse(request, "admin/proposals/invitation/school.html", context)

    def act_on_school_page(self, request, school, can_create, can_change):
        action = request.POST.get("action")
        if action in ("create", "create_and_send"):
            if not can_create:
                raise PermissionDenied
            self.create(request, school, send=action == "create_and_send")
            return
        if not can_change:
            raise PermissionDenied
        invitation = get_object_or_404(Invitation, pk=request.POST.get("invitation"), school=school)
        if action == "revoke" and invitation.revoked_at is None:
            invitation.revoke(request.user)
            self.log_change(request, invitation, "Révoquée")
            self.message_user(request, "L'invitation est révoquée : son lien n'ouvre plus le formulaire.")
        elif action == "send" and invitation.is_usable:
            address = self.address_to_send_to(request)
            if address is not None:
                self.send(request, invitation, address)
        else:
            self.message_user(request, "Cette invitation n'est plus valable.", messages.WARNING)

    def create(self, request, school, send):
        address = self.address_to_send_to(request) if send else None
        if send and address is None:
            return
        with transaction.atomic():
            invitation = Invitation.objects.create(school=school, created_by=request.user)
            self.log_addition(request, invitation, "Créée")
            link = request.build_absolute_uri(invitation.link_path())
            if send:
                self.send(request, invitation, address, link)
        self.message_user(
            request,
            format_html(
                "Lien d'invitation créé, valable jusqu'au {} :<br>"
                '<code class="invitation-link">{}</code><br>'
                "Copiez-le maintenant si vous voulez l'envoyer vous-même : il ne sera plus affiché.",
                f"{timezone.localtime(invitation.expires_at):%d/%m/%Y}",
                link,
            ),
            messages.SUCCESS,
        )

    def address_to_send_to(self, request):
        """The address typed (the school's own by default), or None, said in a message, if it is not one."""
        form = SendForm(request.POST)
        if form.is_valid():
            return form.cleaned_data["address"]
        errors = " ".join(form.errors.get("address", []))
        self.message_user(request, f"Le lien n'est pas envoyé : {errors}", messages.ERROR)
        return None

    def send(self, request, invitation, address, link=None):
        link = link or request.build_absolute_uri(invitation.link_path())
        send_invitation(invitation, address, link, request.user)
        self.log_change(request, invitation, f"Lien envoyé à {address}")
        self.message_user(request, f"Le lien est envoyé à {address}.", messages.SUCCESS)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["school", "submitted_at", "submitter", "changed", "status", "decided_by", "decided_at"]
    list_filter = ["status", "school__commune__departement", "submitted_at"]
    search_fields = ["school__name", "submitter_name", "submitter_email"]
    search_help_text = "Nom de l'école, nom ou courriel de la personne qui a envoyé la proposition."
    list_select_related = ["school", "decided_by"]
    date_hierarchy = "submitted_at"

    def has_add_permission(self, request):
        return False  # proposals come from the schools' form only

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school__commune", "decided_by", "invitation")

    @admin.display(description="envoyée par")
    def submitter(self, proposal):
        return f"{proposal.submitter_name} ({proposal.submitter_role})"

    @admin.display(description="modifications")
    def changed(self, proposal):
        return ", ".join(proposal.changed_labels())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review: each change beside the sheet's value now; accept the ticked ones, or refuse."""
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, proposal):
            raise PermissionDenied
        can_decide = proposal.is_pending and self.has_change_permission(request, proposal)
        errors = []
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            try:
                return self.decide(request, proposal)
            except DecisionRefused as refusal:
                errors = refusal.messages
            except AlreadyDecided:
                self.message_user(
                    request, "Quelqu'un d'autre vient de décider : voici sa décision.", messages.WARNING
                )
                return redirect(request.path)
        items = review_items(proposal)
        if errors:  # shown again as they were ticked
            ticked = set(request.POST.getlist("appliquer"))
            for item in items:
                item.checked = item.key in ticked
        elif not proposal.is_pending:
            for item in items:
                item.checked = item.key in proposal.applied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Proposition de « {proposal.school.name} »",
            "subtitle": str(proposal),
            "opts": self.opts,
            "school_opts": School._meta,
            "original": proposal,
            "proposal": proposal,
            "items": items,
            "errors": errors,
            "can_decide": can_decide,
            "pending": ProposalStatus.PENDING,
            "message": request.POST.get("message", ""),
            "decided_by": decider_name(proposal.decided_by) if proposal.decided_by else "",
            "history_reason": history_reason(request.user),
        }
        return TemplateResponse(request, "admin/proposals/proposal/review.html", context)

    def decide(self, request, proposal):
        school = proposal.school
        school_url = ""
        if school.status == School.Status.PUBLISHED:
            school_url = request.build_absolute_uri(school.get_absolute_url())
        message = request.POST.get("message", "").strip()
        if "_reject" in request.POST:
            reject(proposal, request.user, message, school_url=school_url)
            self.log_change(request, proposal, "Refusée")
            text = f"La proposition de « {school.name} » est refusée ; l'école est prévenue."
        elif "_accept" in request.POST:
            applied = accept(proposal, request.POST.getlist("appliquer"), request.user, message, school_url)
            self.log_change(request, proposal, f"{proposal.get_status_display().capitalize()}")
            text = (
                f"La proposition de « {school.name} » est {proposal.get_status_display()} : "
                f"{len(applied)} modification(s) appliquée(s), la fiche est marquée comme vérifiée."
            )
        else:
            raise DecisionRefused(["Choisissez « Accepter la sélection » ou « Refuser »."])
        if not proposal.submitter_email and not proposal.school.email:
            text += " Aucune adresse connue : l'école n'a pas reçu de courriel."
        self.message_user(request, text, messages.SUCCESS)
        return redirect("admin:proposals_proposal_changelist")
