"""Data safety: a backup restores the very same content, and every migration runs both ways.

`make backup` dumps the database with `dumpdata`; `make restore` migrates an empty database and loads the
file. The options are read from the Makefile itself, so this test follows any change made there. Runs on
SQLite, and on PostgreSQL when the suite runs there (CI runs it on both).
"""

import json
import os
import re
import shlex
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from places.models import Commune
from schools.editors import EDITOR_GROUP_NAME
from schools.models import School


def backup_options():
    """The `dumpdata` options of `make backup` (without its --output): its first recipe line."""
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text().replace("\\\n", " ")
    recipe = re.search(r"^backup:.*\n\t(.*)$", makefile, re.MULTILINE).group(1)
    words = shlex.split(recipe, comments=True)
    options = words[words.index("dumpdata") + 1 :]
    output = options.index("--output")
    del options[output : output + 2]
    return options


def backed_up_models(include_auto_created=False):
    """The models the backup holds: every installed model but those the Makefile excludes."""
    options = backup_options()
    excluded = {options[i + 1].lower() for i, option in enumerate(options) if option in {"--exclude", "-e"}}
    return [
        model
        for model in apps.get_models(include_auto_created=include_auto_created)
        if model._meta.app_label not in excluded and model._meta.label_lower not in excluded
    ]


def content_snapshot():
    """Row counts per table, and every object serialised by natural key, sorted: same snapshot, same content.

    Many-to-many values are sorted too; ids are left out wherever a natural key says which object it is."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in backed_up_models(include_auto_created=True)
    }
    objects = {}
    for model in backed_up_models():
        rows = serializers.serialize(
            "python",
            model._default_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        for row in rows:
            for field in model._meta.many_to_many:
                if field.name in row["fields"]:
                    row["fields"][field.name] = sorted(row["fields"][field.name], key=json.dumps)
        objects[model._meta.label] = sorted(
            json.dumps(row, sort_keys=True, cls=DjangoJSONEncoder) for row in rows
        )
    return counts, objects


@pytest.fixture
def fresh_content_type_cache():
    """flush recreates content types under new ids, and the test's rollback brings the old ones back."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def full_database(directory):
    """The real directory, demo schools (drafts, open days, funding…), an editor and an admin log entry."""
    call_command(
        "generate_demo_data", "--schools", "12", "--seed", "5", "--yes-default-database", verbosity=0
    )
    editor = User.objects.create_user("redactrice", "redaction@example.org", "mot-de-passe-solide-42")
    editor.groups.add(Group.objects.get(name=EDITOR_GROUP_NAME))
    school = School.objects.get(slug="usineure")
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(School),
        object_id=str(school.pk),
        object_repr=str(school),
        action_flag=CHANGE,
        change_message="[]",
    )


def empty_the_database():
    """As `make restore` finds it on a new server after `migrate`: flush sends post_migrate like migrate does.

    PostgreSQL will not TRUNCATE tables with foreign key checks pending from this test's own inserts: run the
    checks now, then defer them again for loaddata."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", "--noinput", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_backup_restored_into_an_empty_database_gives_the_same_content(
    full_database, fresh_content_type_cache, tmp_path
):
    before = content_snapshot()
    backup = tmp_path / "backup.json"
    call_command("dumpdata", *backup_options(), "--output", str(backup), verbosity=0)

    empty_the_database()
    assert not School.objects.exists() and not Commune.objects.exists() and not User.objects.exists()
    call_command("loaddata", str(backup), verbosity=0)

    after_counts, after_objects = content_snapshot()
    assert after_counts == before[0]
    for label, objects in before[1].items():
        assert after_objects[label] == objects, f"{label} differs after the restore"
    assert after_counts["schools.School"] == 22 and after_counts["places.Commune"] == 2644 + 646

    # Natural keys: restoring the same file again changes nothing.
    call_command("loaddata", str(backup), verbosity=0)
    assert content_snapshot() == (after_counts, after_objects)


def test_backup_leaves_out_only_what_migrate_rebuilds_or_what_does_not_last(db):
    kept = {model._meta.label for model in backed_up_models()}
    assert {"schools.School", "places.Commune", "auth.User", "auth.Group", "admin.LogEntry"} <= kept
    assert not kept & {"contenttypes.ContentType", "auth.Permission", "sessions.Session"}


def test_no_model_change_lacks_its_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# Run in a child process on a fresh, empty database: migrating the session's test database to zero would take
# the gazetteer and every other test's tables with it.
MIGRATE_DOWN_AND_UP = """
import json, django
django.setup()
from django.core.management import call_command
from django.db import connection

call_command("migrate", verbosity=0)
for app in {apps!r}:
    call_command("migrate", app, "zero", verbosity=0)
after_zero = connection.introspection.table_names()
call_command("migrate", verbosity=0)
print(json.dumps({{"after_zero": after_zero, "after_migrate": connection.introspection.table_names()}}))
"""


def project_apps():
    """Our own apps that have migrations, last installed first (dependents before what they depend on)."""
    base = Path(settings.BASE_DIR).resolve()
    configs = [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and (Path(config.path) / "migrations").is_dir()
    ]
    return list(reversed(configs))


@pytest.fixture
def empty_database_url(db, tmp_path):
    """DATABASE_URL of a new empty database of the same kind as the test database, dropped at the end."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_migrations"
    server = {
        "host": params["HOST"],
        "port": params["PORT"] or 5432,
        "user": params["USER"],
        "password": params["PASSWORD"],
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = f"{urllib.parse.quote(server['user'])}:{urllib.parse.quote(server['password'] or '')}"
    try:
        yield f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_project_migration_runs_down_to_zero_and_up_again(empty_database_url):
    configs = project_apps()
    assert {"schools", "places", "sources"} <= {config.label for config in configs}
    env = {
        **os.environ,
        "DATABASE_URL": empty_database_url,
        "DJANGO_SETTINGS_MODULE": "normandy_ep.settings.test",
    }
    result = subprocess.run(
        [sys.executable, "-c", MIGRATE_DOWN_AND_UP.format(apps=[config.label for config in configs])],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout.splitlines()[-1])
    project_tables = {
        model._meta.db_table for config in configs for model in config.get_models(include_auto_created=True)
    }
    assert not project_tables & set(tables["after_zero"])
    assert project_tables <= set(tables["after_migrate"])
