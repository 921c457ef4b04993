"""On PostgreSQL, a commit that changes the content version notifies the web processes (see
core.cache.NotifiedContentVersion). A statement trigger: any INSERT, UPDATE, DELETE or TRUNCATE of the table,
whoever runs it. Nothing on SQLite, where each page reads the version from the file."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION core_contentversion_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('content_version', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER core_contentversion_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON core_contentversion
    FOR EACH STATEMENT EXECUTE FUNCTION core_contentversion_notify();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS core_contentversion_notify ON core_contentversion;
DROP FUNCTION IF EXISTS core_contentversion_notify();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_content_version")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD), elidable=False)]
