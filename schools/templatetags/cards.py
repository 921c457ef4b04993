"""{% school_cards schools show_distance=… selection=… %}, a list of schools as cards, and
{% add_to_selection school selection %}, a card's "Ajouter à une sélection" link (also on the school's page):
their markup is written here.

A list page draws twelve cards. Through templates (the card, then its cost and its link, each an include) they
took 1.7–2.2 ms of the 11 a list page takes to build at 10,000 schools; written here, 0.4 ms. The filters'
widgets (core/widgets.py) and the map's points (schools.views.school_map) are written the same way. Every text
is escaped here, as the templates escaped it."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from schools.templatetags.icons import icon

register = template.Library()


@register.simple_tag
def school_cards(schools, show_distance=False, selection=None):
    """Schools (from School.objects.for_list()) as a list of cards placed under an h2. show_distance: each
    school has distance_km; selection: on the list, the Selection its address carries, which adds
    "Ajouter à une sélection" to each card."""
    cards = "".join(f"\n  <li>{school_card(school, show_distance, selection)}</li>" for school in schools)
    return mark_safe(f'<ul class="cards">{cards}\n</ul>')  # each card is escaped by school_card()


def school_card(school, show_distance, selection):
    """One card's HTML, every text in it escaped."""
    url = school.get_absolute_url()
    if selection:
        url = f"{url}?selection={selection.query}"
    link = f'<a href="{conditional_escape(url)}">{conditional_escape(school.name)}</a>'
    place = conditional_escape(school.location_label)
    if show_distance:
        distance = "moins de 1 km" if school.distance_km < 1 else f"{floatformat(school.distance_km, 0)} km"
        place = f"{place} · <strong>à {distance} à vol d'oiseau</strong>"
    trades = "".join(
        f'\n    <li class="tag">{icon(trade.icon)}{conditional_escape(trade.name)}</li>'
        for trade in school.card_trades
    )
    return (
        '<article class="card">\n'
        f'  <h3 class="card-title">{link}</h3>\n'
        f'  <p class="card-place">{place}</p>\n'
        f'  <ul class="tags" aria-label="Métiers">{trades}\n  </ul>\n'
        f'  <p class="card-cost">{conditional_escape(school.cost_summary)}</p>\n'
        f"{add_to_selection(school, selection) if selection is not None else ''}"
        "</article>"
    )


@register.simple_tag
def add_to_selection(school, selection):
    """ "Ajouter à une sélection" for one school, or where the selection (the one the page carries) stands."""
    name = conditional_escape(school.name)
    if school.slug in selection:
        link = (
            f'<a href="{conditional_escape(selection.url)}">Dans la sélection ({len(selection)}/'
            f'{selection.max_size}) : la voir<span class="visually-hidden"> ({name} y figure)</span></a>'
        )
    elif selection.is_full:
        link = (
            f"Sélection complète ({selection.max_size} écoles) : "
            f'<a href="{conditional_escape(selection.url)}">la voir</a>'
        )
    else:
        link = (
            f'<a href="{conditional_escape(selection.url_adding(school.slug))}" rel="nofollow">'
            f'Ajouter à une sélection<span class="visually-hidden"> : {name}</span></a>'
        )
    return mark_safe(f'<p class="add-to-selection">{link}</p>\n')  # every text in it is escaped above
