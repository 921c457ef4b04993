"""What the search box understands: the rules that turn "mécanique Caen" into the list's filters.

One box, on the home page and the list (`q`), reads in what was typed:
- a trade: one of its everyday words (TradeKeyword: "mécano", "resto", "fruits et légumes"), its name
  ("Mécanique automobile") or a word of its name found in no other trade ("mécanique", "chaudronnerie")
  → `metier`;
- a place: a commune or former commune named in full ("Caen", "St-Lô", "Tourlaville") or by the first word of
  its name ("Cherbourg"), a postcode ("14000", "14 100"), a commune with its postcode ("Lisieux (14100)"), or
  whatever follows "près de", "autour de", "vers" → `pres_de`, nearest first;
- a département by name ("Calvados", "Seine-Maritime") → `departement`;
- the other words, but for little words and "école de production" that every school is → `q`, searched in
  the schools' names, communes, trades and programmes.
Longer phrases win ("Bois-Guillaume" is a place, not the trade "bois"); at equal length a trade wins. Only
the first trade, place and département count, and only for a filter not chosen in the form: the other words
stay in `q`. When no school fits every filter, `alternatives()` offers the nearest schools teaching the
trade, else the nearest schools at all.
"""

import re
from dataclasses import dataclass

from django.db.models import Value

from core.search import STOP_WORDS
from places.enums import Departement
from places.lookup import place_names_among
from places.models import normalize_place_name
from programs.models import Trade, TradeKeyword

LONGEST_PHRASE = 6  # words: "Saint-Germain-de-la-Campagne" and "conducteur de machines" fit
MAX_WORDS = 30  # what a 100-character box holds, and a bound on the phrases tried
NEAR_WORDS = frozenset({"pres", "proche", "autour", "vers", "cote"})  # "près de", "à côté de"…
# Words that every school fits: dropped rather than searched for.
SCHOOL_WORDS = frozenset({"ecole", "production", "formation", "metier", "apprendre"})
DEPARTEMENTS = {normalize_place_name(label): code for code, label in Departement.choices}
ALTERNATIVES_SHOWN = 3
WORD = re.compile(r"[^\W_]+")


def fold(word):
    """The word with its plural folded, as the text search does: "légumes" and "légume" are one."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def trade_key(words):
    return " ".join(fold(word) for word in words if word not in STOP_WORDS)


def trade_phrases():
    """{folded phrase: trade slug} for the names, everyday words and distinctive name words: one query."""
    rows = (
        Trade.objects.order_by()
        .values_list("name", "slug", Value(True))
        .union(TradeKeyword.objects.order_by().values_list("word", "trade__slug", Value(False)), all=True)
    )
    phrases, name_words = {}, {}
    for phrase, slug, is_name in rows:
        words = normalize_place_name(phrase).split()
        phrases[trade_key(words)] = slug
        for word in words if is_name else ():
            if len(word) >= 4 and word not in STOP_WORDS | SCHOOL_WORDS:
                name_words.setdefault(fold(word), set()).add(slug)
    distinct = {word: slugs.pop() for word, slugs in name_words.items() if len(slugs) == 1}
    return distinct | phrases


@dataclass
class Token:
    word: str  # normalised: "St" is "saint", "Lô" is "lo"
    start: int
    end: int


def tokens_of(text):
    """The words typed, with where each sits in the text; "14 100" is one postcode."""
    tokens = [Token(normalize_place_name(m[0]), m.start(), m.end()) for m in WORD.finditer(text)]
    tokens = [token for token in tokens if token.word][:MAX_WORDS]
    joined = []
    for token in tokens:
        previous = joined[-1] if joined else None
        if previous and re.fullmatch(r"[0-9]{2}", previous.word) and re.fullmatch(r"[0-9]{3}", token.word):
            joined[-1] = Token(previous.word + token.word, previous.start, token.end)
        else:
            joined.append(token)
    return joined


def is_postcode(token):
    return re.fullmatch(r"[0-9]{5}", token.word) is not None


def read_search_box(text, taken=()):
    """The filters that `text` asks for: {"metier": slug, "pres_de": place, "departement": code, "q": rest},
    only those found; `taken` names the filters already chosen in the form, which the box leaves alone."""
    tokens = tokens_of(text)
    trades = trade_phrases()
    places = place_names_among(
        " ".join(token.word for token in tokens[i : i + n])
        for i in range(len(tokens))
        for n in range(1, min(LONGEST_PHRASE, len(tokens) - i) + 1)
    )

    def match_at(i):
        """(filter name, number of words, value) of the longest phrase starting at word i, or None."""
        for n in range(min(LONGEST_PHRASE, len(tokens) - i), 0, -1):
            words = [token.word for token in tokens[i : i + n]]
            key = " ".join(words)
            if words[-1] in STOP_WORDS or (words[0] in STOP_WORDS and key not in places):
                continue  # "le Havre" is a place; "de Caen" is "Caen", met next
            if "metier" not in found and trade_key(words) in trades:
                return "metier", n, trades[trade_key(words)]
            if "pres_de" not in found and key in places:
                # "Lisieux 14100", "Lisieux, 14100", "Lisieux (14100)": the postcode tells namesakes apart.
                return "pres_de", n + (i + n < len(tokens) and is_postcode(tokens[i + n])), None
            if "pres_de" not in found and n == 1 and is_postcode(tokens[i]):
                return "pres_de", 1, None
            if "departement" not in found and key in DEPARTEMENTS:
                return "departement", n, DEPARTEMENTS[key]
        return None

    found = dict.fromkeys(taken)  # a filter chosen in the form is not looked for
    used, place, near_at, i = set(), None, None, 0
    while i < len(tokens):
        if match := match_at(i):
            name, n, value = match
            found[name] = value
            used.update(range(i, i + n))
            place = (i, i + n - 1) if name == "pres_de" else place
            i += n
            continue
        if tokens[i].word in NEAR_WORDS and near_at is None:
            near_at = i
        i += 1
    if near_at is not None and "pres_de" not in found:
        # "près de Trifouilly": what follows is a place even if we do not know it; the page will say so.
        start = near_at + 1
        while start < len(tokens) and tokens[start].word in STOP_WORDS:
            start += 1
        end = start
        while end < len(tokens) and end not in used:  # up to the next word understood ("… cuisine")
            end += 1
        if end > start:
            found["pres_de"] = None
            used.update(range(start, end))
            place = (start, end - 1)

    result = {name: value for name, value in found.items() if name not in taken and value is not None}
    if place is not None:
        end = tokens[place[1]].end
        end += text[end : end + 1] == ")"  # "Lisieux (14100)" keeps its closing bracket
        result["pres_de"] = text[tokens[place[0]].start : end]
    dropped = STOP_WORDS | SCHOOL_WORDS | NEAR_WORDS
    rest = [text[t.start : t.end] for j, t in enumerate(tokens) if j not in used and t.word not in dropped]
    if rest:
        result["q"] = " ".join(rest)
    return result


def alternatives(schools, trade=None, place=None):
    """When no school fits every filter: (the nearest schools teaching the trade, whether the trade was kept),
    else the nearest schools at all; without a place, the schools teaching the trade; else nothing."""
    if place is None and trade is None:
        return [], False
    if place is not None:
        schools = schools.nearest_to(*place.origin)
    if trade is not None:
        teaching = list(schools.teaching(trade)[:ALTERNATIVES_SHOWN])
        if teaching or place is None:
            return teaching, True
    return list(schools[:ALTERNATIVES_SHOWN]), False
