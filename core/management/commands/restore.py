"""`manage.py restore PATH`: migrate the database, then load a file written by `manage.py backup`.

The file is read and checked before anything is written. The load runs in one transaction: a file that
fails halfway changes nothing, and once it commits the content version is bumped once, so the public pages
show the restored content on the next request. Objects are matched by natural key: restored over a database
that already has content, the file updates the objects it holds and keeps the others (README "Backup and
restore").

It refuses the development database (the SQLite file the settings fall back to without DATABASE_URL) unless
told: on a server, a forgotten DATABASE_URL would otherwise restore production's backup into a file nobody
serves, and say it succeeded.
"""

import json
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

DEVELOPMENT_FLAG = "--base-de-developpement"
# Models that have left an app since backups were first written, as (app label, model): `migrate` no longer
# makes permissions on them, so a group or user holding one could not be restored. The page cache's counter
# went from schools to core (schools migration 0012), and no one edits it: those permissions are left out.
FORMER_MODELS = {("schools", "contentversion")}


def targets_development_database(connection):
    """True when the connection is the development database, the SQLite file settings.DEVELOPMENT_DATABASE."""
    if connection.vendor != "sqlite":
        return False
    return (
        Path(str(connection.settings_dict["NAME"])).resolve() == Path(settings.DEVELOPMENT_DATABASE).resolve()
    )


def read_backup(path):
    """The objects of a backup file, or a CommandError saying in French what is wrong with it."""
    if path.suffix != ".json":
        raise CommandError(f"Une sauvegarde est un fichier .json : « {path} » n'en est pas un.")
    try:
        objects = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"Le fichier « {path} » n'existe pas.") from None
    except OSError as error:
        raise CommandError(f"Le fichier « {path} » ne peut pas être lu : {error.strerror}.") from None
    except UnicodeDecodeError:
        raise CommandError(
            f"Le fichier « {path} » n'est pas du texte UTF-8 : ce n'est pas une sauvegarde."
        ) from None
    except json.JSONDecodeError as error:
        raise CommandError(
            f"Le fichier « {path} » n'est pas du JSON valide (ligne {error.lineno}, colonne {error.colno}) : "
            "il est peut-être incomplet ou abîmé."
        ) from None
    if not isinstance(objects, list) or not all(
        isinstance(item, dict) and isinstance(item.get("model"), str) and isinstance(item.get("fields"), dict)
        for item in objects
    ):
        raise CommandError(
            f"Le fichier « {path} » n'a pas la forme d'une sauvegarde de l'annuaire (une liste d'objets avec "
            "« model » et « fields », écrite par manage.py backup)."
        )
    if not objects:
        raise CommandError(f"Le fichier « {path} » ne contient aucun objet : rien à restaurer.")
    return objects


def drop_former_permissions(objects):
    """Takes the permissions on FORMER_MODELS out of the groups and users of `objects`; returns how many."""
    dropped = 0
    for item in objects:
        if item["model"] not in ("auth.group", "auth.user"):
            continue
        for field in ("permissions", "user_permissions"):
            keys = item["fields"].get(field)
            if isinstance(keys, list):
                kept = [
                    key for key in keys if not (isinstance(key, list) and tuple(key[1:]) in FORMER_MODELS)
                ]
                dropped += len(keys) - len(kept)
                item["fields"][field] = kept
    return dropped


@contextmanager
def loadable(path, objects):
    """The backup file itself or, when it names permissions on FORMER_MODELS, a copy without them in a
    temporary folder that only this user can read (the file holds password hashes), deleted afterwards."""
    if not drop_former_permissions(objects):
        yield path
        return
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        copy.write_text(json.dumps(objects), encoding="utf-8")
        yield copy


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde écrite par manage.py backup : applique les migrations à la base de "
        "DATABASE_URL, puis charge le fichier en une seule transaction. Refuse la base de développement "
        f"sans {DEVELOPMENT_FLAG}."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FICHIER", help="Fichier de sauvegarde (.json) à restaurer.")
        parser.add_argument(
            DEVELOPMENT_FLAG,
            action="store_true",
            dest="development_database",
            help="Restaurer vraiment dans la base de développement (le fichier SQLite db.sqlite3 du projet).",
        )

    def handle(self, *args, path, development_database, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        if targets_development_database(connection) and not development_database:
            raise CommandError(
                "Refusé : la restauration irait dans la base de développement "
                f"({connection.settings_dict['NAME']}), celle que prennent les réglages quand DATABASE_URL "
                "n'est pas défini.\n"
                "Pour restaurer la base de production, indiquer sa base et les réglages de production :\n"
                "  DJANGO_SETTINGS_MODULE=normandy_ep.settings.base DATABASE_URL=postgres://… "
                f"manage.py restore {path}\n"
                "  (ou make restore BACKUP=… avec ces deux variables).\n"
                f"Pour restaurer vraiment dans la base de développement : ajouter {DEVELOPMENT_FLAG}."
            )
        backup = Path(path).resolve()
        objects = read_backup(backup)
        verbosity = options["verbosity"]
        try:
            call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
            # One transaction (loaddata's own): a file that fails halfway leaves the content as it was.
            with loadable(backup, objects) as fixture:
                call_command("loaddata", str(fixture), verbosity=max(verbosity - 1, 0))
        except (DeserializationError, DatabaseError) as error:
            raise CommandError(
                f"La restauration a échoué et n'a rien chargé (la base garde son contenu d'avant) : {error}"
            ) from None
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(objects)} objet(s) restauré(s) depuis {backup} "
                    f"dans « {connection.settings_dict['NAME']} »."
                )
            )
