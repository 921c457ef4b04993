"""The public's forms on the pages of other apps, empty and the same for everyone: they cost no query and
keep the pages cacheable whole (see contact/abuse.py for how posts are protected without a token)."""

from django import template

from contact.forms import ContactRequestForm, ErrorReportForm

register = template.Library()


@register.inclusion_tag("includes/_contact_request_form.html")
def contact_request_form(school):
    """ "Être recontacté par l'école", on a published school's page."""
    return {"form": ContactRequestForm(), "school": school}


@register.inclusion_tag("includes/_error_report.html")
def error_report_form(page_path, folded=True):
    """ "Signaler une erreur" for the page at `page_path`: folded in a <details> unless `folded` is False
    (the accessibility statement shows it open)."""
    return {"form": ErrorReportForm(initial={"page": page_path}), "folded": folded}
