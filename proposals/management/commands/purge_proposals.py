from django.core.management.base import BaseCommand

from proposals.retention import purge_decided_proposals


class Command(BaseCommand):
    help = (
        "Supprime les propositions des écoles décidées depuis plus de 6 mois (183 jours) : elles nomment la "
        "personne qui les a envoyées. À lancer chaque jour."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Supprimées : {purge_decided_proposals()} proposition(s) décidée(s).")
