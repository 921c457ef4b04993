from django.db import models


class Submission(models.Model):
    """One form stored from one client address, kept only to count them (the rate limit of contact/abuse.py).

    The address is never stored: only a keyed hash of it, useless without the site's secret key. Rows older
    than the longest window are deleted by `manage.py purge_public_messages`."""

    form = models.CharField("formulaire", max_length=40)
    client = models.CharField("empreinte de l'adresse", max_length=64)
    submitted_at = models.DateTimeField("envoyé le", db_index=True)

    class Meta:
        verbose_name = "envoi"
        indexes = [models.Index(fields=["form", "client", "submitted_at"])]

    def __str__(self):
        return f"{self.form} {self.submitted_at:%Y-%m-%d %H:%M}"
