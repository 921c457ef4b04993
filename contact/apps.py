from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "contact"
    verbose_name = "Messages du public"
