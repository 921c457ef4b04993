import re

from django import forms

from core.widgets import PlainHiddenInput, PlainSelect, PlainTextInput

CHOICES = [
    ("", "Tous"),
    ("a&b", "A & <b>"),
    (3, "trois"),
    (None, "rien"),
    ("Groupe", [("g1", "G1"), ("g2", "G2"), (None, "rien")]),
    ("", [("g3", "G3")]),
    ("3", "trois encore"),
]


def same_markup(html):
    """Django's templates leave blank lines between options: compare without them."""
    return re.sub(r">\s+<", "><", html).strip()


def test_plain_select_writes_what_djangos_select_writes():
    attrs = {"id": "id_x", "required": True, "disabled": False, "aria-describedby": 'x"y'}
    for value in ["", "a&b", 3, "3", "g2", "g3", "None", None, ["g1", "3"]]:
        for extra in [None, attrs]:
            for django_widget, plain_widget in [
                (forms.Select(choices=CHOICES), PlainSelect(choices=CHOICES)),
                (
                    forms.SelectMultiple(choices=CHOICES),
                    type("Multiple", (PlainSelect,), {"allow_multiple_selected": True})(choices=CHOICES),
                ),
            ]:
                django_html = django_widget.render("x", value, extra)
                assert same_markup(plain_widget.render("x", value, extra)) == same_markup(django_html)


def test_plain_select_escapes_names_values_and_labels():
    html = PlainSelect(choices=CHOICES).render('x"><script>', "a&b", {"title": "<i>"})
    assert '<select name="x&quot;&gt;&lt;script&gt;" title="&lt;i&gt;">' in html
    assert '<option value="a&amp;b" selected>A &amp; &lt;b&gt;</option>' in html
    assert "<script>" not in html and "<b>" not in html


def test_plain_inputs_write_what_djangos_inputs_write():
    attrs = {"id": "id_x", "maxlength": 100, "required": True, "disabled": False, "aria-describedby": 'x"y'}
    pairs = [(forms.TextInput, PlainTextInput), (forms.HiddenInput, PlainHiddenInput)]
    for django_widget, plain_widget in pairs:
        for value in ["", None, "caen", 'a"&<b>', 14000]:
            for extra in [None, attrs]:
                for widget_attrs in [None, {"placeholder": "Caen"}]:
                    django_html = django_widget(widget_attrs).render('x"y', value, extra)
                    assert plain_widget(widget_attrs).render('x"y', value, extra) == django_html.strip()
