from django.core.management.base import BaseCommand

from contact.retention import purge_public_messages


class Command(BaseCommand):
    help = (
        "Supprime les demandes de contact et les erreurs signalées de plus de 6 mois (183 jours), "
        "les courriels qui les ont portées, et les empreintes d'adresses du contrôle des envois de plus "
        "de 24 heures. "
        "À lancer chaque jour."
    )

    def handle(self, *args, **options):
        requests, reports, messages, submissions = purge_public_messages()
        self.stdout.write(
            f"Supprimés : {requests} demande(s) de contact, {reports} signalement(s), "
            f"{messages} courriel(s), {submissions} empreinte(s) d'adresse."
        )
