"""Accent- and case-insensitive text search that behaves the same on SQLite and PostgreSQL.

PostgreSQL has the `unaccent` extension (created by a migration); SQLite gets a Python function of the same
name on each new connection. Search terms are normalised in Python with that same function.
"""

import re
import unicodedata

from django.db.backends.signals import connection_created

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def unaccent(value):
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value).translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_terms(text):
    """Accent-free lowercase words of what was typed: "Évreux mécanique" -> ["evreux", "mecanique"]."""
    return re.findall(r"\w+", unaccent(text).lower())


def register_sqlite_unaccent(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, unaccent, deterministic=True)


connection_created.connect(register_sqlite_unaccent, dispatch_uid="schools.register_sqlite_unaccent")
