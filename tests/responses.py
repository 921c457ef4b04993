"""What a test reads from a response as a visitor would: the page's text, the schools a list page shows."""

from html import unescape


def text(response):
    """The page as a reader sees its characters (HTML entities decoded)."""
    return unescape(response.content.decode())


def school_names(response):
    """The names of the schools on a list page, in order."""
    return [school.name for school in response.context["object_list"]]


def school_slugs(response):
    """The slugs of the schools on a list page, in order."""
    return [school.slug for school in response.context["object_list"]]
