from django import template

register = template.Library()


@register.filter
def plural_fr(count, suffix="s"):
    """French plural: "0 école", "1 école", "2 écoles" (Django's pluralize gives "0 écoles")."""
    try:
        return suffix if abs(int(count)) > 1 else ""
    except (TypeError, ValueError):
        return ""
