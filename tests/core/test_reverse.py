import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.reverse import cached_reverse


def test_cached_reverse_gives_what_reverse_gives():
    assert cached_reverse("selection") == reverse("selection")
    for slug in ["usineure", "demo-01234-caen", "a_b-9"]:
        assert cached_reverse("schools:school_detail", slug) == reverse(
            "schools:school_detail", kwargs={"slug": slug}
        )


def test_cached_reverse_follows_the_script_prefix():
    try:
        set_script_prefix("/annuaire/")
        assert cached_reverse("schools:school_detail", "usineure") == "/annuaire/ecoles/usineure/"
        assert cached_reverse("selection") == reverse("selection")
    finally:
        set_script_prefix("/")
    assert cached_reverse("schools:school_detail", "usineure") == "/ecoles/usineure/"


def test_what_is_not_a_slug_is_refused_as_reverse_refuses_it():
    for not_a_slug in ["école", "", "a/b"]:
        with pytest.raises(NoReverseMatch):
            cached_reverse("schools:school_detail", not_a_slug)
