from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Écoles"

    def ready(self):
        from schools.editors import sync_editor_group

        # After every migrate, so that permissions of models added later reach the group too.
        post_migrate.connect(sync_editor_group, dispatch_uid="schools.sync_editor_group")
