"""Conventions every model of the directory follows (see STYLE.md), checked by walking the models."""

import pytest
from django.apps import apps
from django.conf import settings

MODELS = [model for label in settings.CONTENT_APPS for model in apps.get_app_config(label).get_models()]
# Not content, but named and ordered the same way: the page cache's counter, the outbox, the public's
# messages, the schools' proposals.
OTHER_MODELS = [
    model
    for label in ("core", "outbox", "contact", "proposals")
    for model in apps.get_app_config(label).get_models()
]


@pytest.mark.parametrize("model", MODELS + OTHER_MODELS, ids=lambda model: model._meta.label)
def test_model_has_ordering_and_lowercase_french_names(model):
    meta = model._meta
    assert meta.ordering, f"{meta.label} has no Meta.ordering"
    assert meta.verbose_name[0].islower() and meta.verbose_name_plural[0].islower()
    assert {"verbose_name", "verbose_name_plural"} <= meta.original_attrs.keys(), (
        f"{meta.label}: French names"
    )
    for field in meta.get_fields(include_hidden=False):
        if field.concrete and not field.auto_created:
            assert str(field.verbose_name)[0].islower(), f"{meta.label}.{field.name}"


# History records (which have an `instance_type`) are made by edits, not content: they appear in no fixture.
FIXTURE_MODELS = [model for model in MODELS if not hasattr(model, "instance_type")]


@pytest.mark.parametrize("model", FIXTURE_MODELS, ids=lambda model: model._meta.label)
def test_model_can_be_loaded_from_fixtures_by_natural_key(model):
    assert hasattr(model, "natural_key")
    assert hasattr(model._default_manager, "get_by_natural_key")


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_public_models_link_to_their_page(model):
    public = {"School", "Trade", "Programme", "FundingSource"}
    assert hasattr(model, "get_absolute_url") == (model.__name__ in public)
