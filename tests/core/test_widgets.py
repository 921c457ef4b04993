import re

from django import forms

from core.widgets import PlainSelect

CHOICES = [("", "Tous"), ("a&b", "A & <b>"), (3, "trois"), ("Groupe", [("g1", "G1"), ("g2", "G2")])]


def same_markup(html):
    """Django's templates leave blank lines between options: compare without them."""
    return re.sub(r">\s+<", "><", html).strip()


def test_plain_select_writes_what_djangos_select_writes():
    attrs = {"id": "id_x", "required": True, "disabled": False, "aria-describedby": 'x"y'}
    for value in ["", "a&b", 3, "g2", None]:
        for extra in [None, attrs]:
            django_html = forms.Select(choices=CHOICES).render("x", value, extra)
            plain_html = PlainSelect(choices=CHOICES).render("x", value, extra)
            assert same_markup(plain_html) == same_markup(django_html)


def test_plain_select_escapes_names_values_and_labels():
    html = PlainSelect(choices=CHOICES).render('x"><script>', "a&b", {"title": "<i>"})
    assert '<select name="x&quot;&gt;&lt;script&gt;" title="&lt;i&gt;">' in html
    assert '<option value="a&amp;b" selected>A &amp; &lt;b&gt;</option>' in html
    assert "<script>" not in html and "<b>" not in html
