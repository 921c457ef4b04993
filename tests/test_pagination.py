"""The schools of a trade, a programme or a funder are listed in pages, as the school list is: no page grows
with the directory (core/pagination.py)."""

import re

import pytest

from core.pagination import SCHOOLS_PER_PAGE
from schools.models import School
from tests.factories import make_directory
from tests.responses import text

# make_directory() gives two schools in three the trade metier-commun-1: three pages of it too.
SCHOOL_COUNT = 3 * SCHOOLS_PER_PAGE + 5
# Each page lists every school of the directory but drafts: make_directory() links them all to these.
PAGES = ["/formations/cap-commun/", "/financements/financeur-commun/", "/metiers/metier-commun-1/"]


def page_count(schools):
    return -(-len(schools) // SCHOOLS_PER_PAGE)


def names_listed(response):
    """The names of the schools a page links to, in order (each card or funding line links the school)."""
    return re.findall(r'<a href="/ecoles/[\w-]+/">([^<]+)</a>', response.content.decode())


@pytest.mark.parametrize("school_count", [SCHOOL_COUNT], scope="class")
@pytest.mark.parametrize("path", PAGES)
class TestSchoolsInPages:
    def schools_of(self, path):
        schools = School.objects.published().order_by("name")
        if "metiers" in path:
            schools = schools.filter(trades__slug="metier-commun-1")
        return [school.name for school in schools]

    def test_the_first_page_shows_one_page_of_schools_and_says_how_many_in_all(
        self, client, directory_of_size, path
    ):
        schools = self.schools_of(path)
        assert len(schools) > 2 * SCHOOLS_PER_PAGE
        response = client.get(path)
        page = text(response)
        assert names_listed(response) == schools[:SCHOOLS_PER_PAGE]
        pages = page_count(schools)
        assert f"{len(schools)} écoles" in page and f", page 1 sur {pages}</h2>" in page
        assert '<nav class="pagination" aria-label="Pages de résultats">' in page
        assert '<a href="?page=2" rel="next">Page suivante</a>' in page
        assert ", page 1 | " in page.split("<title>")[1]  # each page's title tells it apart, as on the list

    def test_the_next_pages_show_the_rest(self, client, directory_of_size, path):
        schools = self.schools_of(path)
        second = client.get(path, {"page": 2})
        assert names_listed(second) == schools[SCHOOLS_PER_PAGE : 2 * SCHOOLS_PER_PAGE]
        assert ", page 2 | " in text(second).split("<title>")[1]
        pages = page_count(schools)
        last = client.get(path, {"page": pages})
        assert names_listed(last) == schools[(pages - 1) * SCHOOLS_PER_PAGE :]
        assert "Page suivante" not in text(last) and 'rel="prev"' in last.content.decode()

    @pytest.mark.parametrize(("number", "last"), [("abc", False), ("\x00", False), ("0", True), ("99", True)])
    def test_junk_page_numbers_show_a_real_page(self, client, directory_of_size, path, number, last):
        """As on the school list: what is not a number gives the first page, one out of range the last."""
        schools = self.schools_of(path)
        shown = page_count(schools) if last else 1
        response = client.get(path, {"page": number})
        assert response.status_code == 200
        assert f'aria-current="page">{shown}</a>' in response.content.decode()
        assert names_listed(response) == schools[(shown - 1) * SCHOOLS_PER_PAGE :][:SCHOOLS_PER_PAGE]


def test_a_short_list_has_no_page_links(client, db):
    make_directory(3)
    for path in PAGES:
        page = text(client.get(path))
        assert "Pages de résultats" not in page and ", page " not in page
