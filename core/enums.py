from django.db import models


class Status(models.TextChoices):
    """Whether a piece of content is on the public site: schools, trades, programmes and funders have one."""

    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"
