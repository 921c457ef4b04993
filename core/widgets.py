"""Form widgets whose markup is written in Python, for forms shown on pages built often.

Django writes a <select> through three templates: select.html, then select_option.html and attrs.html for each
option. On the list of schools, whose filters offer some fifty options, those template renders were 3 ms of
the 23 ms a page took to build. The same markup written here takes a tenth of that. Its two text boxes, and
the hidden field of every page's error report, went through input.html and attrs.html: 0.2 ms each, a
twentieth of that written here.
"""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def html_attributes(attrs):
    """What django/forms/widgets/attrs.html writes: ` name="value"` for each attribute, the bare name for
    True, nothing for False; names and values escaped."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{conditional_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """forms.Select with the markup of Django's templates (select.html, select_option.html), written here.

    The options are read as ChoiceWidget.optgroups() reads them (a nested list is an <optgroup>, only the
    first option matching the value is selected), without the dictionary it builds for each: a Select's
    options carry no attribute but `selected`."""

    def render(self, name, value, attrs=None, renderer=None):
        values = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        parts = [f'<select name="{conditional_escape(name)}"{html_attributes(attrs)}>']
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, options = option_value, option_label
            else:
                group_name, options = None, [(option_value, option_label)]
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for subvalue, sublabel in options:
                selected = (not has_selected or self.allow_multiple_selected) and str(subvalue) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{conditional_escape(subvalue)}"{" selected" if selected else ""}>'
                    f"{conditional_escape(sublabel)}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every name, value and label escaped above


class PlainInput:
    """For an <input> widget: the markup of Django's input.html, written here."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        shown = "" if value is None else f' value="{conditional_escape(value)}"'
        attributes = html_attributes(self.build_attrs(self.attrs, attrs))
        html = f'<input type="{self.input_type}" name="{conditional_escape(name)}"{shown}{attributes}>'
        return mark_safe(html)  # every text in it escaped above


class PlainTextInput(PlainInput, forms.TextInput):
    pass


class PlainHiddenInput(PlainInput, forms.HiddenInput):
    pass
