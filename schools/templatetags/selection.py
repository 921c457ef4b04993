from django import template

from schools.selection import carried_selection

register = template.Library()


@register.simple_tag(takes_context=True)
def current_selection(context):
    """The selection a list or school page carries in its address (`?selection=…`), possibly empty."""
    return carried_selection(context["request"])
