"""French phone numbers: typed in any usual way, stored in one format (E.164, "+33231000000"),
shown as people write them ("02 31 00 00 00")."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models

INVALID_PHONE = "Saisissez un numéro de téléphone français, par exemple 02 31 00 00 00."
MAX_TYPED_LENGTH = 40


def normalize_phone(text):
    """The E.164 form of a French number typed as people type it, or ValidationError in French."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) > MAX_TYPED_LENGTH:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number) or number.country_code not in FRENCH_COUNTRY_CODES:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Metropolitan France and the overseas departments (a school may give a Réunion number, say).
FRENCH_COUNTRY_CODES = {33, 262, 508, 590, 594, 596, 689, 687, 269, 681}


def validate_stored_phone(value):
    if value and normalize_phone(value) != value:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")


def display_phone(value):
    """ "+33231000000" → "02 31 00 00 00"; a value that does not parse is shown as it is."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


class PhoneFormField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TYPED_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # The form shows the stored number as people write it; an unchanged number stays unchanged.
        return display_phone(value)

    def to_python(self, value):
        return normalize_phone(super().to_python(value))

    def has_changed(self, initial, data):
        try:
            return normalize_phone(initial) != self.to_python(data)
        except ValidationError:
            return True


class PhoneNumberField(models.CharField):
    """A French phone number, stored as E.164; every form normalises what is typed."""

    default_validators = [validate_stored_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneFormField, "max_length": MAX_TYPED_LENGTH, **kwargs})
