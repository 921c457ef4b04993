"""The school's form: its current public facts, prefilled, which it may change; open days to remove or add; a
photo; who sends it. Only what differs from the sheet becomes the proposal."""

import copy
import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone

from contact.abuse import HoneypotForm, one_line
from core.forms import MultilineTextField
from proposals.models import PROPOSED_FIELDS, VALUE_FIELDS, Proposal, open_day_text
from schools.models import School

NO_CHANGE = "Aucune modification : changez au moins une information avant d'envoyer le formulaire."
NEW_OPEN_DAY_ROWS = 3  # blank rows to add open days, without JavaScript; more can be sent again later

# What a school would plausibly type; beyond, a typing slip (and the database's small integers are safe).
BOUNDS = {"intake_places": (0, 500), "age_min": (12, 30), "age_max": (12, 30), "annual_fee_eur": (0, 100_000)}

# Words for the school, not the staff's help texts of the model.
LABELS = {
    "phone": "Téléphone",
    "email": "Courriel de l'école",
    "website": "Site web",
    "street_address": "Adresse (numéro et rue)",
    "intake_places": "Places à la prochaine rentrée",
    "joins_during_year": "Peut-on entrer en cours d'année ?",
    "age_min": "Âge minimum",
    "age_max": "Âge maximum",
    "cost": "Coût pour la famille",
    "annual_fee_eur": "Frais par an, en euros (si l'école est payante)",
    "cost_details": "Ce que couvrent les frais, ou les autres frais",
    "meals": "Repas",
    "boarding": "Internat",
    "transport": "Transports",
    "lodging": "Aide pour se loger",
    "photo": "Nouvelle photo de l'école (facultatif)",
    "photo_alt": "Description de la photo",
}
HELP_TEXTS = {
    "phone": "Le numéro que les familles peuvent appeler, par exemple 02 31 00 00 00.",
    "email": "L'adresse que les familles peuvent utiliser.",
    "website": "Par exemple www.mon-ecole.fr",
    "street_address": "La commune ne se change pas ici : si l'école a déménagé, dites-le dans le message.",
    "intake_places": "Un nombre. Laissez vide si vous ne savez pas encore.",
    "cost_details": "Par exemple : repas, tenue de travail.",
    "meals": "Par exemple : cantine sur place, repas apportés.",
    "transport": "Comment venir : bus, train, aide au transport.",
    "lodging": "Par exemple : foyer, famille d'accueil, aide.",
    "photo": "Une photo de l'atelier ou des élèves au travail. JPEG, PNG ou WebP, 5 Mo au plus.",
    "photo_alt": "Ce que montre la photo, en une phrase, pour les personnes qui ne la voient pas. "
    "Obligatoire avec une nouvelle photo.",
}
HELP_TEXTS = {name: HELP_TEXTS.get(name, "") for name in PROPOSED_FIELDS}  # never the staff's help texts
WIDGETS = {
    "joins_during_year": forms.RadioSelect,
    "cost": forms.RadioSelect,
    "boarding": forms.RadioSelect,
    "photo": forms.FileInput,  # no "effacer" box: removing the photo is not proposed
    "street_address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
    # Text, not type="url": a browser would refuse "www.mon-ecole.fr", which the field completes with https://.
    "website": forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
}


def school_formfield(model_field, **kwargs):
    """The sheet's own form field (phone numbers normalised, photos checked as in the admin), with bounds on
    numbers and one line only for text."""
    if model_field.name in BOUNDS:
        kwargs["min_value"], kwargs["max_value"] = BOUNDS[model_field.name]
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    field = model_field.formfield(**kwargs)
    if isinstance(field, forms.CharField):
        field.validators.append(one_line)
    return field


class ProposalForm(HoneypotForm):
    """The sheet's facts, with the school's current values as initial data, and who sends the proposal.

    A plain form rather than a ModelForm: the proposed values are checked by the sheet's own rules
    (School.clean(): a fee only for a paying school, ages in order, a photo described) on a copy of the
    school, and an error the school cannot fix from here (a postcode staff typed, say) is left to the staff
    rather than shown to it."""

    remove_open_days = forms.MultipleChoiceField(
        label="Journées déjà annoncées (cochez celles à retirer)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = MultilineTextField(
        label="Un message pour l'équipe de la Région (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="1 000 caractères au plus.",
    )
    submitter_name = forms.CharField(
        label="Votre nom (obligatoire)",
        max_length=100,
        validators=[one_line],
        widget=forms.TextInput({"autocomplete": "name"}),
    )
    submitter_role = forms.CharField(
        label="Votre fonction à l'école (obligatoire)",
        max_length=100,
        validators=[one_line],
        help_text="Par exemple : directrice, secrétaire, formateur.",
        widget=forms.TextInput({"autocomplete": "organization-title"}),
    )
    submitter_email = forms.EmailField(
        label="Votre courriel (facultatif)",
        required=False,
        max_length=254,
        help_text="Pour vous dire ce que la Région a retenu. Sans adresse, la réponse part au courriel de "
        "l'école.",
        widget=forms.EmailInput({"autocomplete": "email"}),
    )

    def __init__(self, *args, school, open_days, **kwargs):
        super().__init__(*args, initial=model_to_dict(school, fields=VALUE_FIELDS), **kwargs)
        self.school = school
        sheet_fields = fields_for_model(
            School,
            fields=PROPOSED_FIELDS,
            formfield_callback=school_formfield,
            labels=LABELS,
            help_texts=HELP_TEXTS,
            widgets=WIDGETS,
        )
        self.fields = {**sheet_fields, **self.fields}
        self.open_days = {str(day.pk): day for day in open_days}
        self.fields["remove_open_days"].choices = [
            (pk, open_day_text(day.date, day.start_time, day.end_time, day.details))
            for pk, day in self.open_days.items()
        ]

    def clean(self):
        cleaned = super().clean()
        candidate = copy.copy(self.school)  # copy.copy gives it its own state: the school is never touched
        for name in PROPOSED_FIELDS:
            if name in cleaned and (name != "photo" or cleaned[name]):
                setattr(candidate, name, cleaned[name])
        # Fields already refused, the photo (read once, by its form field) and the rest of the sheet are not
        # checked again; School.clean() sees them all.
        checked = set(cleaned) & set(VALUE_FIELDS)
        try:
            candidate.full_clean(
                exclude={field.name for field in School._meta.fields} - checked,
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, messages)
                elif name == NON_FIELD_ERRORS:
                    self.add_error(None, messages)
        return cleaned

    def changes(self):
        """{field: {"before": the sheet's value, "after": the proposed value}} for each field changed.

        With a new photo, its description always goes too: the old one described the old photo."""
        changed = set(self.changed_data)
        if self.cleaned_data.get("photo"):
            changed.add("photo_alt")
        return {
            name: {"before": getattr(self.school, name), "after": self.cleaned_data[name]}
            for name in VALUE_FIELDS
            if name in changed
        }

    def removed_open_days(self):
        return [self.open_days[pk] for pk in self.cleaned_data["remove_open_days"]]


class NewOpenDayForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label="Heure de début (facultatif)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label="Heure de fin (facultatif)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    details = forms.CharField(
        label="Précisions (facultatif)",
        required=False,
        max_length=200,
        validators=[one_line],
        help_text="Par exemple : sur rendez-vous, entrée par la cour.",
    )

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and day < timezone.localdate():
            self.add_error("date", "Cette date est passée : indiquez une journée à venir.")
        if start and end and start >= end:
            self.add_error("end_time", "L'heure de fin doit suivre l'heure de début.")
        if end and not start:
            self.add_error("start_time", "Indiquez aussi l'heure de début.")
        return cleaned

    def as_json(self):
        data = self.cleaned_data

        def clock(value):
            return value.strftime("%H:%M") if value else None

        return {
            "date": data["date"].isoformat(),
            "start_time": clock(data["start_time"]),
            "end_time": clock(data["end_time"]),
            "details": data["details"],
        }


NewOpenDayFormSet = forms.formset_factory(
    NewOpenDayForm,
    extra=NEW_OPEN_DAY_ROWS,
    max_num=NEW_OPEN_DAY_ROWS,
    absolute_max=NEW_OPEN_DAY_ROWS,
    validate_max=True,
)


class ProposalSubmission:
    """The form and its rows of new open days, checked together and saved as one proposal."""

    prefix = "ajout"

    def __init__(self, school, open_days, data=None, files=None):
        self.school = school
        self.form = ProposalForm(data, files, school=school, open_days=open_days)
        self.new_days = NewOpenDayFormSet(data, prefix=self.prefix)

    def is_valid(self):
        valid = self.form.is_valid() & self.new_days.is_valid()  # both, so that every error shows
        if valid:
            self.check_new_dates()
        if valid and not self.has_changes():
            self.form.add_error(None, NO_CHANGE)
        return not self.form.errors and not self.new_days.total_error_count()

    def added_rows(self):
        return [form for form in self.new_days.forms if form.has_changed() and form.cleaned_data]

    def check_new_dates(self):
        """One new open day per date, and none on a date already announced unless that one is removed."""
        kept = {day.date for day in self.form.open_days.values()} - {
            day.date for day in self.form.removed_open_days()
        }
        seen = set()
        for row in self.added_rows():
            day = row.cleaned_data["date"]
            if day in kept:
                row.add_error(
                    "date",
                    "Une journée est déjà annoncée ce jour-là : pour la changer, cochez-la dans les journées "
                    "à retirer, puis ajoutez-la ici.",
                )
            elif day in seen:
                row.add_error("date", "Cette date est déjà dans une autre ligne.")
            seen.add(day)

    def has_changes(self):
        return bool(
            self.form.changes()
            or self.form.cleaned_data.get("photo")
            or self.form.cleaned_data["remove_open_days"]
            or self.added_rows()
        )

    @property
    def errors(self):
        """Every error in the order of the page, as (anchor id, what it is about, message), for the summary at
        the top of the page."""
        found = [("", "", message) for message in self.form.non_field_errors()]
        for field in self.form:
            found += [(field.auto_id, field.label, message) for message in field.errors]
        found += [("nouvelles-journees", "", message) for message in self.new_days.non_form_errors()]
        for n, row in enumerate(self.new_days.forms, start=1):
            for field in row:
                label = f"Nouvelle journée {n}, {field.label[0].lower()}{field.label[1:]}"
                found += [(field.auto_id, label, message) for message in field.errors]
        return found

    @transaction.atomic
    def save(self, invitation):
        data = self.form.cleaned_data
        proposal = Proposal(
            school=self.school,
            invitation=invitation,
            submitter_name=data["submitter_name"],
            submitter_role=data["submitter_role"],
            submitter_email=data["submitter_email"],
            note=data["note"],
            changes=self.form.changes(),
            open_days_added=sorted((row.as_json() for row in self.added_rows()), key=lambda d: d["date"]),
            open_days_removed=[
                {"id": day.pk, "date": day.date.isoformat(), "text": text_of(day)}
                for day in self.form.removed_open_days()
            ],
        )
        if data.get("photo"):
            proposal.keep_photo(data["photo"])
        proposal.save()
        return proposal


def text_of(day):
    return open_day_text(day.date, day.start_time, day.end_time, day.details)


def parse_open_day(values):
    """The JSON row of an open day to add, back into Python values."""
    return {
        "date": datetime.date.fromisoformat(values["date"]),
        "start_time": datetime.time.fromisoformat(values["start_time"]) if values["start_time"] else None,
        "end_time": datetime.time.fromisoformat(values["end_time"]) if values["end_time"] else None,
        "details": values["details"],
    }
