"""The public's forms: "Être recontacté par l'école" and "Signaler une erreur".

The forms sit in cached pages (a school page, a trade page…), the same bytes for everyone: they hold no token
and post here, where `protected_form` (contact/abuse.py) refuses other sites' posts and floods. Each form also
has a page of its own (GET), which shows it again with its errors (status 400, values kept). A stored form is
answered with a 303 to a confirmation page whose address holds nothing personal. A robot caught by the
honeypot gets the same answer and nothing is stored (its post still counts towards the limit, so that being
caught and being limited look alike)."""

from datetime import timedelta

from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import DetailView, FormView, TemplateView

from contact.abuse import RateLimit
from contact.forms import ContactRequestForm, ErrorReportForm
from contact.mail import notify_report, pass_on_request
from contact.models import ContactRequest
from contact.pages import reportable_page
from schools.models import School

# Per client address: a family asks a few schools in one sitting; a reader may spot several errors.
CONTACT_LIMIT = RateLimit("contact", limit=5, window=timedelta(hours=1))
REPORT_LIMIT = RateLimit("signalement", limit=10, window=timedelta(hours=1))


def see_other(url):
    """After a post, the browser GETs the confirmation: reloading it sends nothing again."""
    return HttpResponseRedirect(url, status=303)


class PublicFormView(FormView):
    rate_limit = None

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_robot():
            self.rate_limit.record(request)
            return see_other(self.get_success_url())
        if not form.is_valid():
            return self.form_invalid(form)
        with transaction.atomic():
            self.store(form)
            self.rate_limit.record(request)
        return see_other(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ContactRequestView(PublicFormView):
    """/ecoles/<slug>/etre-recontacte/: a published school only (a draft or an unknown slug: 404)."""

    form_class = ContactRequestForm
    template_name = "contact/contact_request.html"
    rate_limit = CONTACT_LIMIT

    def dispatch(self, request, *args, slug, **kwargs):
        self.school = get_object_or_404(School.objects.published().select_related("commune"), slug=slug)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": ContactRequest(school=self.school)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(school=self.school, **kwargs)

    def store(self, form):
        """Saved first; then its mails, stored in the same transaction and sent once it commits."""
        pass_on_request(form.save(), self.request)

    def get_success_url(self):
        return reverse("contact:contact_request_sent", args=[self.school.slug])


class ContactRequestSentView(DetailView):
    """The confirmation: who receives the request, what happens next. The same page for everyone."""

    queryset = School.objects.published()
    template_name = "contact/contact_request_sent.html"
    context_object_name = "school"


class ErrorReportView(PublicFormView):
    """/signaler-une-erreur/?page=<path>: the form for one page of the site; posted from every such page."""

    form_class = ErrorReportForm
    template_name = "contact/error_report.html"
    rate_limit = REPORT_LIMIT

    def get(self, request, *args, **kwargs):
        page = reportable_page(request.GET.get("page", ""))
        if page is None:
            raise Http404("Aucune page de ce site à cette adresse.")
        return self.render_to_response(self.get_context_data(form=self.get_form(), page=page))

    def get_initial(self):
        return {"page": self.request.GET.get("page", "")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("page", context["form"].reported_page)
        return context

    def store(self, form):
        notify_report(form.save(), self.request)

    def get_success_url(self):
        url = reverse("contact:error_report_sent")
        page = self.request.POST.get("page", "")
        return f"{url}?{urlencode({'page': page})}" if reportable_page(page) else url


class ErrorReportSentView(TemplateView):
    """The confirmation, with a link back to the page concerned when it is one of the site's."""

    template_name = "contact/error_report_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=reportable_page(self.request.GET.get("page", "")), **kwargs)
