"""The "Rédaction" group: regional staff who keep the directory's content right, without access to accounts.
They also see the outbox (outbox/admin.py), read only, handle the public's messages (contact/admin.py) and the
schools' own updates: invitation links and proposals (proposals/admin.py).

It is kept in step after every `migrate`, so the permissions of models added later reach it too.
Staff accounts are made members in the admin (Utilisateurs → groupes) and need "statut équipe".
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

EDITOR_GROUP_NAME = "Rédaction"
# Invitations (create, send, revoke) and the schools' proposals (review, decide): every permission of the app,
# as for the content apps (settings.CONTENT_APPS).
PROPOSAL_APPS = ("proposals",)
# The outbox, read only, and "renvoyer": staff see that a request left, and send again one that did not.
OUTBOX_PERMISSIONS = ("view_message", "resend_message")
# The families' contact requests and the error reports: read, mark handled, and delete (a person who asks
# for their request to be erased). Never added by hand; the rate limit's counts stay out of sight.
CONTACT_PERMISSIONS = tuple(
    f"{action}_{model}"
    for model in ("contactrequest", "errorreport")
    for action in ("view", "change", "delete")
)
# Beyond the apps above, what the group may do, per app.
SERVICE_PERMISSIONS = {"outbox": OUTBOX_PERMISSIONS, "contact": CONTACT_PERMISSIONS}


def sync_editor_group(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    every_permission = (*settings.CONTENT_APPS, *PROPOSAL_APPS)
    if sender.label not in (*every_permission, *SERVICE_PERMISSIONS):
        return
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # a state without auth, e.g. after `migrate <app> zero`: as Django's own handlers do
        return
    group, _ = Group.objects.using(using).get_or_create(name=EDITOR_GROUP_NAME)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label__in=every_permission)
    )
    for app_label, codenames in SERVICE_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.using(using).filter(content_type__app_label=app_label, codename__in=codenames)
        )
