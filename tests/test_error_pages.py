from html import unescape

from schools.views import HomeView


def test_a_server_error_shows_the_french_500_page(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(HomeView, "get", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    page = unescape(response.content.decode())
    assert '<html lang="fr">' in page
    assert "Le site a un problème" in page
    assert "panne simulée" not in page  # nothing leaked


def test_an_unknown_address_shows_the_french_404_page_with_ways_out(client, db):
    response = client.get("/nimporte/quoi/")
    assert response.status_code == 404
    page = unescape(response.content.decode())
    assert "Cette page n'existe pas" in page
    assert 'href="/ecoles/"' in page
