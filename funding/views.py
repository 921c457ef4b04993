from django.views.generic import DetailView, ListView

from core.pagination import paginate
from funding.models import FundingSource


class FundingSourceListView(ListView):
    queryset = FundingSource.objects.with_school_count()
    template_name = "funding/funding_source_list.html"
    context_object_name = "funding_sources"


class FundingSourceDetailView(DetailView):
    queryset = FundingSource.objects.prefetch_related("sources")
    template_name = "funding/funding_source_detail.html"
    context_object_name = "funding_source"

    def get_context_data(self, **kwargs):
        fundings = self.object.fundings.for_funding_source_page()
        return super().get_context_data(**paginate(self.request, fundings), **kwargs)
