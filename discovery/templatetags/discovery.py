from django import template
from django.urls import reverse
from django.utils.encoding import escape_uri_path

from discovery.structured_data import json_ld_script, school_structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    """`path` (by default the page's own path, without its query string) as an absolute address, or "" when
    the page is rendered without a request (the 500 page)."""
    request = context.get("request")
    if request is None:
        return ""
    # Not build_absolute_uri(): a path such as "//[x" (any junk address reaching the 404 page) would be read
    # as a host name there. Here the path always follows the site's own scheme and host.
    path = escape_uri_path(path if path is not None else request.path)
    return f"{request.scheme}://{request.get_host()}{path}"


@register.simple_tag(takes_context=True)
def share_image_url(context, school=None):
    """The absolute address of the sharing image: the school's when given, else the site's."""
    if school is not None:
        path = reverse("discovery:school_share_image", kwargs={"slug": school.slug})
    else:
        path = reverse("discovery:site_share_image")
    return absolute_url(context, path)


@register.simple_tag(takes_context=True)
def school_json_ld(context, school):
    return json_ld_script(school_structured_data(school, lambda path: absolute_url(context, path)))
