"""The public's two forms. Every field has a maximum length, names and addresses fit on one line (nothing can
be slipped into a mail's headers), and each error says in plain French what to do."""

from django import forms
from django.core.exceptions import ValidationError

from contact.abuse import HoneypotForm, one_line
from contact.enums import Recipient
from contact.models import (
    AGE_MAX,
    AGE_MIN,
    FIRST_NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ContactRequest,
    ErrorReport,
)
from contact.pages import reportable_page
from core.forms import MultilineTextField
from core.widgets import PlainHiddenInput

UNKNOWN_PAGE = "La page concernée n'existe pas sur ce site : revenez à la page et réessayez."
TOO_LONG = "Ce texte est trop long : {limit} caractères au plus (il en compte {show_value})."


def too_long(limit):
    return TOO_LONG.format(limit=f"{limit:,}".replace(",", "\u202f"), show_value="%(show_value)s")


class ContactRequestForm(HoneypotForm, forms.ModelForm):
    """A family asks to be called back. Rendered with ids "contact-…": a school page holds a second form."""

    first_name = forms.CharField(
        label="Votre prénom",
        max_length=FIRST_NAME_MAX_LENGTH,
        validators=[one_line],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Indiquez votre prénom.", "max_length": too_long(FIRST_NAME_MAX_LENGTH)},
    )
    age = forms.IntegerField(
        label="Âge du jeune intéressé par l'école",
        help_text="Le vôtre, ou celui de votre enfant. En années, par exemple 16.",
        min_value=AGE_MIN,
        max_value=AGE_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Indiquez l'âge du jeune, en années.",
            "invalid": "Indiquez l'âge en chiffres, par exemple 16.",
            "min_value": f"Indiquez un âge entre {AGE_MIN} et {AGE_MAX} ans.",
            "max_value": f"Indiquez un âge entre {AGE_MIN} et {AGE_MAX} ans.",
        },
    )
    wish = forms.ChoiceField(
        label="Ce que vous souhaitez",
        choices=ContactRequest.Wish.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": "Choisissez ce que vous souhaitez."},
    )
    message = MultilineTextField(
        label="Votre message (facultatif)",
        help_text="Vos questions, vos disponibilités. 1\u202f000 caractères au plus. Ne donnez pas "
        "d'informations de santé ni d'autres informations privées.",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": too_long(TEXT_MAX_LENGTH)},
    )

    class Meta:
        model = ContactRequest
        fields = ["first_name", "phone", "email", "age", "wish", "message"]
        labels = {"phone": "Téléphone (facultatif)", "email": "Adresse e-mail (facultatif)"}
        help_texts = {
            "phone": "Par exemple 06 12 34 56 78.",
            "email": "Vous recevrez une copie de votre demande.",
        }
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})}
        error_messages = {
            "email": {
                "invalid": "Saisissez une adresse e-mail complète, avec un @.",
                "max_length": too_long(254),
            },
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "contact-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["email"].validators.append(one_line)

    def clean(self):
        cleaned = super().clean()
        typed_well = not self.has_error("phone") and not self.has_error("email")
        if typed_well and not cleaned.get("phone") and not cleaned.get("email"):
            self.add_error(
                "phone",
                "Indiquez un téléphone ou une adresse e-mail : sans l'un des deux, l'école ne peut pas "
                "vous répondre.",
            )
        return cleaned

    def save(self, commit=True):
        """Addressed to the school when the directory has its e-mail, else to the Région's team."""
        has_email = bool(self.instance.school.email)
        self.instance.recipient = Recipient.SCHOOL if has_email else Recipient.REGION
        return super().save(commit)


class ErrorReportForm(HoneypotForm):
    """What is wrong on one of the site's pages. `page` is the page's path, sent by the form it carries."""

    page = forms.CharField(widget=PlainHiddenInput, error_messages={"required": UNKNOWN_PAGE})
    description = MultilineTextField(
        label="Qu'est-ce qui ne va pas ?",
        help_text="Par exemple : le numéro de téléphone a changé, une date est passée, un bouton ne marche "
        "pas au clavier. 1\u202f000 caractères au plus.",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Dites en quelques mots ce qui ne va pas.",
            "max_length": too_long(TEXT_MAX_LENGTH),
        },
    )
    email = forms.EmailField(
        label="Votre adresse e-mail (facultatif)",
        help_text="Seulement si vous voulez une réponse.",
        required=False,
        max_length=ErrorReport._meta.get_field("email").max_length,
        validators=[one_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Saisissez une adresse e-mail complète, avec un @.",
            "max_length": too_long(254),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "signalement-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.reported_page = None

    def clean_page(self):
        self.reported_page = reportable_page(self.cleaned_data["page"])
        if self.reported_page is None:
            raise ValidationError(
                "La page concernée n'existe pas sur ce site : revenez à la page et réessayez."
            )
        return self.reported_page.path

    def save(self):
        return ErrorReport.objects.create(
            page_path=self.reported_page.path,
            page_label=self.reported_page.label,
            description=self.cleaned_data["description"],
            email=self.cleaned_data["email"],
        )
