from django.db import migrations

# PostgreSQL only: the words searched in (core.search.Words, whose expressions these must be exactly, constants
# included: tests/schools/test_search.py checks that queries use them). The communes' index lives here with
# the schools': the french_unaccent configuration is made by schools migration 0003.
INDEXES = {
    "school_words_idx": (
        "schools_school",
        "to_tsvector('french_unaccent'::regconfig, COALESCE(name, '') || ' ' || COALESCE(short_name, ''))",
    ),
    "commune_words_idx": ("places_commune", "to_tsvector('french_unaccent'::regconfig, COALESCE(name, ''))"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, words) in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin (({words}))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("places", "0003_former_communes"), ("schools", "0020_counts_from_indexes")]

    operations = [migrations.RunPython(create, drop)]
