from html import unescape

from django.test import Client


def test_a_server_error_shows_the_french_500_page(server_error_response):
    page = unescape(server_error_response.content.decode())
    assert '<html lang="fr">' in page
    assert "Le site a un problème" in page
    assert "panne simulée" not in page  # nothing leaked


def test_an_unknown_address_shows_the_french_404_page_with_ways_out(client, db):
    response = client.get("/nimporte/quoi/")
    assert response.status_code == 404
    page = unescape(response.content.decode())
    assert "Cette page n'existe pas" in page
    assert 'href="/ecoles/"' in page


def test_a_query_string_with_thousands_of_parameters_gets_a_french_400(client, db):
    query_string = "&".join(f"p{i}=x" for i in range(3000))
    response = client.get(f"/ecoles/?{query_string}")
    assert response.status_code == 400
    assert "Cette demande n'a pas été comprise" in unescape(response.content.decode())


def test_an_admin_form_posted_without_its_csrf_token_gets_a_french_403(db):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Le formulaire a expiré" in unescape(response.content.decode())
