"""Data safety: a backup restores the very same content, and every migration runs both ways.

`manage.py backup` dumps the database (core/management/commands/backup.py); `manage.py restore` migrates the
database and loads the file (restore.py). Runs on SQLite, and on PostgreSQL when the suite runs there (CI runs
it on both).
"""

import json
import os
import subprocess
import sys
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.backup_json import WholeTimesEncoder
from core.cache import content_version
from core.management.commands.backup import EXCLUDED
from core.models import ContentVersion
from outbox.sending import queue_mail
from places.models import Commune
from schools.editors import EDITOR_GROUP_NAME
from schools.models import School


def backed_up_models(include_auto_created=False):
    """The models the backup holds: every installed model but those the backup command excludes."""
    excluded = {label.lower() for label in EXCLUDED}
    return [
        model
        for model in apps.get_models(include_auto_created=include_auto_created)
        if model._meta.app_label not in excluded and model._meta.label_lower not in excluded
    ]


def content_snapshot():
    """Row counts per table, and every object serialised by natural key, sorted: same snapshot, same content.

    Many-to-many values are sorted too; ids are left out wherever a natural key says which object it is; times
    are written to the microsecond."""
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
            json.dumps(row, sort_keys=True, cls=WholeTimesEncoder) for row in rows
        )
    return counts, objects


@pytest.fixture
def fresh_content_type_cache():
    """flush recreates content types under new ids, and the test's rollback brings the old ones back."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def full_database(directory):
    """The real directory with its history, demo schools (drafts, open days, funding…), an editor with a
    second factor, an admin log entry, a history record saved 400 µs after a whole second (Django's JSON
    would give it back at the second) and a message in the outbox."""
    call_command(
        "generate_demo_data", "--schools", "12", "--seed", "5", "--yes-default-database", verbosity=0
    )
    editor = User.objects.create_user("redactrice", "redaction@example.org", "mot-de-passe-solide-42")
    editor.groups.add(Group.objects.get(name=EDITOR_GROUP_NAME))
    TOTPDevice.objects.create(user=editor, name="Téléphone", confirmed=True)
    school = School.objects.get(slug="usineure")
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(School),
        object_id=str(school.pk),
        object_repr=str(school),
        action_flag=CHANGE,
        change_message="[]",
    )
    school.history.filter(pk=school.history.earliest().pk).update(
        history_date=datetime(2026, 11, 20, 9, 30, 0, 400, tzinfo=UTC)
    )
    queue_mail(["famille@example.org"], "Votre demande", text="Ce qu'une famille a écrit.")


def empty_the_database():
    """As `manage.py restore` finds a new server's database: flush sends post_migrate like migrate does.

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
    full_database, fresh_content_type_cache, tmp_path, django_capture_on_commit_callbacks
):
    before = content_snapshot()
    assert before[0]["schools.HistoricalSchool"] > 0 and before[0]["otp_totp.TOTPDevice"] == 1
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), verbosity=0)
    assert "Ce qu'une famille a écrit" not in backup.read_text()  # the outbox stays out

    empty_the_database()
    assert not School.objects.exists() and not Commune.objects.exists() and not User.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("restore", str(backup), verbosity=0)

    after_counts, after_objects = content_snapshot()
    assert after_counts == before[0]
    for label, objects in before[1].items():
        assert after_objects[label] == objects, f"{label} differs after the restore"
    assert after_counts["schools.School"] == 22 and after_counts["places.Commune"] == 2644 + 646
    assert User.objects.get(username="redactrice").check_password("mot-de-passe-solide-42")

    # Natural keys: restoring the same file again changes nothing.
    call_command("restore", str(backup), verbosity=0)
    assert content_snapshot() == (after_counts, after_objects)


def test_a_restore_bumps_the_content_version_the_database_has_once(
    directory, tmp_path, django_capture_on_commit_callbacks
):
    """The version is not in the file: restoring an older backup never brings back an older number, under
    which pages may still be cached."""
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), verbosity=0)
    ContentVersion.objects.update(number=500)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("restore", str(backup), verbosity=0)
    assert content_version() == 501


def test_a_backup_written_before_the_content_version_moved_to_core_restores(directory, tmp_path):
    """Until schools migration 0012 the counter was schools.ContentVersion, and the "Rédaction" group held its
    permissions: a new database has none, so the restore leaves them out (and the file as it is)."""
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), verbosity=0)
    objects = json.loads(backup.read_text())
    group = next(item for item in objects if item["model"] == "auth.group")
    kept = list(group["fields"]["permissions"])
    group["fields"]["permissions"] += [
        [f"{action}_contentversion", "schools", "contentversion"] for action in ("add", "view")
    ]
    backup.write_text(json.dumps(objects))
    written = backup.read_text()

    call_command("restore", str(backup), verbosity=0)
    restored = Group.objects.get(name=group["fields"]["name"]).permissions.all()
    assert sorted(permission.natural_key() for permission in restored) == sorted(map(tuple, kept))
    assert backup.read_text() == written


def test_a_failed_backup_never_replaces_the_previous_one(directory, tmp_path, monkeypatch):
    backup = tmp_path / "backup.json"
    backup.write_text("la sauvegarde d'hier")
    written = []

    def full_disk(self):
        """Every object is in the partial file when the disk fills up: only its closing bracket is missing.
        (Failing in the middle would leave PostgreSQL's server-side cursor to a later test.)"""
        self.stream.flush()
        written.append(os.path.getsize(self.stream.name))
        raise OSError(28, "Plus de place sur le disque")

    monkeypatch.setattr(serializers.json.Serializer, "end_serialization", full_disk)
    with pytest.raises(CommandError, match="rien n'a été remplacé") as failure:
        call_command("backup", str(backup), verbosity=0)
    assert "Plus de place sur le disque" in str(failure.value)
    assert written[0] > 1_000_000 and backup.read_text() == "la sauvegarde d'hier"
    assert list(tmp_path.iterdir()) == [backup]  # the partial file, password hashes and all, is gone


def test_backup_leaves_out_only_what_migrate_rebuilds_or_what_does_not_last(db):
    kept = {model._meta.label for model in backed_up_models()}
    assert {
        "schools.School",
        "schools.HistoricalSchool",
        "places.Commune",
        "auth.User",
        "auth.Group",
        "admin.LogEntry",
        "otp_totp.TOTPDevice",
    } <= kept
    assert not kept & {
        "contenttypes.ContentType",
        "auth.Permission",
        "sessions.Session",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "outbox.Message",
        "core.ContentVersion",
    }


class TestBadFiles:
    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (None, "n'existe pas"),
            ("", "n'est pas du JSON valide (ligne 1, colonne 1)"),
            ('[{"model": "schools.school", "fields": {"na', "n'est pas du JSON valide"),
            ('{"schools": []}', "n'a pas la forme d'une sauvegarde"),
            ('[{"model": "schools.school"}]', "n'a pas la forme d'une sauvegarde"),
            ("[]", "ne contient aucun objet"),
            (b"\xff\xfe[]", "n'est pas du texte UTF-8"),
        ],
    )
    def test_a_bad_file_is_refused_before_anything_is_written(self, directory, tmp_path, content, message):
        backup = tmp_path / "backup.json"
        if isinstance(content, bytes):
            backup.write_bytes(content)
        elif content is not None:
            backup.write_text(content)
        before = content_snapshot()
        with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
            call_command("restore", str(backup), verbosity=0)
        assert content_snapshot() == before


def test_a_file_that_fails_halfway_restores_nothing(directory, tmp_path):
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), verbosity=0)
    objects = json.loads(backup.read_text())
    school = next(item for item in objects if item["model"] == "schools.school")
    school["fields"]["name"] = "Renommée par la sauvegarde"
    objects.append({"model": "schools.school", "fields": {**school["fields"], "slug": "ailleurs"}})
    objects[-1]["fields"]["commune"] = ["00000"]  # no such commune: the load fails after the rename
    backup.write_text(json.dumps(objects))
    with pytest.raises(CommandError, match="n'a rien chargé"):
        call_command("restore", str(backup), verbosity=0)
    assert not School.objects.filter(name="Renommée par la sauvegarde").exists()


def test_the_development_database_is_refused_unless_named(directory, tmp_path, settings, monkeypatch):
    """In this process the test database stands for the development one; the next test runs the real case."""
    if connection.vendor != "sqlite":
        pytest.skip("la base de développement est un fichier SQLite")
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), verbosity=0)
    School.objects.filter(slug="usineure").update(name="Changée depuis la sauvegarde")
    settings.DEVELOPMENT_DATABASE = connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match="Refusé : la restauration irait dans la base de développement"):
        call_command("restore", str(backup), verbosity=0)
    assert School.objects.get(slug="usineure").name == "Changée depuis la sauvegarde"
    call_command("restore", str(backup), "--base-de-developpement", verbosity=0)
    assert School.objects.get(slug="usineure").name != "Changée depuis la sauvegarde"


def manage(*args, **environ):
    """`manage.py` in a child process with only these variables (and PATH): its exit code and stderr."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("settings_module", ["normandy_ep.settings.base", "normandy_ep.settings.dev"])
def test_without_database_url_restore_refuses_and_says_how_to_reach_production(tmp_path, settings_module):
    """The real case: production settings, or the default ones, with DATABASE_URL forgotten. The file named
    does not exist, so that even a broken refusal could not write into the development database."""
    development = Path(settings.DEVELOPMENT_DATABASE)
    before = development.stat().st_mtime_ns if development.exists() else None
    code, stderr = manage(
        "restore",
        str(tmp_path / "sauvegarde.json"),
        DJANGO_SETTINGS_MODULE=settings_module,
        DJANGO_SECRET_KEY="une-clé-pour-ce-test",
    )
    assert code == 1
    assert "Refusé : la restauration irait dans la base de développement" in stderr
    assert "DJANGO_SETTINGS_MODULE=normandy_ep.settings.base DATABASE_URL=postgres://" in stderr
    assert "--base-de-developpement" in stderr
    assert "Traceback" not in stderr
    assert (development.stat().st_mtime_ns if development.exists() else None) == before


@pytest.mark.slow
def test_an_expected_error_exits_non_zero_with_a_message_and_no_traceback(tmp_path):
    broken = tmp_path / "sauvegarde.json"
    broken.write_text('[{"model": "schools.school", "fields": {"na')
    environ = {
        "DJANGO_SETTINGS_MODULE": "normandy_ep.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'jamais-creee.sqlite3'}",
    }
    code, stderr = manage("restore", str(broken), **environ)
    assert (code, "Traceback" in stderr) == (1, False)
    assert "n'est pas du JSON valide" in stderr
    code, stderr = manage("backup", str(tmp_path / "pas-de-dossier" / "sauvegarde.json"), **environ)
    assert (code, "Traceback" in stderr) == (1, False)
    assert "n'existe pas" in stderr
    assert not (tmp_path / "jamais-creee.sqlite3").exists()


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


@pytest.mark.slow
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
