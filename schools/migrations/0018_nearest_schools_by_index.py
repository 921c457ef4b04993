from django.db import migrations

# PostgreSQL only: the map positions as points of a plane where straight-line distance is distance_km's, for
# the nearest schools to be found from an index (places.geo.PLANE_POINT_SQL, whose expression this must be
# exactly, factor included: tests/schools/test_nearest_index.py checks that queries use it).
CREATE = (
    "CREATE INDEX school_plane_point_idx ON schools_school "
    "USING gist (point(map_longitude * 0.6547408137173397, map_latitude))"
)
DROP = "DROP INDEX IF EXISTS school_plane_point_idx"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("schools", "0017_school_position_required_and_indexed")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
