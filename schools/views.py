import html

from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from core.pagination import SCHOOLS_PER_PAGE, page_numbers
from places import geo
from programs.models import Trade
from schools.filters import SchoolFilter
from schools.models import School
from sources.models import KeyFigure

MAP_MAX_POINTS = 300  # a denser map helps nobody: the list below it stays the full answer


MAP_MAX_TOWNS = 40  # beyond, the towns' names would cover one another: the list names them
LABEL_SIZE = 22  # map units (about 12 px on a phone, 24 px on a wide screen)
# Where a town's name may go around its dot, in order of preference: (dx, dy, text-anchor).
LABEL_PLACES = [(14, 7, "start"), (-14, 7, "end"), (12, 32, "start"), (12, -16, "start"), (-12, 32, "end")]


def label_box(x, y, name, place):
    """(left, top, right, bottom) of a town's name written at `place` around its dot, roughly."""
    dx, dy, anchor = place
    width = len(name) * LABEL_SIZE * 0.55
    left = x + dx - (width if anchor == "end" else 0)
    return left, y + dy - LABEL_SIZE * 0.8, left + width, y + dy + LABEL_SIZE * 0.2


def clashes(box, placed):
    """How many names already placed `box` covers, plus one if it leaves the frame."""
    left, top, right, bottom = box
    outside = left < 0 or right > geo.MAP_WIDTH or top < 0 or bottom > geo.MAP_HEIGHT
    return outside + sum(left < o[2] and o[0] < right and top < o[3] and o[1] < bottom for o in placed)


def town_labels(towns):
    """A name beside each town's dot [(x, y, anchor, name)], moved around the dot when it would cover a
    name already placed or leave the frame (then it goes where it clashes least)."""
    placed, labels = [], []
    for name, (x, y) in sorted(towns.items(), key=lambda town: (town[1][1], town[1][0])):
        place = min(LABEL_PLACES, key=lambda place: clashes(label_box(x, y, name, place), placed))
        placed.append(label_box(x, y, name, place))
        labels.append((round(x + place[0], 1), round(y + place[1], 1), place[2], name))
    return labels


def map_rows(schools, counted=False, in_order=False):
    """What school_map() draws from: the map points of MAP_MAX_POINTS + 1 schools (one more tells that the map
    stops at its cap), each with the whole queryset's count when `counted` (SchoolQuerySet.map_points())."""
    return list(schools.map_points(MAP_MAX_POINTS + 1, counted=counted, in_order=in_order))


def school_map(rows, origin=None):
    """What includes/_map.html draws: the frame, one link per school of `rows` (map_rows(); at most
    MAP_MAX_POINTS), the name of each town with a school, and `origin` (name, latitude, longitude), the place
    distances are measured from.

    The points are joined here rather than looped over in the template: at 300 points the template loop was
    most of the time taken to build a page. Plain f-strings with each text escaped once (html.escape, as
    Django's escape does) cost a third of format_html_join, which escaped every number too."""
    # Every school address has the same shape: reverse it once and put each slug in.
    before, after = reverse("schools:school_detail", args=["SLUG"]).split("SLUG")
    points, town_positions = [], {}  # {town: (latitude, longitude) of one of its schools}
    for name, slug, town, latitude, longitude, *_ in rows[:MAP_MAX_POINTS]:
        town_positions[town] = latitude, longitude
        x, y = geo.project_exactly(latitude, longitude)
        label = html.escape(f"{name}, {town}")
        points.append(
            f'<a href="{html.escape(f"{before}{slug}{after}")}" aria-label="{label}"><title>{label}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9"/></a>'
        )
    # Towns are projected only when their names are drawn: beyond MAP_MAX_TOWNS, only their number counts.
    if len(town_positions) <= MAP_MAX_TOWNS:
        towns = {town: geo.project(*position) for town, position in town_positions.items()}
    else:
        towns = dict.fromkeys(town_positions)
    if origin is not None:
        name, latitude, longitude = origin
        x, y = geo.project(latitude, longitude)
        towns[name] = x, y  # named like the towns; the diamond tells it apart
        top, bottom, left, right = (round(value, 1) for value in (y - 14, y + 14, x - 14, x + 14))
        origin = {"name": name, "diamond": f"M{x} {top}L{right} {y}L{x} {bottom}L{left} {y}Z"}
    labels = town_labels(towns) if len(towns) <= MAP_MAX_TOWNS else []
    return {
        "width": geo.MAP_WIDTH,
        "height": geo.MAP_HEIGHT,
        "count": min(len(rows), MAP_MAX_POINTS),
        "points": mark_safe("\n".join(points)),  # every text in it is escaped above
        "truncated": len(rows) > MAP_MAX_POINTS,
        "towns": format_html_join(
            "\n",
            '<text x="{}" y="{}" text-anchor="{}">{}</text>',
            labels,
        ),
        "towns_unnamed": len(towns) > MAP_MAX_TOWNS,
        "origin": origin,
    }


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            key_figures=KeyFigure.objects.for_display(),
            trades=Trade.objects.with_school_count(),
            school_count=School.objects.published().count(),
            map=school_map(map_rows(School.objects.published())),
            **kwargs,
        )


class SchoolListView(FilterView):
    filterset_class = SchoolFilter
    queryset = School.objects.for_list()
    template_name = "schools/school_list.html"
    paginate_by = SCHOOLS_PER_PAGE
    strict = False  # an invalid filter is dropped with a message; the valid ones still apply

    def paginate_queryset(self, queryset, page_size):
        # get_page() turns a junk or out-of-range page number into the nearest real page instead of a 404.
        paginator = self.get_paginator(queryset, page_size)
        self.counted_rows = None
        measures_distance = self.filterset.measures_distance
        if measures_distance and self.filterset.radius_km is None:
            # The same schools as without distances: counted without the join that measuring them takes.
            paginator.count = self.filterset.before_distances.count()
        elif self.filterset.narrows:
            # Counted by the map's query: the join a filter needs is done once (4 of 24 ms at 10,000 schools
            # on PostgreSQL). The whole list is counted apart: its count reads an index, its map stops early.
            # Without distances, the rows come in the list's order and name the schools of its first pages.
            self.counted_rows = map_rows(queryset, counted=True, in_order=not measures_distance)
            paginator.count = self.counted_rows[0][-1] if self.counted_rows else 0
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        if measures_distance and paginator.count:
            # Sorted by distance, the database would read every school's whole row to keep 12: sort and slice
            # the ids alone (from an index), then read the page's rows. Same single query.
            nearest = queryset.as_far_as_nearest(*self.filterset.place.origin, count=page.end_index())
            ids = nearest.values("pk")[page.start_index() - 1 : page.end_index()]
            page.object_list = queryset.filter(pk__in=ids)
        elif self.counted_rows and page.end_index() <= len(self.counted_rows):
            # Read by key, without the filters' joins or search done again (SQL at 10,000 schools, a trade in
            # a département: 5.8 → 4.2 ms on SQLite, 4.8 → 3.8 on PostgreSQL; a search on SQLite: 188 → 100).
            ids = [row[5] for row in self.counted_rows[page.start_index() - 1 : page.end_index()]]
            page.object_list = self.get_queryset().filter(pk__in=ids)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_numbers"] = page_numbers(page)
        # Every filter but the search box folds behind "Affiner".
        context["refine_fields"] = [field for field in self.filterset.form if field.name != "q"]
        place = self.filterset.place if self.filterset.measures_distance else None
        origin = None
        if place is not None:
            origin = (place.commune.full_name if place.commune else place.typed, *place.origin)
        rows = self.counted_rows if self.counted_rows is not None else map_rows(self.object_list)
        context["map"] = school_map(rows, origin)
        if not page.paginator.count:
            context["alternatives"] = self.filterset.alternatives()
        return context


class SchoolDetailView(DetailView):
    template_name = "schools/school_detail.html"
    context_object_name = "school"

    def get_queryset(self):
        schools = School.objects.for_detail()
        # Staff preview a draft at its real address; everyone else finds published schools only.
        return schools if self.can_preview() else schools.published()

    def can_preview(self):
        return self.request.user.has_perm("schools.view_school")

    def get_context_data(self, **kwargs):
        page_url = self.request.build_absolute_uri(self.object.get_absolute_url())
        return super().get_context_data(page_url=page_url, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.object.status != School.Status.PUBLISHED:
            # A preview is for the staff member who asked: never kept by a browser or proxy cache.
            patch_cache_control(response, private=True, no_store=True)
        return response
