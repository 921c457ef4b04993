from django.views.generic import DetailView, ListView

from core.pagination import paginate
from programs.models import Programme, Trade


class TradeListView(ListView):
    queryset = Trade.objects.with_school_count()
    template_name = "programs/trade_list.html"
    context_object_name = "trades"


class TradeDetailView(DetailView):
    model = Trade
    template_name = "programs/trade_detail.html"
    context_object_name = "trade"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **paginate(self.request, self.object.schools.for_list()),
            programmes=self.object.programmes.all(),
            **kwargs,
        )


class ProgrammeListView(ListView):
    queryset = Programme.objects.with_school_count()
    template_name = "programs/programme_list.html"
    context_object_name = "programmes"


class ProgrammeDetailView(DetailView):
    queryset = Programme.objects.for_detail()
    template_name = "programs/programme_detail.html"
    context_object_name = "programme"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**paginate(self.request, self.object.schools.for_list()), **kwargs)
