from django import template
from django.db.models import Count, Q
from django.urls import reverse

from schools import completeness
from schools.admin import MissingItemFilter, VerificationFilter
from schools.models import School

register = template.Library()


@register.inclusion_tag("admin/_school_gaps.html", takes_context=True)
def school_gaps(context):
    """The admin home's summary: how many sheets lack something a family needs, how many are stale.

    One query, whatever the number of schools."""
    user = context["request"].user
    if not user.has_perm("schools.view_school"):
        return {"shown": False}
    items = completeness.items()
    incomplete = completeness.incomplete(School.objects.all()).values("pk")
    stale = completeness.stale(School.objects.all()).values("pk")
    counts = School.objects.aggregate(
        total=Count("pk"),
        incomplete=Count("pk", filter=Q(pk__in=incomplete)),
        stale=Count("pk", filter=Q(pk__in=stale)),
        **{item.key: Count("pk", filter=item.missing) for item in items},
    )
    changelist = reverse("admin:schools_school_changelist")
    parameter = MissingItemFilter.parameter_name
    return {
        "shown": True,
        "counts": counts,
        "incomplete_url": f"{changelist}?{parameter}={MissingItemFilter.ANY}",
        "items": [(item.label, counts[item.key], f"{changelist}?{parameter}={item.key}") for item in items],
        "stale_url": f"{changelist}?{VerificationFilter.parameter_name}={VerificationFilter.STALE}",
        "journal_url": reverse("admin_journal"),
    }
