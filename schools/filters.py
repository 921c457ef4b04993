import django_filters

from funding.models import FundingSource
from programs.models import Programme, Trade
from schools.enums import Departement
from schools.models import School

SEARCH_MAX_LENGTH = 100


def ignored_choice(what):
    return {"invalid_choice": f"{what} « %(value)s » n'existe pas dans l'annuaire : ce filtre est ignoré."}


class SchoolFilter(django_filters.FilterSet):
    """The filters of /ecoles/. A value that does not validate is dropped with a message; the others apply."""

    q = django_filters.CharFilter(
        label="Rechercher une école, une ville, un métier",
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": f"Votre recherche est trop longue ({SEARCH_MAX_LENGTH} caractères au plus) : "
            "elle est ignorée.",
            "null_characters_not_allowed": "Votre recherche contient un caractère invalide : "
            "elle est ignorée.",
        },
    )
    metier = django_filters.ChoiceFilter(
        label="Métier",
        method="filter_metier",
        empty_label="Tous les métiers",
        error_messages=ignored_choice("Le métier"),
    )
    formation = django_filters.ChoiceFilter(
        label="Formation",
        method="filter_formation",
        empty_label="Toutes les formations",
        error_messages=ignored_choice("La formation"),
    )
    departement = django_filters.ChoiceFilter(
        label="Département",
        choices=Departement.choices,
        method="filter_departement",
        empty_label="Toute la Normandie",
        error_messages=ignored_choice("Le département"),
    )
    financement = django_filters.ChoiceFilter(
        label="Financeur",
        method="filter_financement",
        empty_label="Tous les financeurs",
        error_messages=ignored_choice("Le financeur"),
    )

    class Meta:
        model = School
        fields = ["q", "metier", "formation", "departement", "financement"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query per list, evaluated once: used both to render the options and to validate the value.
        self.filters["metier"].extra["choices"] = list(Trade.objects.values_list("slug", "name"))
        self.filters["formation"].extra["choices"] = list(Programme.objects.values_list("slug", "title"))
        self.filters["financement"].extra["choices"] = list(FundingSource.objects.values_list("slug", "name"))

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_metier(self, queryset, name, value):
        return queryset.teaching(value)

    def filter_formation(self, queryset, name, value):
        return queryset.offering(value)

    def filter_departement(self, queryset, name, value):
        return queryset.in_departement(value)

    def filter_financement(self, queryset, name, value):
        return queryset.funded_by(value)

    def active_filters(self):
        """The valid filters in use, each with its readable value and the query string that removes it."""
        if not self.is_bound:
            return []
        active = []
        for name, value in self.form.cleaned_data.items():
            if not value:
                continue
            field = self.form[name].field
            shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
            remaining = self.data.copy()
            remaining.pop(name, None)
            remaining.pop("page", None)
            label = "Recherche" if name == "q" else field.label
            active.append({"label": label, "value": shown, "remove_query": remaining.urlencode()})
        return active
