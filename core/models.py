from django.db import models


class ContentVersion(models.Model):
    """A counter bumped by every change to the directory's content (see core/cache.py).

    Cached public pages are keyed by it, so an edit shows on the next request in every web process,
    even with a cache local to each process."""

    number = models.PositiveBigIntegerField("numéro", default=0)

    class Meta:
        verbose_name = "version du contenu"
        verbose_name_plural = "versions du contenu"
        ordering = ["pk"]

    def __str__(self):
        return str(self.number)
