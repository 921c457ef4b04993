"""Accent- and case-insensitive text search that behaves the same on SQLite and PostgreSQL.

PostgreSQL searches in full text with a French configuration that ignores accents (`french_unaccent`, made by
a migration): each typed word matches the words that start with it, after French stemming. SQLite, the
embedded fallback, looks for each word inside the names, through a Python `UNACCENT` function registered on
each connection. Both drop the same common French little words, and every remaining word must match
(`matching()`, each word in one table's columns).
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections, models

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def _unaccented(text):
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class UnaccentedCharacters(dict):
    """Each character's unaccented form, worked out on first use. Decomposition goes character by character,
    so a text's unaccented form is its characters', joined: str.translate() with this table. SQLite calls
    unaccent() on every row a search reads, and the long way took 12 µs a name, this one 3 µs. Only the
    first 12,288 characters (every alphabet, punctuation and symbol) are kept, so that no text can fill it."""

    def __missing__(self, code):
        unaccented = _unaccented(chr(code))
        if code < 0x3000:
            self[code] = unaccented
        return unaccented


UNACCENTED = UnaccentedCharacters()


def unaccent(value):
    """The text without accents, ligatures spelled out: "Œuvre à Évreux" -> "OEuvre a Evreux"."""
    if value is None:
        return None
    text = str(value)
    return text if text.isascii() else text.translate(UNACCENTED)


FULL_TEXT_CONFIG = "french_unaccent"
# Words too common to search for; PostgreSQL's French configuration drops them too.
STOP_WORDS = frozenset(
    {
        "a",
        "au",
        "aux",
        "avec",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "par",
        "pour",
    }
    | {"sur", "un", "une"}
)


def search_terms(text):
    """Accent-free lowercase words typed, plurals folded: "Évreux, les écoles" -> ["evreux", "ecole"].

    Folding a final "s" lets a substring search find "mécanique" for "mécaniques", as French stemming does."""
    words = re.findall(r"\w+", unaccent(text).lower())
    return [
        word[:-1] if len(word) > 3 and word.endswith("s") else word
        for word in words
        if word not in STOP_WORDS
    ]


class Words(models.Func):
    """PostgreSQL: the words of some columns of one table as a French text-search vector, written as the
    expression indexes on them are (schools migration 0021), constants included: sent as parameters, they
    would keep a prepared statement's generic plan from the index."""

    output_field = SearchVectorField()

    def __init__(self, *fields):
        super().__init__(*(models.F(field) for field in fields))

    def as_sql(self, compiler, connection, **extra_context):
        columns, params = [], []
        for expression in self.source_expressions:
            sql, column_params = compiler.compile(expression)
            columns.append(f"COALESCE({sql}, '')")
            params.extend(column_params)
        words = " || ' ' || ".join(columns)
        return f"to_tsvector('{FULL_TEXT_CONFIG}'::regconfig, {words})", params


def matching(queryset, fields, term):
    """The rows of `queryset` where one of `fields` holds `term` (one of search_terms()'s words): on
    PostgreSQL, a word starting with it after French stemming; elsewhere, a piece of the accent-free text."""
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(f"{term}:*", search_type="raw", config=FULL_TEXT_CONFIG)
        return queryset.alias(words=Words(*fields)).filter(words=query)
    condition = models.Q()
    for field in fields:
        condition |= models.Q(**{f"{field}__unaccent__icontains": term})
    return queryset.filter(condition)


def register_sqlite_unaccent(sender, connection, **kwargs):
    """Connected to every new database connection by core's AppConfig.ready()."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, unaccent, deterministic=True)
