from django.db import models


class Wish(models.TextChoices):
    """What the person who asks to be called back wants from the school."""

    DISCOVER = "discover", "Découvrir l'école"
    STAY = "stay", "Faire un séjour découverte"
    ENROL = "enrol", "S'inscrire"
    OTHER = "other", "Autre chose"


class Recipient(models.TextChoices):
    """Who a contact request is sent to: the school when the directory has its e-mail, else the Région's
    team."""

    SCHOOL = "school", "l'école"
    REGION = "region", "l'équipe régionale"


class RequestStatus(models.TextChoices):
    """A contact request's progress, as staff read it in the inbox.

    - new: stored; its mail has not reached the mail server yet (waiting, failing, or no address to send it
      to: a school without e-mail while DJANGO_STAFF_EMAILS is empty);
    - transmitted: the mail to the school (or to the Région's team) was handed to the mail server; set by the
      outbox itself when it sends the message (contact/mail.py, `mark_transmitted`);
    - handled: a staff member marked it done (who and when are kept)."""

    NEW = "new", "Nouvelle"
    TRANSMITTED = "transmitted", "Transmise"
    HANDLED = "handled", "Traitée"


class ReportStatus(models.TextChoices):
    """An error report is new until a staff member marks it handled (the page corrected, or nothing to do)."""

    NEW = "new", "Nouveau"
    HANDLED = "handled", "Traité"
