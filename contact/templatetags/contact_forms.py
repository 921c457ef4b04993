"""The public's forms on the pages of other apps, empty and the same for everyone: they cost no query and
keep the pages cacheable whole (see contact/abuse.py for how posts are protected without a token)."""

from functools import cache

from django import template

from contact.forms import ContactRequestForm, ErrorReportForm

register = template.Library()


@register.filter
def field_group(form, name):
    """`form[name].as_field_group()`. An empty form's field depends on the code alone (no data, no errors):
    its HTML is made once per process, as templates are compiled once, where making it for every school page
    took a quarter of the page's build."""
    if form.is_bound:
        return form[name].as_field_group()
    return _empty_field_group(type(form), name, form.initial.get(name))


@cache
def _empty_field_group(form_class, name, initial):
    return form_class(initial={name: initial})[name].as_field_group()


@register.inclusion_tag("includes/_contact_request_form.html")
def contact_request_form(school):
    """ "Être recontacté par l'école", on a published school's page."""
    return {"form": ContactRequestForm(), "school": school}


@register.inclusion_tag("includes/_error_report.html")
def error_report_form(page_path, folded=True):
    """ "Signaler une erreur" for the page at `page_path`: folded in a <details> unless `folded` is False
    (the accessibility statement shows it open)."""
    return {"form": ErrorReportForm(initial={"page": page_path}), "folded": folded}
