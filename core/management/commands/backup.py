"""`manage.py backup PATH`: the whole content of the database as one JSON file (README "Backup and restore").

The file is written as PATH.partial and renamed to PATH only once complete: a dump that fails (a full disk, a
database that stops answering) never replaces the previous backup, and its partial file is deleted.
"""

import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

# Left out of the backup, by app label or model label, each for a reason:
EXCLUDED = [
    # Rebuilt by `migrate`; the file names them by natural key (app and model), never by id.
    "contenttypes",
    "auth.permission",
    # What does not last: logged-in sessions, and django-axes' failed login attempts (kept 15 minutes) and
    # login journal (kept six months, security/login_journal.py). A restored site starts a new journal.
    "sessions",
    "axes",
    # The mail queue: messages may hold what a family wrote, deleted 30 days after sending (OUTBOX_RETENTION);
    # a backup kept longer would keep them longer. And a message waiting when the backup was taken but sent
    # since would be sent a second time after a restore.
    "outbox",
    # What the public sends (families' contact requests, error reports) is deleted six months after it was
    # sent (contact/retention.py): a backup kept longer would keep it longer; and the rate limit's counts do
    # not last. A restored site starts with an empty inbox: the mails have reached the schools and the staff.
    "contact",
    # The page cache's counter, not content: restoring an older number could bring back pages cached under
    # it. The restore bumps the version the database already has.
    "core.contentversion",
]
# Everything else is kept: the directory's content and its history (django-simple-history's records), staff
# accounts with their password hashes, groups and second-factor devices (django-otp), the admin's log.


class Command(BaseCommand):
    help = (
        "Sauvegarde tout le contenu de la base dans un fichier JSON (clés naturelles), écrit d'abord sous "
        "FICHIER.partial puis renommé une fois complet. Se restaure avec manage.py restore FICHIER."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FICHIER", help="Fichier de sauvegarde à écrire, en .json.")

    def handle(self, *args, path, **options):
        target = Path(path)
        if target.suffix != ".json":
            raise CommandError(f"Le fichier de sauvegarde doit finir par .json : « {target} ».")
        if not target.parent.is_dir():
            raise CommandError(f"Le dossier « {target.parent} » n'existe pas : rien n'a été écrit.")
        partial = target.with_name(target.name + ".partial")
        try:
            call_command(
                "dumpdata",
                "--natural-foreign",
                "--natural-primary",
                "--format=json-sauvegarde",  # Django's JSON with whole times (core/backup_json.py)
                *(f"--exclude={label}" for label in EXCLUDED),
                "--indent=1",
                f"--output={partial}",
                verbosity=0,
            )
            with partial.open("rb") as written:
                os.fsync(written.fileno())  # on the disk before it replaces the previous backup
            partial.replace(target)
        except (CommandError, OSError, DatabaseError) as error:  # dumpdata wraps its errors in CommandError
            partial.unlink(missing_ok=True)
            raise CommandError(
                f"La sauvegarde a échoué, rien n'a été remplacé ({target} est intact s'il existait) : {error}"
            ) from None
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite dans {target}."))
