from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from places.enums import CommuneKind
from places.models import Commune
from schools.history import record_current_state
from schools.models import School

# Load order matters: each file refers by natural key to objects of the files before it.
GAZETTEER_FIXTURES = ["communes"]  # derived from public data by build_gazetteer
# Written from public sources, by the rules of README.md, "Data and sources".
CONTENT_FIXTURES = ["sources", "programs", "funding", "schools"]
DIRECTORY_FIXTURES = GAZETTEER_FIXTURES + CONTENT_FIXTURES


class Command(BaseCommand):
    help = (
        "Charge les données de l'annuaire (dossier fixtures/) dans une base qui n'a encore aucune école. "
        "Avec --force, recharge les fixtures : les fiches qu'elles contiennent reprennent "
        "leurs valeurs d'origine."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Recharger même si la base contient déjà des écoles."
        )

    def handle(self, *args, force=False, **options):
        if School.objects.exists() and not force:
            if not Commune.objects.exclude(kind=CommuneKind.COMMUNE).exists():
                # Loaded before the gazetteer had the former communes: add them, the content stays as it is.
                call_command("loaddata", *GAZETTEER_FIXTURES, verbosity=options["verbosity"])
                self.stdout.write("Les anciennes communes ont été ajoutées à la liste des communes.")
            self.stdout.write(
                "La base contient déjà des écoles : rien n'est rechargé (--force pour recharger)."
            )
            return
        with transaction.atomic():
            call_command("loaddata", *DIRECTORY_FIXTURES, verbosity=options["verbosity"])
            # The first record of each entry's history: what a later edit can be undone back to.
            reason = "Rechargée depuis les données de départ" if force else "Données de départ"
            record_current_state(reason, update=force)
