from django.core.management.base import BaseCommand

from outbox.enums import State
from outbox.sending import purge_outbox, send_due


class Command(BaseCommand):
    help = (
        "Envoie les courriels en attente dont l'heure est venue, puis supprime les courriels envoyés ou "
        "abandonnés depuis plus de 30 jours. À lancer chaque minute (cron ou minuteur systemd)."
    )

    def handle(self, *args, **options):
        counts = send_due()
        deleted = purge_outbox()
        self.stdout.write(
            f"Courriels : {counts.get(State.SENT, 0)} envoyé(s), "
            f"{counts.get(State.FAILED, 0) + counts.get(State.WAITING, 0)} en échec qui attendent un nouvel "
            f"essai, {counts.get(State.ABANDONED, 0)} abandonné(s) ; {deleted} ancien(s) supprimé(s)."
        )
