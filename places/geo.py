"""Distances and the map projection, shared by the SQL queries, the map and the gazetteer builder.

At the scale of a region, an equirectangular projection around Normandy's mean latitude is accurate to a few
hundred metres: distances become plain arithmetic that any database evaluates, and the map needs no library.
"""

import math

from django.db.models import BooleanField, FloatField, Func
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_KM  # about 111.2 km per degree of latitude
MEAN_LATITUDE = 49.1
LONGITUDE_FACTOR = math.cos(
    math.radians(MEAN_LATITUDE)
)  # a degree of longitude is shorter than one of latitude

# The map's frame: Normandy with a small margin, in degrees; SVG units per degree of latitude.
MAP_WEST, MAP_EAST, MAP_SOUTH, MAP_NORTH = -2.0, 1.85, 48.12, 50.12
MAP_SCALE = 250
MAP_WIDTH = round((MAP_EAST - MAP_WEST) * LONGITUDE_FACTOR * MAP_SCALE)
MAP_HEIGHT = round((MAP_NORTH - MAP_SOUTH) * MAP_SCALE)


def project(latitude, longitude):
    """SVG coordinates (x to the east, y downwards) of a point, rounded to a tenth of a unit."""
    x, y = project_exactly(latitude, longitude)
    return round(x, 1), round(y, 1)


def project_exactly(latitude, longitude):
    """project() before rounding: f"{x:.1f}" writes what str(round(x, 1)) writes, in a third of the time."""
    x = (float(longitude) - MAP_WEST) * LONGITUDE_FACTOR * MAP_SCALE
    return x, (MAP_NORTH - float(latitude)) * MAP_SCALE


def distance_km(lat1, lon1, lat2, lon2):
    dx = (float(lon2) - float(lon1)) * LONGITUDE_FACTOR
    dy = float(lat2) - float(lat1)
    return math.hypot(dx, dy) * KM_PER_DEGREE


def as_float(expression):
    return Cast(expression, FloatField())


class DistanceKm(Func):
    """The distance of `distance_km` in SQL, from a fixed point to each row's position (two expressions), as
    one expression whose SQL is written here: built node by node (casts, differences, products, squares,
    root), the ORM's copying, resolving and compiling of the formula took a tenth of a "near Caen" page.

    Each difference is squared with POWER where the database has it (PostgreSQL turned each position from
    numeric to float twice over otherwise, a third of its time sorting 10,000 schools); SQLite may lack POWER
    (Django then adds one written in Python, called for each row), so it gets x * x."""

    output_field = FloatField()

    def __init__(self, latitude, longitude, latitude_expression, longitude_expression):
        super().__init__(latitude_expression, longitude_expression)
        self.origin = (float(latitude), float(longitude))

    def as_sql(self, compiler, connection, square="POWER({0}, 2)", **extra_context):
        (latitude_sql, latitude_params), (longitude_sql, longitude_params) = (
            compiler.compile(
                expression
                if isinstance(expression.output_field, FloatField)
                else Cast(expression, FloatField())
            )
            for expression in self.source_expressions
        )
        return distance_km_sql(
            self.origin, (latitude_sql, latitude_params), (longitude_sql, longitude_params), square
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, square=SQLITE_SQUARE, **extra_context)


SQLITE_SQUARE = "({0} * {0})"


def distance_km_sql(origin, latitude, longitude, square):
    """SQL and params of DistanceKm from `origin` (latitude, longitude) to the position whose latitude and
    longitude are these (SQL, params); `square` is how the database squares {0}."""
    (latitude_sql, latitude_params), (longitude_sql, longitude_params) = latitude, longitude
    origin_latitude, origin_longitude = origin
    dx = (f"(({longitude_sql} - %s) * %s)", (*longitude_params, origin_longitude, LONGITUDE_FACTOR))
    dy = (f"({latitude_sql} - %s)", (*latitude_params, origin_latitude))
    squares, params = [], []
    for sql, sql_params in (dx, dy):
        squares.append(square.format(sql))
        params += sql_params * square.count("{0}")
    return f"(SQRT({' + '.join(squares)}) * %s)", (*params, KM_PER_DEGREE)


def distance_km_expression(latitude, longitude, latitude_field, longitude_field):
    """The same distance as `distance_km`, as an SQL expression from a fixed point to each row's position."""
    return DistanceKm(latitude, longitude, latitude_field, longitude_field)


class WithinSmallestRadius(Func):
    """Whether a row's position (two expressions) lies within the smallest of `radii_km` around `origin` that
    holds `count` rows of `rows` (the SQL and params of a query selecting at least each row's map_latitude
    and map_longitude), or at any distance when none does: for SQLite, which has no index ordering positions
    by distance. Each radius is tried in a band of latitudes, and so is the row's: an index on latitude
    reads only that band. Written here: built by the ORM, the same conditions took 7 ms to compile."""

    output_field = BooleanField()

    def __init__(self, origin, latitude_expression, longitude_expression, rows, count, radii_km):
        super().__init__(latitude_expression, longitude_expression)
        self.origin = tuple(float(value) for value in origin)
        self.rows, self.count, self.radii_km = rows, count, radii_km

    def as_sql(self, compiler, connection, **extra_context):
        latitude, longitude = (compiler.compile(expression) for expression in self.source_expressions)
        radius, radius_params = self.radius_sql()
        distance, distance_params = distance_km_sql(self.origin, latitude, longitude, SQLITE_SQUARE)
        band = f"{radius} / %s * %s"
        band_params = (*radius_params, KM_PER_DEGREE, BOX_MARGIN)  # as bounding_box() writes it
        origin_latitude = self.origin[0]
        return (
            f"({latitude[0]} BETWEEN %s - {band} AND %s + {band} AND {distance} <= {radius})",
            (
                *latitude[1],
                *(origin_latitude, *band_params) * 2,
                *distance_params,
                *radius_params,
            ),
        )

    def radius_sql(self):
        """The smallest of the radii holding `count` rows, else infinity: (SQL, params)."""
        rows_sql, rows_params = self.rows
        columns = ('nearer."map_latitude"', ()), ('nearer."map_longitude"', ())
        distance, distance_params = distance_km_sql(self.origin, *columns, SQLITE_SQUARE)
        cases, params = [], []
        for km in self.radii_km:
            cases.append(
                f'WHEN EXISTS(SELECT 1 FROM ({rows_sql}) nearer WHERE nearer."map_latitude" BETWEEN %s AND %s'
                f" AND {distance} <= %s LIMIT 1 OFFSET %s) THEN %s"
            )
            south, north, _, _ = bounding_box(*self.origin, km)
            params += [*rows_params, south, north, *distance_params, km, self.count - 1, km]
        return f"(CASE {' '.join(cases)} ELSE %s END)", (*params, math.inf)


# PostgreSQL only: a position as a point of the plane where distance_km is the straight-line distance (times
# KM_PER_DEGREE), so that a GiST index on it finds the nearest schools without measuring every one (schools
# migration 0018 indexes exactly this expression: the factor is written out, never sent as a parameter).
PLANE_POINT_SQL = f"point(map_longitude * {LONGITUDE_FACTOR!r}, map_latitude)"


def plane_point(latitude, longitude):
    """(x, y) of a position in PLANE_POINT_SQL's plane."""
    return float(longitude) * LONGITUDE_FACTOR, float(latitude)


class WithinPlaneCircle(Func):
    """PostgreSQL only: whether a row's map position lies within `radius` (an expression, a subquery: None
    means no limit) of a fixed point, in PLANE_POINT_SQL's plane. PostgreSQL compares with a small tolerance,
    so a position exactly on the circle is inside."""

    output_field = BooleanField()

    def __init__(self, latitude, longitude, radius):
        super().__init__(radius)
        self.center = plane_point(latitude, longitude)

    def as_sql(self, compiler, connection, **extra_context):
        radius_sql, radius_params = compiler.compile(self.source_expressions[0])
        circle = f"circle(point(%s, %s), COALESCE({radius_sql}, 'Infinity'))"
        return f"{PLANE_POINT_SQL} <@ {circle}", (*self.center, *radius_params)


def plane_distance(latitude, longitude):
    """PostgreSQL only: the distance of each row's map position from a fixed point in PLANE_POINT_SQL's plane,
    as its GiST index orders rows (nearest first, without measuring the others)."""
    return RawSQL(f"{PLANE_POINT_SQL} <-> point(%s, %s)", plane_point(latitude, longitude), FloatField())


BOX_MARGIN = 1.001


def bounding_box(latitude, longitude, radius_km):
    """(south, north, west, east) of a box holding every point within radius_km: a cheap prefilter, a little
    wider (BOX_MARGIN) so that no rounding leaves a point on its edge out."""
    dlat = radius_km / KM_PER_DEGREE * BOX_MARGIN
    dlon = dlat / LONGITUDE_FACTOR
    return float(latitude) - dlat, float(latitude) + dlat, float(longitude) - dlon, float(longitude) + dlon
