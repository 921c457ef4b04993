"""Accent- and case-insensitive text search that behaves the same on SQLite and PostgreSQL.

PostgreSQL searches in full text with a French configuration that ignores accents (`french_unaccent`, made by
a migration): each typed word matches the words that start with it, after French stemming. SQLite, the
embedded fallback, looks for each word inside the names, through a Python `UNACCENT` function registered on
each connection. Both drop the same common French little words, and every remaining word must match.
"""

import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def unaccent(value):
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value).translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


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


def register_sqlite_unaccent(sender, connection, **kwargs):
    """Connected to every new database connection by core's AppConfig.ready()."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, unaccent, deterministic=True)
