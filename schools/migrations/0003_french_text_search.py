from django.db import migrations

# Full-text search in French that ignores accents: French stemming after unaccent (PostgreSQL only;
# SQLite searches by substring, see core/search.py).
CREATE = """
CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION french_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("schools", "0002_content_version")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
