import pytest

from funding.models import FundingSource
from tests.factories import make_funding_source, make_school, make_school_funding, make_source
from tests.responses import text


@pytest.fixture
def region(db):
    return make_funding_source(
        slug="region-normandie",
        name="Région Normandie",
        kind="region",
        description="La Région aide les écoles à fonctionner.",
    )


def test_funding_list_shows_each_funder_with_its_published_school_count(client, region):
    make_school_funding(make_school(), region)
    make_school_funding(make_school(status="draft"), region)
    page = text(client.get("/financements/"))
    assert "Région Normandie" in page
    assert "Soutient ou a soutenu 1 école de l'annuaire" in page  # some lines are past (IEJ 2014-2016)


def test_funding_page_lists_schools_with_period_amount_and_source(client, region):
    fil = make_school(name="Fil en Normandie", commune="Condé-en-Normandie")
    jde = make_source(
        title="Les écoles de production boostent le recrutement", publisher="Le Journal des Entreprises"
    )
    make_school_funding(
        fil,
        region,
        start_year=2024,
        end_year=None,
        amount_eur=5000,
        amount_basis="per_pupil_per_year",
        source=jde,
    )
    make_school_funding(make_school(name="Brouillon", status="draft"), region)
    response = client.get(region.get_absolute_url())
    page = text(response)
    assert response.status_code == 200
    assert "Fil en Normandie" in page
    assert "depuis 2024 : 5\xa0000 € par élève et par an" in page
    assert "Les écoles de production boostent le recrutement" in page
    assert "La Région aide les écoles à fonctionner." in page
    assert "Brouillon" not in page


def test_unknown_funder_is_a_french_404(client, db):
    response = client.get("/financements/inconnu/")
    assert response.status_code == 404
    assert "Cette page n'existe pas" in text(response)


def test_each_funder_counts_its_published_schools_in_one_query(region, django_assert_num_queries):
    """core.counts.PublishedSchoolCount, as for trades and programmes: links less those of drafts."""
    state = make_funding_source(slug="etat", name="État", kind="state")
    unused = make_funding_source(slug="personne", name="Personne")
    for school in (make_school(), make_school(), make_school(status="draft")):
        make_school_funding(school, region)
    make_school_funding(make_school(), state)
    with django_assert_num_queries(1):
        counts = {funder.slug: funder.school_count for funder in FundingSource.objects.with_school_count()}
    assert counts == {region.slug: 2, state.slug: 1, unused.slug: 0}
