from django.core.management.base import BaseCommand

from security.login_journal import purge_login_journal


class Command(BaseCommand):
    help = "Supprime du journal des connexions à l'administration ce qui a dépassé sa durée de conservation."

    def handle(self, *args, **options):
        logins, attempts = purge_login_journal()
        self.stdout.write(f"Journal des connexions : {logins} connexion(s) et {attempts} échec(s) supprimés.")
