from django import template

from core.phones import display_phone

register = template.Library()


@register.filter
def plural_fr(count, suffix="s"):
    """French plural: "0 école", "1 école", "2 écoles" (Django's pluralize gives "0 écoles")."""
    try:
        return suffix if abs(int(count)) > 1 else ""
    except (TypeError, ValueError):
        return ""


@register.filter
def phone(value):
    """A stored number as people write it in France: "02 31 00 00 00"."""
    return display_phone(value)


@register.filter
def de_fr(name):
    """A place name after "de", as French writes it: "du Havre", "des Andelys", "d'Argentan", "de Caen"."""
    name = str(name)
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[:1].lower() in "aeiouyhàâäéèêëîïôöùûü":
        return f"d'{name}"
    return f"de {name}"
