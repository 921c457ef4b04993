"""sitemap.xml: every public page, each school with the date of its last update."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from funding.models import FundingSource
from programs.models import Programme, Trade
from schools.models import School

# The public pages that are not one object's page. /selection/ is left out: it shows what a visitor chose.
STATIC_PAGES = [
    "home",
    "schools:school_list",
    "programs:trade_list",
    "programs:programme_list",
    "funding:funding_source_list",
    "parents",
    "opendata:index",
    "accessibility",
    "legal_notice",
    "privacy",
]


class StaticPageSitemap(Sitemap):
    def items(self):
        return STATIC_PAGES

    def location(self, item):
        return reverse(item)


class SchoolSitemap(Sitemap):
    def items(self):
        return School.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, school):
        return school.updated_at


class ObjectPageSitemap(Sitemap):
    """Pages of trades, programmes and funders, which record no update date."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.only("slug").order_by("pk")


SITEMAPS = {
    "pages": StaticPageSitemap(),
    "ecoles": SchoolSitemap(),
    "metiers": ObjectPageSitemap(Trade),
    "formations": ObjectPageSitemap(Programme),
    "financements": ObjectPageSitemap(FundingSource),
}
