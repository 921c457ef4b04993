"""What the public sends: a family's contact request to a school, an error report on a page, and the count of
forms sent per client address that the rate limit reads (contact/abuse.py).

Personal data are kept only as long as they serve: requests and reports are deleted
`settings.PUBLIC_MESSAGES_RETENTION` (183 days) after they were sent, by `manage.py purge_public_messages`
(contact/retention.py), run daily."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from contact.enums import Recipient, ReportStatus, RequestStatus, Wish
from core.phones import PhoneNumberField, display_phone
from outbox.models import Message
from schools.models import School

FIRST_NAME_MAX_LENGTH = 60
TEXT_MAX_LENGTH = 1000  # a message, an error report: a few paragraphs
# Schools mostly take 15 to 18-year-olds, some older ones; a younger teen (or a parent) may ask ahead.
AGE_MIN, AGE_MAX = 12, 30


def handled_iff_dated(handled):
    """The status says handled exactly when the handling date is set (SQL's NULL spelled out)."""
    return Q(status=handled, handled_at__isnull=False) | (~Q(status=handled) & Q(handled_at__isnull=True))


class Submission(models.Model):
    """One form stored from one client address, kept only to count them (the rate limit of contact/abuse.py).

    The address is never stored: only a keyed hash of it, useless without the site's secret key. Rows older
    than `abuse.SUBMISSIONS_KEPT` (24 hours, longer than any limit's window) are deleted by
    `manage.py purge_public_messages`."""

    form = models.CharField("formulaire", max_length=40)
    client = models.CharField("empreinte de l'adresse", max_length=64)
    submitted_at = models.DateTimeField("envoyé le", db_index=True)

    class Meta:
        verbose_name = "envoi"
        verbose_name_plural = "envois"
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["form", "client", "submitted_at"])]

    def __str__(self):
        return f"{self.form} {self.submitted_at:%Y-%m-%d %H:%M}"


class ContactRequestQuerySet(models.QuerySet):
    def inbox_summary(self):
        """{"total": …, "new": …} in one query: the school's admin page links to its requests with it."""
        return self.aggregate(total=Count("pk"), new=Count("pk", filter=Q(status=RequestStatus.NEW)))


class ContactRequest(models.Model):
    """A family asks a school to call or write back (the form of every published school page).

    Only what the school needs to answer: a first name, a way to reach the person, the young person's age
    (required: the first thing a school checks is whether it can take them), what they want, a message."""

    Status = RequestStatus
    Wish = Wish
    Recipient = Recipient

    school = models.ForeignKey(
        School,
        verbose_name="école",
        on_delete=models.CASCADE,
        related_name="contact_requests",
        help_text="L'école dont la fiche a servi à envoyer la demande.",
    )
    first_name = models.CharField(
        "prénom",
        max_length=FIRST_NAME_MAX_LENGTH,
        help_text="Sur une ligne (le formulaire refuse les sauts de ligne).",
    )
    phone = PhoneNumberField(
        "téléphone", blank=True, help_text="Le téléphone ou le courriel, au moins l'un des deux."
    )
    email = models.EmailField("courriel", blank=True, help_text="Reçoit une copie de la demande.")
    age = models.PositiveSmallIntegerField(
        "âge",
        validators=[MinValueValidator(AGE_MIN), MaxValueValidator(AGE_MAX)],
        help_text=f"L'âge du jeune intéressé par l'école ({AGE_MIN} à {AGE_MAX} ans).",
    )
    wish = models.CharField("souhait", max_length=20, choices=Wish)
    message = models.TextField(
        "message",
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text=f"Facultatif, {TEXT_MAX_LENGTH} caractères au plus.",
    )
    created_at = models.DateTimeField(
        "envoyée le", default=timezone.now, db_index=True, help_text="Effacée automatiquement 6 mois après."
    )
    recipient = models.CharField(
        "adressée à",
        max_length=20,
        choices=Recipient,
        help_text="L'équipe régionale reçoit les demandes des écoles dont l'annuaire n'a pas le courriel.",
    )
    transmission = models.ForeignKey(
        Message,
        verbose_name="courriel de transmission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Le courriel à l'école ou à l'équipe régionale (effacé de la file 30 jours après l'envoi).",
    )
    copy = models.ForeignKey(
        Message,
        verbose_name="copie à la personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="La copie envoyée à la personne, si elle a donné son courriel.",
    )
    transmitted_at = models.DateTimeField(
        "transmise le",
        null=True,
        blank=True,
        help_text="Quand le courriel est parti vers le serveur de courriel.",
    )
    status = models.CharField(
        "état",
        max_length=20,
        choices=RequestStatus,
        default=RequestStatus.NEW,
        help_text="Nouvelle : le courriel n'est pas encore parti. Transmise : il est parti. "
        "Traitée : l'équipe l'a marquée ainsi.",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="traitée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de contact"
        verbose_name_plural = "demandes de contact"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="", email=""),
                name="contact_request_phone_or_email",
                violation_error_message="Indiquez un téléphone ou un courriel.",
            ),
            models.CheckConstraint(condition=~Q(first_name=""), name="contact_request_first_name_given"),
            models.CheckConstraint(
                condition=Q(age__gte=AGE_MIN, age__lte=AGE_MAX), name="contact_request_age_plausible"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("message"), TEXT_MAX_LENGTH),
                name="contact_request_message_length",
            ),
            models.CheckConstraint(condition=Q(wish__in=Wish.values), name="contact_request_wish_known"),
            models.CheckConstraint(
                condition=Q(recipient__in=Recipient.values), name="contact_request_recipient_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="contact_request_status_known"
            ),
            models.CheckConstraint(
                condition=handled_iff_dated(RequestStatus.HANDLED), name="contact_request_handled_iff_dated"
            ),
        ]

    def __str__(self):
        return f"Demande n° {self.pk}"

    @property
    def phone_display(self):
        return display_phone(self.phone)


class ErrorReport(models.Model):
    """Someone reports an error on one of the site's pages (a school, a trade, a programme, a funder, the
    accessibility statement, where the RGAA asks for a way to report access problems)."""

    Status = ReportStatus

    page_path = models.CharField(
        "adresse de la page", max_length=200, help_text="Le chemin de la page concernée sur ce site."
    )
    page_label = models.CharField(
        "page", max_length=250, help_text="Ce qu'est la page, au moment du signalement."
    )
    description = models.TextField("ce qui ne va pas", max_length=TEXT_MAX_LENGTH)
    email = models.EmailField("courriel", blank=True, help_text="Facultatif : pour lui répondre.")
    created_at = models.DateTimeField(
        "envoyé le", default=timezone.now, db_index=True, help_text="Effacé automatiquement 6 mois après."
    )
    notification = models.ForeignKey(
        Message,
        verbose_name="courriel à l'équipe",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("état", max_length=20, choices=ReportStatus, default=ReportStatus.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="traité par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField("traité le", null=True, blank=True)

    class Meta:
        verbose_name = "erreur signalée"
        verbose_name_plural = "erreurs signalées"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(page_path__startswith="/"), name="error_report_page_is_a_path"
            ),
            models.CheckConstraint(condition=~Q(description=""), name="error_report_description_given"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), TEXT_MAX_LENGTH),
                name="error_report_description_length",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="error_report_status_known"
            ),
            models.CheckConstraint(
                condition=handled_iff_dated(ReportStatus.HANDLED), name="error_report_handled_iff_dated"
            ),
        ]

    def __str__(self):
        return f"Signalement n° {self.pk}"
