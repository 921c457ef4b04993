"""The shortlist a counsellor hands over: /selection/?ecoles=slug-a,slug-b.

No account and no cookie: the selection lives in the address. The list and school pages carry the selection
being built in their own address (`?selection=slug-a,slug-b`), so that each "Ajouter à une sélection" link
can add one school to it; the selection page lists the schools with what a young person needs to act, and
prints with one QR code per school and one for the whole selection.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.views.generic import TemplateView

from core.reverse import cached_reverse
from places.lookup import find_place
from schools.models import School

MAX_SCHOOLS = 12
# What is read of the address at most: enough for a full selection and some junk; a longer list is cut.
MAX_READ = 4 * MAX_SCHOOLS
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")
SHOWN_CHARACTERS = 60  # of an ignored value quoted back in a message


def selection_url(slugs, **extra):
    """/selection/?ecoles=a,b with readable commas, plus any other non-empty parameter."""
    query = {"ecoles": ",".join(slugs), **{name: value for name, value in extra.items() if value}}
    return f"{cached_reverse('selection')}?{urlencode(query, safe=',')}"  # once per card of a list


@dataclass
class Selection:
    """School slugs in the order they were added: no duplicate, nothing that cannot be a slug."""

    slugs: list = field(default_factory=list)
    ignored: list = field(default_factory=list)  # what was in the address but cannot be a school's slug
    max_size = MAX_SCHOOLS

    @classmethod
    def parse(cls, text):
        slugs, ignored = [], []
        for item in (text or "").split(",")[:MAX_READ]:
            item = item.strip()
            if not item or item in slugs:
                continue
            (slugs if SLUG.match(item) else ignored).append(item[:SHOWN_CHARACTERS])
        return cls(slugs, ignored)

    def __len__(self):
        return len(self.slugs)

    def __contains__(self, slug):
        return slug in self.slugs

    @property
    def is_full(self):
        return len(self.slugs) >= MAX_SCHOOLS

    @property
    def query(self):
        return ",".join(self.slugs)

    @property
    def url(self):
        return selection_url(self.slugs)

    def url_adding(self, slug):
        return selection_url([*self.slugs, slug] if slug not in self.slugs else self.slugs)


class CarriedSelectionForm(forms.Form):
    """The selection being built, carried by the list and school pages: `?selection=slug-a,slug-b`."""

    selection = forms.CharField(required=False)


def carried_selection(request):
    """The selection in the address of a list or school page (empty when absent or unreadable)."""
    form = CarriedSelectionForm(request.GET)
    return Selection.parse(form.cleaned_data["selection"] if form.is_valid() else "")


class SelectionForm(forms.Form):
    ecoles = forms.CharField(
        required=False,
        error_messages={
            "null_characters_not_allowed": "L'adresse de la sélection contient un caractère "
            "invalide : elle est ignorée."
        },
    )
    pres_de = forms.CharField(
        label="Distance depuis (commune ou code postal)",
        required=False,
        max_length=100,
        error_messages={
            "max_length": "Le lieu est trop long (100 caractères au plus) : il est ignoré.",
            "null_characters_not_allowed": "Le lieu contient un caractère invalide : il est ignoré.",
        },
    )


def schools_for_selection(slugs, origin=None):
    """{slug: school} for the published schools among `slugs` (with distance_km from `origin` if given)."""
    queryset = School.objects.for_selection(slugs)
    if origin is not None:
        queryset = queryset.nearest_to(*origin)
    return {school.slug: school for school in queryset}


class SelectionView(TemplateView):
    template_name = "schools/selection.html"

    def get_context_data(self, **kwargs):
        form = SelectionForm(self.request.GET)
        form.is_valid()  # each field that does not validate is dropped with its message; the other applies
        data = form.cleaned_data
        selection = Selection.parse(data.get("ecoles", ""))
        typed_place = data.get("pres_de", "").strip()
        place = find_place(typed_place) if typed_place else None
        origin = place.origin if place else None

        found = schools_for_selection(selection.slugs, origin) if selection.slugs else {}
        kept = [slug for slug in selection.slugs if slug in found]
        unknown = [slug for slug in selection.slugs if slug not in found] + selection.ignored
        beyond_limit = kept[MAX_SCHOOLS:]
        kept = kept[:MAX_SCHOOLS]
        pres_de = typed_place if origin is not None else ""

        carried = f"?{urlencode({'selection': ','.join(kept)}, safe=',')}"
        entries = [
            {
                "school": found[slug],
                "link": f"{found[slug].get_absolute_url()}{carried}",
                "page_url": self.request.build_absolute_uri(found[slug].get_absolute_url()),
                "next_open_day": next(iter(found[slug].upcoming_open_days), None),
                "remove_url": selection_url([other for other in kept if other != slug], pres_de=pres_de),
            }
            for slug in kept
        ]
        share_url = self.request.build_absolute_uri(selection_url(kept)) if kept else ""
        return super().get_context_data(
            form=form,
            entries=entries,
            selection=Selection(kept),
            unknown=unknown,
            beyond_limit=[found[slug] for slug in beyond_limit],
            max_schools=MAX_SCHOOLS,
            place=place,
            measures_distance=origin is not None,
            share_url=share_url,
            without_place_url=selection_url(kept),
            list_url=f"{reverse('schools:school_list')}{carried}" if kept else reverse("schools:school_list"),
            **kwargs,
        )
