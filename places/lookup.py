"""Understanding what people type in "Près de": a commune name, a postcode, or a choice we offered."""

import re
from dataclasses import dataclass, field

from places.models import Commune

POSTCODE = re.compile(r"^\d{5}$")
CHOSEN = re.compile(
    r"^(?P<name>.*\S)\s*\((?P<postcode>\d{5})\)$"
)  # "Valognes (50700)", as offered by the site


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


def find_place(typed):
    typed = typed.strip()
    if POSTCODE.match(typed):
        communes = list(Commune.objects.with_postcode(typed))
    elif chosen := CHOSEN.match(typed):
        communes = list(Commune.objects.named(chosen["name"]).with_postcode(chosen["postcode"]))
    else:
        communes = list(Commune.objects.named(typed))
    if len(communes) == 1:
        commune = communes[0]
        return Place(typed, origin=(commune.latitude, commune.longitude), commune=commune)
    if communes and POSTCODE.match(typed):
        # Neighbouring communes sharing a postcode: search around their middle, and let the person pick one.
        latitude = sum(c.latitude for c in communes) / len(communes)
        longitude = sum(c.longitude for c in communes) / len(communes)
        return Place(typed, origin=(latitude, longitude), choices=communes)
    return Place(typed, choices=communes)
