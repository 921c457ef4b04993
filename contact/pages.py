"""The pages an error can be reported on, recognised from their path alone.

The report form carries the path of its page in a hidden field, which anyone can change: the path is kept only
if it is the address of a public page of this site (a published school, a trade, a programme, a funder, the
accessibility statement), and the label stored with it is read from the database, never from the form."""

from dataclasses import dataclass

from django.urls import Resolver404, resolve, reverse

from funding.models import FundingSource
from programs.models import Programme, Trade
from schools.models import School

PATH_MAX_LENGTH = 200


@dataclass(frozen=True)
class ReportedPage:
    path: str
    label: str


def _school(slug):
    school = School.objects.published().filter(slug=slug).first()
    return school and ReportedPage(school.get_absolute_url(), f"École : {school.name}")


def _trade(slug):
    trade = Trade.objects.filter(slug=slug).first()
    return trade and ReportedPage(trade.get_absolute_url(), f"Métier : {trade.name}")


def _programme(slug):
    programme = Programme.objects.filter(slug=slug).first()
    return programme and ReportedPage(programme.get_absolute_url(), f"Formation : {programme.title}")


def _funder(slug):
    funder = FundingSource.objects.filter(slug=slug).first()
    return funder and ReportedPage(funder.get_absolute_url(), f"Financeur : {funder.name}")


def _accessibility():
    return ReportedPage(reverse("accessibility"), "Déclaration d'accessibilité")


REPORTABLE = {
    "schools:school_detail": _school,
    "programs:trade_detail": _trade,
    "programs:programme_detail": _programme,
    "funding:funding_source_detail": _funder,
    "accessibility": _accessibility,
}


def reportable_page(path):
    """The page at `path`, exactly as the site writes its address, or None (one query at most)."""
    if not isinstance(path, str) or not path.startswith("/") or len(path) > PATH_MAX_LENGTH:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    find = REPORTABLE.get(match.view_name)
    page = find(**match.kwargs) if find else None
    return page if page and page.path == path else None
