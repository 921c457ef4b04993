"""The "Rédaction" group: regional staff who keep the directory's content right, without access to accounts.
They also see the outbox (outbox/admin.py), read only, and handle the schools' own updates: invitation links
and proposals (proposals/admin.py).

It is kept in step after every `migrate`, so the permissions of models added later reach it too.
Staff accounts are made members in the admin (Utilisateurs → groupes) and need "statut équipe".
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

EDITOR_GROUP_NAME = "Rédaction"
# The outbox, read only, and "renvoyer": staff see that a request left, and send again one that did not.
OUTBOX_PERMISSIONS = ("view_message", "resend_message")
# Invitations (create, send, revoke) and the schools' proposals (review, decide): every permission of the app.
PROPOSAL_APPS = ("proposals",)


def sync_editor_group(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    if sender.label not in (*settings.CONTENT_APPS, "outbox", *PROPOSAL_APPS):
        return
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # a state without auth, e.g. after `migrate <app> zero`: as Django's own handlers do
        return
    group, _ = Group.objects.using(using).get_or_create(name=EDITOR_GROUP_NAME)
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label__in=(*settings.CONTENT_APPS, *PROPOSAL_APPS)
        )
    )
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="outbox", codename__in=OUTBOX_PERMISSIONS
        )
    )
