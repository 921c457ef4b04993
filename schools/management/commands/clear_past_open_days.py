from django.core.management.base import BaseCommand

from schools.models import OpenDay


class Command(BaseCommand):
    help = (
        "Supprime les journées portes ouvertes passées. Le site ne les montre déjà plus ; "
        "elles restent dans l'historique de chaque école."
    )

    def handle(self, *args, **options):
        past = list(OpenDay.objects.past().select_related("school"))
        for open_day in past:
            open_day._change_reason = "Journée passée, supprimée par clear_past_open_days"
            open_day.delete()  # one by one: each deletion is recorded in the history
        s = "s" if len(past) > 1 else ""
        self.stdout.write(f"{len(past)} journée{s} portes ouvertes passée{s} supprimée{s}.")
