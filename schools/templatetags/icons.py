"""{% icon name %}: an inline SVG icon, templates/icons/<name>.svg (name: a TradeIcon value). Decorative: the
text next to it says the same, and each file says aria-hidden itself.

A tag rather than an include of a name built in the template: the "add" filter that built it tried each part
as a number first, two exceptions per icon, and the include added a level of context: half the cost of a list
card's icons."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def icon(name):
    return mark_safe(get_template(f"icons/{name}.svg").render())  # one of the site's own files
