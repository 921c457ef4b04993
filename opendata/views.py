from django.db.models import Count, Exists, Max, OuterRef
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from core.enums import Status
from opendata import exports
from schools.models import OpenDay, School, SchoolFunding
from sources.models import Source


def school_page_url(request):
    """school → the absolute address of its page, the URL reversed and made absolute once for all schools."""
    before, after = request.build_absolute_uri(reverse("schools:school_detail", args=["SLUG"])).split("SLUG")
    return lambda school: f"{before}{school.slug}{after}"


class OpenDataView(TemplateView):
    template_name = "opendata/data.html"

    def get_context_data(self, **kwargs):
        # Each source once if a published school or one of its fundings cites it. Written with EXISTS: joined,
        # the two links multiplied each other's rows (schools × fundings): 190 s on SQLite at 10,000 schools.
        cited = Exists(School.objects.published().filter(sources=OuterRef("pk"))) | Exists(
            SchoolFunding.objects.filter(source=OuterRef("pk"), school__status=Status.PUBLISHED)
        )
        # COUNT(*), not of the key: PostgreSQL then counts from school_status_updated_idx alone.
        directory = School.objects.published().aggregate(count=Count("*"), updated=Max("updated_at"))
        return super().get_context_data(
            fields=exports.FIELDS,
            licence_name=exports.LICENCE_NAME,
            licence_url=exports.LICENCE_URL,
            list_separator=exports.LIST_SEPARATOR.strip(),
            directory=directory,
            sources=Source.objects.filter(cited),
            **kwargs,
        )


class DirectoryExportView(View):
    """The published directory as one file: CSV, JSON or GeoJSON."""

    kind = None  # "csv", "json" or "geojson"
    CONTENT_TYPES = {
        "csv": "text/csv; charset=utf-8",
        "json": "application/json",
        "geojson": "application/geo+json",
    }

    def get(self, request):
        schools = School.objects.for_open_data()
        page_url = school_page_url(request)
        about_url = request.build_absolute_uri(reverse("opendata:index"))
        if self.kind == "csv":
            body = exports.directory_csv(schools, page_url)
        elif self.kind == "json":
            body = exports.directory_json(schools, page_url, about_url)
        else:
            body = exports.directory_geojson(schools, page_url, about_url)
        response = HttpResponse(body, content_type=self.CONTENT_TYPES[self.kind])
        response["Content-Disposition"] = f'inline; filename="ecoles-de-production-normandie.{self.kind}"'
        return response


class OpenDaysCalendarView(View):
    """Upcoming open days as iCalendar: of every published school, or of the one named by `slug`."""

    def get(self, request, slug=None):
        days = OpenDay.objects.for_calendar()
        name = "Journées portes ouvertes des écoles de production de Normandie"
        if slug is not None:
            school = School.objects.published().filter(slug=slug).first()
            if school is None:
                raise Http404("Aucune école publiée ne porte cet identifiant.")
            days = days.filter(school=school)
            name = f"Journées portes ouvertes : {school.name}"
        body = exports.open_days_calendar(days, school_page_url(request), request.get_host(), name)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        filename = f"portes-ouvertes-{slug}.ics" if slug else "portes-ouvertes.ics"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
