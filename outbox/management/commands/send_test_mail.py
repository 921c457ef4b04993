from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from outbox.models import Message
from outbox.sending import RefusedMail, queue_mail, send_queued


class Command(BaseCommand):
    help = "Envoie un courriel d'essai à l'adresse donnée, pour vérifier la configuration du courrier."

    def add_arguments(self, parser):
        parser.add_argument("address", help="Adresse qui recevra le courriel d'essai.")

    def handle(self, *args, address, **options):
        try:
            message = queue_mail(
                address,
                "Courriel d'essai de l'annuaire des écoles de production",
                template="outbox/test_message",
                context={"sent_on": timezone.now()},
            )
        except RefusedMail as error:
            raise CommandError(str(error)) from None
        send_queued(message.pk)  # now, even inside a transaction (nothing to do if it was sent on commit)
        message = Message.objects.get(pk=message.pk)
        line = f"Courriel n° {message.pk} : {message.get_state_display()}."
        if message.last_error:
            line += f" {message.last_error}"
        self.stdout.write(line)
