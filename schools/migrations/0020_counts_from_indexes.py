from django.db import migrations, models


def complete_sqlite_statistics(apps, schema_editor):
    """As in 0019: a SQLite database analysed before these indexes would take each for the most selective of
    its table (the list pages would read the schools by date of update, then sort them by name). Analysed
    again, they are weighed like the others. A database never analysed has nothing to complete."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("ANALYZE schools_school")
            cursor.execute("ANALYZE schools_schoolfunding")


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0002_history"),
        ("schools", "0019_near_search_band_of_latitudes"),
        ("sources", "0002_history"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="schoolfunding",
            index=models.Index(fields=["funding_source", "school"], name="school_funding_by_funder_idx"),
        ),
        migrations.AddIndex(
            model_name="school",
            index=models.Index(fields=["status", "updated_at"], name="school_status_updated_idx"),
        ),
        migrations.RunPython(complete_sqlite_statistics, migrations.RunPython.noop),
    ]
