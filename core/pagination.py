"""Lists of schools in pages: the school list and every page that lists the schools of a trade, a programme
or a funder, so that no page grows with the directory (at 10,000 schools, a trade's page listing all of its
schools weighed 1.3 MB). templates/includes/_pagination.html draws the links between pages."""

from django.core.paginator import Paginator

SCHOOLS_PER_PAGE = 12


def page_numbers(page):
    """The page numbers a list links to: the first and last, and those around the current one."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)


def paginate(request, items):
    """The page of `items` that ?page= asks for, with what _pagination.html draws. A junk or out-of-range
    number gives the nearest real page, as on the school list, never a 404."""
    paginator = Paginator(items, SCHOOLS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return {"paginator": paginator, "page_obj": page, "page_numbers": page_numbers(page)}
