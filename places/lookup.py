"""Understanding what people type for a place: a commune, a former commune, a postcode, or both.

"Caen", "st lo", "Cherbourg" (the start of a commune's name), "14 100", "Lisieux 14100", "Lisieux, 14100" and
"Lisieux (14100)" (the form the site offers) are all understood; accents, case and hyphens do not matter.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from places.models import Commune, normalize_place_name

# A postcode, maybe written "14 100", maybe after a name: "Caen 14000", "Lisieux, 14100", "Lisieux (14100)".
NAME_AND_POSTCODE = re.compile(r"^(?P<name>.*?)[\s,;(]*\b(?P<postcode>[0-9]{2} ?[0-9]{3})\s*\)?$")
ARTICLES = ("le", "la", "les", "l")
TOO_MANY_STARTS = 10  # a word that starts more communes' names than this ("saint") names none of them


@dataclass
class Place:
    """Where to measure from. `choices` lists communes the person may mean; `origin` is None when unknown."""

    typed: str
    origin: tuple | None = None
    choices: list = field(default_factory=list)
    commune: Commune | None = None

    @property
    def is_ambiguous(self):
        return len(self.choices) > 1


def split_postcode(typed):
    """(name, postcode) of what was typed; either may be empty."""
    typed = typed.strip()
    if match := NAME_AND_POSTCODE.match(typed):
        return match["name"].strip(), match["postcode"].replace(" ", "")
    return typed, ""


def one_family(communes):
    """A commune and its own former communes ("Cherbourg" starts Cherbourg-en-Cotentin and
    Cherbourg-Octeville, one of its parts) stand for the commune; any other mix stays as it is."""
    families = {commune.parent_id or commune.pk for commune in communes}
    if len(families) == 1:
        current = [commune for commune in communes if commune.parent_id is None]
        return current or communes
    return communes


def with_articles(key):
    """A name, and the same with an article: "au Havre" and "aux Andelys" drop theirs."""
    return [key, *(f"{article} {key}" for article in ARTICLES)]


def find_communes(name, postcode):
    communes = Commune.objects.select_related("parent")
    if not name and not postcode:
        return []
    if not name:  # a postcode alone: the communes of today, not their former parts sharing the code
        return list(communes.current().with_postcode(postcode))
    key = normalize_place_name(name)
    if not key:
        return []
    exact = communes.filter(search_name__in=with_articles(key))
    found = list(exact.with_postcode(postcode)) if postcode else []
    if not found:  # "Caen 50100" is still Caen: the name counts more than a mistyped postcode
        found = list(exact)
    # "Mesnil" is Mesnil itself before Le Mesnil.
    found = [commune for commune in found if commune.search_name == key] or found
    if not found:
        found = list(communes.filter(search_name__startswith=f"{key} ")[: TOO_MANY_STARTS + 1])
        if len(found) > TOO_MANY_STARTS:
            return []
    return one_family(found)


def find_place(typed):
    name, postcode = split_postcode(typed)
    communes = find_communes(name, postcode)
    if len(communes) == 1:
        commune = communes[0]
        return Place(typed, origin=(commune.latitude, commune.longitude), commune=commune)
    if communes and not name:
        # Neighbouring communes sharing a postcode: search around their middle, and let the person pick one.
        latitude = sum(c.latitude for c in communes) / len(communes)
        longitude = sum(c.longitude for c in communes) / len(communes)
        return Place(typed, origin=(latitude, longitude), choices=communes)
    return Place(typed, choices=communes)


def place_names_among(spans):
    """Which of these normalised word groups name a commune, as find_place reads them: exactly, without
    its article, or as the first word of its name ("Cherbourg"). One query."""
    spans = set(spans)
    if not spans:
        return set()
    starts = [span for span in spans if " " not in span and len(span) >= 4]
    condition = Q(search_name__in={name for span in spans for name in with_articles(span)})
    for word in starts:
        condition |= Q(search_name__startswith=f"{word} ")
    names = set(Commune.objects.filter(condition).values_list("search_name", flat=True))
    found = {span for span in spans if names.intersection(with_articles(span))}
    for word in starts:
        started = sum(name.startswith(f"{word} ") for name in names)
        if 0 < started <= TOO_MANY_STARTS:
            found.add(word)
    return found
