"""reverse() for the addresses a page writes many times: each card of a list links to its school and to the
selection with that school added, each point of the map to a school.

Django's reverse() matches the view's patterns on every call (20 to 30 µs each, 1.5 ms of a list page with its
template work). The address of a view taking a slug is the same text around any slug: it is reversed once
per view, script prefix and URLconf, and each slug is put in. A slug is letters, digits, hyphens and
underscores, which reverse() writes as they are; anything else goes through reverse() itself.
"""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

PLACEHOLDER = "SLUG"
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@functools.lru_cache(maxsize=64)
def address_parts(viewname, with_slug, script_prefix, urlconf, root_urlconf):
    """(before, after) the slug in the view's address; the whole address and "" for a view without one.
    The last three arguments are only the cache's key: what reverse() depends on besides the view."""
    if not with_slug:
        return reverse(viewname), ""
    before, after = reverse(viewname, kwargs={"slug": PLACEHOLDER}).split(PLACEHOLDER)
    return before, after


def cached_reverse(viewname, slug=None):
    """reverse(viewname), or reverse(viewname, kwargs={"slug": slug}): the same text, reversed once."""
    if slug is not None and not PLAIN_SLUG.fullmatch(slug):
        return reverse(viewname, kwargs={"slug": slug})
    key = (get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    before, after = address_parts(viewname, slug is not None, *key)
    return before if slug is None else f"{before}{slug}{after}"
