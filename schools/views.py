import html

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from places import geo
from programs.models import Trade
from schools.filters import SchoolFilter
from schools.models import School
from sources.models import KeyFigure

SCHOOLS_PER_PAGE = 12
MAP_MAX_POINTS = 300  # a denser map helps nobody: the list below it stays the full answer


def school_map(schools):
    """What includes/_map.html draws: the frame, and one link per school (at most MAP_MAX_POINTS).

    The points are joined here rather than looped over in the template: at 300 points the template loop was
    most of the time taken to build a page. Plain f-strings with each text escaped once (html.escape, as
    Django's escape does) cost a third of format_html_join, which escaped every number too."""
    rows = list(schools.map_points(MAP_MAX_POINTS + 1))
    # Every school address has the same shape: reverse it once and put each slug in.
    before, after = reverse("schools:school_detail", args=["SLUG"]).split("SLUG")
    points = []
    for name, slug, latitude, longitude in rows[:MAP_MAX_POINTS]:
        x, y = geo.project(latitude, longitude)
        label = html.escape(name)
        points.append(
            f'<a href="{html.escape(f"{before}{slug}{after}")}" aria-label="{label}"><title>{label}</title>'
            f'<circle cx="{x}" cy="{y}" r="9"/></a>'
        )
    return {
        "width": geo.MAP_WIDTH,
        "height": geo.MAP_HEIGHT,
        "count": min(len(rows), MAP_MAX_POINTS),
        "points": mark_safe("\n".join(points)),  # every text in it is escaped above
        "truncated": len(rows) > MAP_MAX_POINTS,
    }


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            key_figures=KeyFigure.objects.for_display(),
            trades=Trade.objects.with_school_count(),
            school_count=School.objects.published().count(),
            map=school_map(School.objects.published()),
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
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        if self.filterset.measures_distance and paginator.count:
            # Sorted by distance, the database would read every school's whole row to keep 12: sort and slice
            # the ids alone (from an index), then read the page's rows. Same single query.
            ids = queryset.values("pk")[page.start_index() - 1 : page.end_index()]
            page.object_list = queryset.filter(pk__in=ids)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_numbers"] = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        context["map"] = school_map(self.object_list)
        return context


class SchoolDetailView(DetailView):
    template_name = "schools/school_detail.html"
    context_object_name = "school"

    def get_queryset(self):
        return School.objects.for_detail()

    def get_context_data(self, **kwargs):
        page_url = self.request.build_absolute_uri(self.object.get_absolute_url())
        return super().get_context_data(page_url=page_url, **kwargs)
