import pytest

from tests.factories import make_programme, make_school, make_trade
from tests.responses import text


@pytest.fixture
def welding(db):
    return make_trade(
        slug="chaudronnerie-soudage",
        name="Chaudronnerie et soudage",
        icon="flame",
        summary="On découpe, plie et soude le métal.",
    )


def test_trade_list_shows_each_trade_with_its_published_school_count(client, welding):
    make_school(trades=[welding])
    make_school(trades=[welding], status="draft")
    response = client.get("/metiers/")
    assert response.status_code == 200
    assert "Chaudronnerie et soudage" in text(response)
    assert "1 école" in text(response)
    assert "2 écoles" not in text(response)


def test_trade_page_lists_the_schools_and_diplomas_of_that_trade(client, welding):
    rics = make_programme(trades=[welding], slug="cap-rics", title="CAP Réalisations industrielles")
    make_school(name="Metal Academy", commune="Colombelles", trades=[welding])
    make_school(name="Autre métier")
    make_school(name="Brouillon", trades=[welding], status="draft")
    response = client.get(welding.get_absolute_url())
    page = text(response)
    assert response.status_code == 200
    assert "Metal Academy" in page and "Colombelles (Calvados)" in page
    assert "Autre métier" not in page and "Brouillon" not in page
    assert rics.title in page
    assert "On découpe, plie et soude le métal." in page


def test_programme_list_shows_level_duration_and_school_count(client, welding):
    programme = make_programme(trades=[welding], title="CAP Primeur", level=3, duration_years=2)
    make_school(programmes=[programme])
    page = text(client.get("/formations/"))
    assert "CAP Primeur" in page
    assert "CAP · Niveau 3 (CAP) · 2 ans" in page
    assert "1 école" in page


def test_programme_page_shows_facts_next_steps_schools_and_sources(client, welding):
    bac = make_programme(
        trades=[welding],
        slug="bac-pro-tci",
        title="Bac pro TCI",
        kind="bac_pro",
        level=4,
        duration_years=None,
    )
    cap = make_programme(
        trades=[welding],
        slug="cap-rics",
        title="CAP RICS",
        rncp_code="",
        source_notes="Deux sources donnent deux intitulés.",
    )
    cap.next_programmes.set([bac])
    make_school(name="Metal Academy", programmes=[cap, bac], trades=[welding])
    make_school(name="Brouillon", programmes=[cap], status="draft")
    response = client.get(cap.get_absolute_url())
    page = text(response)
    assert response.status_code == 200
    for expected in [
        "CAP RICS",
        "Niveau 3 (CAP)",
        "2 ans",
        "Code RNCP",
        "Non communiqué",
        "Bac pro TCI",
        "Metal Academy",
        "Chaudronnerie et soudage",
        "Deux sources donnent deux intitulés.",
        "Sources",
    ]:
        assert expected in page, expected
    assert "Brouillon" not in page
    assert "<dt>Durée</dt><dd>Non communiquée</dd>" in text(client.get(bac.get_absolute_url()))


@pytest.mark.parametrize(
    "url", ["/metiers/inconnu/", "/formations/inconnue/", "/metiers/%00/", "/formations/' OR 1=1/"]
)
def test_unknown_trade_or_programme_is_a_french_404(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Cette page n'existe pas" in text(response)


def test_lists_with_counts_keep_alphabetical_order(client, db):
    # Counting schools groups rows, and a grouped query ignores Meta.ordering unless asked again.
    for name in ["Zinguerie", "Boulangerie", "Menuiserie"]:
        make_trade(name=name)
    for title in ["CAP Zinguerie", "CAP Boulangerie"]:
        make_programme(title=title, trades=[make_trade()])
    trades = [trade.name for trade in client.get("/metiers/").context["trades"]]
    assert trades == sorted(trades) and "Zinguerie" in trades
    programmes = [p.title for p in client.get("/formations/").context["programmes"]]
    assert programmes == ["CAP Boulangerie", "CAP Zinguerie"]
