"""The school's pages, opened from its invitation link: the form, and the page that confirms it was sent.

They belong to whoever holds the link: answered `Cache-Control: private, no-store` (never kept by the page
cache, a proxy or the browser's history cache) and `X-Robots-Tag: noindex`. A link that opens nothing gets a
French page, with no school named: 404 for a link that was never valid (tampered with, cut short), 410 Gone
for an expired or revoked one.
"""

from datetime import timedelta

from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from contact.abuse import RateLimit, protected_form
from proposals.forms import ProposalSubmission
from proposals.links import ExpiredLink, InvalidLink, RevokedLink, usable_invitation
from proposals.mail import notify_staff

# A school corrects itself a few times at most; more from one address within the hour is a robot or a loop.
RATE_LIMIT = RateLimit("proposition", limit=5, window=timedelta(hours=1))


def private(response):
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def invalid_link(request, error):
    context = {"expired": isinstance(error, ExpiredLink), "revoked": isinstance(error, RevokedLink)}
    return private(render(request, "proposals/invalid_link.html", context, status=error.status))


@protected_form(RATE_LIMIT)
def proposal_form(request, token):
    try:
        invitation = usable_invitation(token)
    except InvalidLink as error:
        return invalid_link(request, error)
    school = invitation.school
    open_days = list(school.open_days.upcoming())
    if request.method == "POST":
        submission = ProposalSubmission(school, open_days, request.POST, request.FILES)
        if submission.form.is_robot():  # answered as if it worked; nothing stored, nobody told
            return redirect("proposals:sent", token)
        if submission.is_valid():
            with transaction.atomic():  # the staff's mail is stored with the proposal, or neither is
                proposal = submission.save(invitation)
                admin_path = reverse("admin:proposals_proposal_change", args=[proposal.pk])
                notify_staff(proposal, request.build_absolute_uri(admin_path))
            RATE_LIMIT.record(request)
            return redirect("proposals:sent", token)
    else:
        submission = ProposalSubmission(school, open_days)
    context = {"invitation": invitation, "school": school, "submission": submission}
    return private(render(request, "proposals/proposal_form.html", context))


def proposal_sent(request, token):
    try:
        invitation = usable_invitation(token)
    except InvalidLink as error:
        return invalid_link(request, error)
    context = {"school": invitation.school, "token": token}
    return private(render(request, "proposals/proposal_sent.html", context))
