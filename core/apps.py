from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Commun"

    def ready(self):
        from core.cache import connect_invalidation
        from core.search import register_sqlite_unaccent

        connection_created.connect(register_sqlite_unaccent, dispatch_uid="core.register_sqlite_unaccent")
        connect_invalidation()
