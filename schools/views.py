from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from programs.models import Trade
from schools.filters import SchoolFilter
from schools.models import School
from sources.models import KeyFigure

SCHOOLS_PER_PAGE = 12


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            key_figures=KeyFigure.objects.for_display(),
            trades=Trade.objects.with_school_count(),
            school_count=School.objects.published().count(),
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
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_numbers"] = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        return context


class SchoolDetailView(DetailView):
    queryset = School.objects.for_detail()
    template_name = "schools/school_detail.html"
    context_object_name = "school"
