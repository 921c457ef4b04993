"""The "Rédaction" group: regional staff who keep the directory's content right, without access to accounts.
They also see the outbox (outbox/admin.py), read only, and handle the public's messages (contact/admin.py).

It is kept in step after every `migrate`, so the permissions of models added later reach it too.
Staff accounts are made members in the admin (Utilisateurs → groupes) and need "statut équipe".
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

EDITOR_GROUP_NAME = "Rédaction"
CONTENT_APPS = ("sources", "places", "programs", "funding", "schools")
# The outbox, read only, and "renvoyer": staff see that a request left, and send again one that did not.
OUTBOX_PERMISSIONS = ("view_message", "resend_message")
# The families' contact requests and the error reports: read, mark handled, and delete (a person who asks
# for their request to be erased). Never added by hand; the rate limit's counts stay out of sight.
CONTACT_PERMISSIONS = tuple(
    f"{action}_{model}"
    for model in ("contactrequest", "errorreport")
    for action in ("view", "change", "delete")
)
# Beyond the content apps, what the group may do, per app.
SERVICE_PERMISSIONS = {"outbox": OUTBOX_PERMISSIONS, "contact": CONTACT_PERMISSIONS}


def sync_editor_group(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    if sender.label not in (*CONTENT_APPS, *SERVICE_PERMISSIONS):
        return
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # a state without auth, e.g. after `migrate <app> zero`: as Django's own handlers do
        return
    group, _ = Group.objects.using(using).get_or_create(name=EDITOR_GROUP_NAME)
    group.permissions.add(*Permission.objects.using(using).filter(content_type__app_label__in=CONTENT_APPS))
    for app_label, codenames in SERVICE_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.using(using).filter(content_type__app_label=app_label, codename__in=codenames)
        )
