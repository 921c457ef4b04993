"""Form fields shared by every form that edits content (the admin, imports, proposals from schools)."""

from django import forms


class MultilineTextField(forms.CharField):
    """A textarea's text with Unix line endings.

    Browsers send line breaks as CRLF while stored text has LF: without this, a form saved with no change
    reports every multi-line field as changed (history entry, new date, cache bump)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")
