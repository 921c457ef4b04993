import django_filters
from django.db import connection

from core.widgets import PlainSelect, PlainTextInput
from funding.models import FundingSource
from places.enums import Departement
from places.lookup import find_place
from programs.models import Programme, Trade
from schools.models import School
from schools.search_box import alternatives, read_search_box

TEXT_MAX_LENGTH = 100
SHORT_LABELS = {"q": "Recherche", "pres_de": "Près de", "rayon": "Rayon"}  # for the removable filter chips
RADIUS_CHOICES = [(str(km), f"{km} km") for km in (10, 20, 30, 50, 100)]
BOX_FILTERS = ("metier", "pres_de", "departement")  # what the search box may fill in from `q`
# (filter, model, field shown) of the lists whose options come from the directory.
OPTION_LISTS = [
    ("metier", Trade, "name"),
    ("formation", Programme, "title"),
    ("financement", FundingSource, "name"),
]


def with_search_box_read(data):
    """The list's data with `q` read as schools.search_box says: the trade, place and département typed
    become filters (shown and removable like the others), the remaining words stay in `q`."""
    typed = data.get("q", "") if data is not None else ""
    if not typed.strip() or len(typed) > TEXT_MAX_LENGTH or "\x00" in typed:
        return data  # nothing to read, or refused with a message by the form
    data = data.copy()
    del data["q"]
    for name, value in read_search_box(typed, taken=[name for name in BOX_FILTERS if data.get(name)]).items():
        data[name] = value
    return data


def ignored_choice(what):
    return {"invalid_choice": f"{what} « %(value)s » n'existe pas dans l'annuaire : ce filtre est ignoré."}


def ignored_text(what):
    return {
        "max_length": f"{what} est trop long ({TEXT_MAX_LENGTH} caractères au plus) : il est ignoré.",
        "null_characters_not_allowed": f"{what} contient un caractère invalide : il est ignoré.",
    }


def option_lists():
    """The options of the trade, programme and funder lists, in one query: {filter name: [(slug, label)]}.

    Plain SQL: the ORM built the same query (a union of three annotated querysets) in ten times the time the
    database took to run it, on every list page."""
    quote = connection.ops.quote_name
    selects = [
        f"SELECT '{filter_name}', {quote(model._meta.get_field('slug').column)}, "
        f"{quote(model._meta.get_field(label).column)} FROM {quote(model._meta.db_table)}"
        for filter_name, model, label in OPTION_LISTS
    ]
    lists = {filter_name: [] for filter_name, _, _ in OPTION_LISTS}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects) + " ORDER BY 3")
        for filter_name, slug, label in cursor.fetchall():
            lists[filter_name].append((slug, label))
    return lists


class SchoolFilter(django_filters.FilterSet):
    """The filters of /ecoles/. A value that does not validate is dropped with a message; the others apply."""

    q = django_filters.CharFilter(
        label="Rechercher une école, une ville, un métier",
        method="filter_search",
        max_length=TEXT_MAX_LENGTH,
        error_messages=ignored_text("Le texte recherché"),
        widget=PlainTextInput,
    )
    pres_de = django_filters.CharFilter(
        label="Près de (commune ou code postal)",
        method="filter_near",
        max_length=TEXT_MAX_LENGTH,
        error_messages=ignored_text("Le lieu"),
        widget=PlainTextInput,
    )
    rayon = django_filters.ChoiceFilter(
        label="Dans un rayon de",
        choices=RADIUS_CHOICES,
        method="filter_radius",
        empty_label="Toute distance",
        error_messages=ignored_choice("Le rayon"),
        widget=PlainSelect,
    )
    metier = django_filters.ChoiceFilter(
        label="Métier",
        method="filter_metier",
        empty_label="Tous les métiers",
        error_messages=ignored_choice("Le métier"),
        widget=PlainSelect,
    )
    formation = django_filters.ChoiceFilter(
        label="Formation",
        method="filter_formation",
        empty_label="Toutes les formations",
        error_messages=ignored_choice("La formation"),
        widget=PlainSelect,
    )
    departement = django_filters.ChoiceFilter(
        label="Département",
        choices=Departement.choices,
        method="filter_departement",
        empty_label="Toute la Normandie",
        error_messages=ignored_choice("Le département"),
        widget=PlainSelect,
    )
    financement = django_filters.ChoiceFilter(
        label="Financeur",
        method="filter_financement",
        empty_label="Tous les financeurs",
        error_messages=ignored_choice("Le financeur"),
        widget=PlainSelect,
    )

    class Meta:
        model = School
        fields = ["q", "pres_de", "rayon", "metier", "formation", "departement", "financement"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(with_search_box_read(data), *args, **kwargs)
        self.place = None  # set by filter_near: where distances are measured from, or what was not understood
        self.radius_km = None  # set with the distances (filter_queryset)
        self.before_distances = None
        # Evaluated once: used both to render the options and to validate the value.
        for filter_name, choices in option_lists().items():
            self.filters[filter_name].extra["choices"] = choices

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_queryset(self, queryset):
        """Every filter, then nearest first when a place was understood. `before_distances` keeps the schools
        the filters leave: without a radius they are the whole list, which is counted without distances or the
        join on communes that measuring them takes."""
        queryset = self.before_distances = super().filter_queryset(queryset)
        if self.measures_distance:
            radius = self.form.cleaned_data.get("rayon")
            self.radius_km = int(radius) if radius else None
            queryset = queryset.nearest_to(*self.place.origin, radius_km=self.radius_km)
        return queryset

    def filter_near(self, queryset, name, value):
        self.place = find_place(value)
        return queryset  # distances once every other filter applies: see filter_queryset()

    def filter_radius(self, queryset, name, value):
        return queryset  # applied with pres_de, in filter_queryset()

    def filter_metier(self, queryset, name, value):
        return queryset.teaching(value)

    def filter_formation(self, queryset, name, value):
        return queryset.offering(value)

    def filter_departement(self, queryset, name, value):
        return queryset.in_departement(value)

    def filter_financement(self, queryset, name, value):
        return queryset.funded_by(value)

    def alternatives(self):
        """When no school fits every filter: {"schools", "trade" (its name, if they teach it), "place"}."""
        trade = getattr(self.form, "cleaned_data", {}).get("metier") or None
        place = self.place if self.measures_distance else None
        schools, by_trade = alternatives(School.objects.for_list(), trade, place)
        trade_names = dict(self.filters["metier"].extra["choices"])
        return {"schools": schools, "trade": trade_names[trade] if by_trade else None, "place": place}

    @property
    def narrows(self):
        """Whether a valid filter leaves out schools (a place alone sorts them, a radius leaves some out)."""
        cleaned = getattr(self.form, "cleaned_data", {})
        if self.measures_distance and self.radius_km is not None:
            return True
        return any(cleaned.get(name) for name in self.Meta.fields if name not in ("pres_de", "rayon"))

    @property
    def measures_distance(self):
        return self.place is not None and self.place.origin is not None

    @property
    def radius_without_place(self):
        return bool(getattr(self.form, "cleaned_data", {}).get("rayon")) and self.place is None

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
            label = SHORT_LABELS.get(name, field.label)
            active.append({"label": label, "value": shown, "remove_query": remaining.urlencode()})
        return active
