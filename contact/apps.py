from django.apps import AppConfig
from django.db.models.signals import post_save


class ContactConfig(AppConfig):
    name = "contact"
    verbose_name = "Messages du public"

    def ready(self):
        from contact.mail import mark_transmitted
        from outbox.models import Message

        # A request becomes "transmise" when the outbox has sent its mail (see contact/enums.py).
        post_save.connect(mark_transmitted, sender=Message, dispatch_uid="contact.mark_transmitted")
