"""Security headers on every response, no inline code for the policy to allow, no reflected input;
uploads that never run."""

import io
import ipaddress
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import include, path, re_path
from django.views.static import serve
from PIL import Image

from schools.models import School
from security.client_ip import client_ip_behind_proxy
from security.middleware import PERMISSIONS_POLICY
from tests.factories import (
    make_funding_source,
    make_programme,
    make_school,
    make_school_funding,
    make_testimonial_link,
)
from tests.test_settings import PRODUCTION_ENV, manage

# The URL configuration of development (DEBUG): the site plus Django's view serving uploaded files.
# (`static()` adds nothing when DEBUG is off, as it is in tests: the view is routed here as it would add it.)
urlpatterns = [
    path("", include("normandy_ep.urls")),
    re_path(r"^media/(?P<path>.*)$", lambda request, path: serve(request, path, settings.MEDIA_ROOT)),
]

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PUBLIC_PAGES = [
    "/",
    "/ecoles/",
    "/ecoles/?departement=14&q=bois",
    "/ecoles/metal-academy/",
    "/metiers/",
    "/formations/",
    "/financements/",
    "/financements/fse-plus/",
    "/parents/",
    "/donnees/",
    "/selection/?ecoles=metal-academy,usineure&pres_de=Caen",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/ecoles/metal-academy/etre-recontacte/",
    "/ecoles/metal-academy/etre-recontacte/merci/",
    "/signaler-une-erreur/?page=/metiers/usinage/",
    "/signaler-une-erreur/merci/?page=/metiers/usinage/",
]
PAYLOADS = ['"><script>alert(1)</script>', "'\"><img src=x onerror=alert(1)>"]
LIST_PARAMETERS = [
    *["q", "pres_de", "rayon", "metier", "formation", "departement", "financement", "page"],
    "autre",  # unknown to the filters
]
TEMPLATES = Path(settings.BASE_DIR) / "templates"


# Data blocks, not scripts: the browser never runs them and script-src does not apply (HTML, "data block").
DATA_BLOCK_TYPES = {"application/ld+json"}


class InlineCode(HTMLParser):
    """What a policy without 'unsafe-inline' blocks: inline scripts, <style>, style="" and on…="" handlers.

    A JSON-LD data block (<script type="application/ld+json">) is no code; tests/browser checks that Chromium
    blocks nothing on the school page that carries one."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in DATA_BLOCK_TYPES:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{name}= on <{tag}>" for name in attrs if name == "style" or name.startswith("on")]

    handle_startendtag = handle_starttag


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def directives(policy):
    """A policy as {directive: sources}: django-csp writes the directives in no fixed order."""
    return dict(directive.strip().split(" ", 1) for directive in policy.split(";"))


def assert_security_headers(response, but=()):
    assert directives(response.headers["Content-Security-Policy"]) == directives(CSP)
    for header, value in HEADERS.items():
        if header not in but:
            assert response.headers.get(header) == value, header


@pytest.fixture
def school(db):
    """A published school with something in every inline of its admin form."""
    school = make_school(name="L'Usin'Eure", commune="Évreux", programmes=[make_programme()])
    make_school_funding(school, make_funding_source(), amount_eur=3000, amount_basis="per_year")
    make_testimonial_link(school)
    return school


# Content-Security-Policy and the other headers


class TestPublicPages:
    @pytest.mark.parametrize("url", PUBLIC_PAGES)
    def test_every_public_page_has_the_security_headers_and_no_inline_code(self, client, directory, url):
        response = client.get(url)
        assert response.status_code == 200
        assert_security_headers(response)
        assert inline_code(response.content.decode()) == []


def test_the_policy_allows_no_inline_code_nor_eval():
    assert "unsafe" not in CSP
    for sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].values():
        assert not any("unsafe" in source or "nonce" in source for source in sources)


def test_headers_are_also_on_errors_static_files_and_the_admin(client, db):
    assert_security_headers(client.get("/nimporte/quoi/"))
    stylesheet = client.get("/static/css/site.css")
    stylesheet.close()
    # WhiteNoise answers before Django's X-Frame-Options middleware; frame-ancestors 'none' does the same job.
    assert_security_headers(stylesheet, but=["X-Frame-Options"])
    assert_security_headers(client.get("/admin/login/"))


def test_the_permissions_policy_denies_the_powerful_features(client, db):
    policy = client.get("/parents/").headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert f"{feature}=()" in policy.split(", ")


def test_no_template_of_ours_holds_inline_code():
    """Every template, including the error pages and the SVG icons, whichever page includes them."""
    for template in sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.svg")]):
        assert inline_code(template.read_text()) == [], template


def test_the_500_page_uses_the_site_stylesheet(server_error_response):
    html = server_error_response.content.decode()
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert inline_code(html) == []
    assert_security_headers(server_error_response)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/schools/school/",
        "/admin/schools/school/add/",
        "/admin/programs/trade/",
        "/admin/sources/source/add/",
        "/admin/auth/user/",
        "/admin/axes/accessattempt/",
    ],
)
def test_the_admin_works_under_the_policy_without_inline_code(admin_client, school, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert directives(response.headers["Content-Security-Policy"]) == directives(CSP)
    assert inline_code(response.content.decode()) == []


def test_the_admin_change_form_of_a_school_has_no_inline_code(admin_client, school):
    response = admin_client.get(f"/admin/schools/school/{school.pk}/change/")
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []


# HTTPS, cookies: production settings


def test_https_responses_carry_hsts_for_a_year_with_subdomains_and_preload(client, db):
    response = client.get("/parents/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.slow
def test_production_settings_make_cookies_secure_httponly_and_samesite():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True Lax True True Lax True 31536000 True True"


@pytest.mark.slow
def test_behind_the_tls_proxy_failed_logins_count_against_the_visitor_not_the_proxy():
    code = "from django.conf import settings; print(settings.AXES_CLIENT_IP_CALLABLE)"
    result = manage("shell", "-c", code, env=PRODUCTION_ENV | {"DJANGO_BEHIND_TLS_PROXY": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "security.client_ip.client_ip_behind_proxy"


@pytest.mark.slow
def test_an_https_request_under_production_settings_gets_every_header(tmp_path):
    """A real request through the production middleware. /admin/ sends an anonymous visitor to the login form
    without a template or the database (there is none: the static files are not collected, no database)."""
    code = (
        "from django.test import Client; "
        "r = Client().get('/admin/', secure=True, headers={'host': 'ecoles-de-production.example.fr'}); "
        "print(r.status_code); [print(f'{k}: {v}') for k, v in r.headers.items()]"
    )
    env = PRODUCTION_ENV | {"DATABASE_URL": f"sqlite:///{tmp_path / 'absent.sqlite3'}"}
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "302" in lines
    policy = next(line for line in lines if line.startswith("Content-Security-Policy: "))
    assert directives(policy.removeprefix("Content-Security-Policy: ")) == directives(CSP)
    for header, value in HEADERS.items():
        assert f"{header}: {value}" in lines
    assert "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload" in lines
    assert not (tmp_path / "absent.sqlite3").exists()


def test_the_cookies_of_the_admin_are_secure_httponly_and_samesite(client, admin_user):
    """The test settings are the production ones here (DEBUG off): the cookies a browser really receives."""
    csrf_cookie = client.get("/admin/login/", secure=True).cookies["csrftoken"]
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": "password", "next": "/admin/"},
        secure=True,
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    for cookie in (csrf_cookie, response.cookies["sessionid"]):
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax", cookie.output()


@pytest.mark.slow
def test_plain_http_is_redirected_to_https_under_production_settings(tmp_path):
    code = (
        "from django.test import Client; "
        "r = Client().get('/parents/', headers={'host': 'ecoles-de-production.example.fr'}); "
        "print(r.status_code, r.headers['Location'])"
    )
    env = PRODUCTION_ENV | {"DATABASE_URL": f"sqlite:///{tmp_path / 'absent.sqlite3'}"}
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "301 https://ecoles-de-production.example.fr/parents/"


# No reflected input


@pytest.mark.parametrize("parameter", LIST_PARAMETERS)
def test_no_filter_of_the_list_reflects_a_payload_unescaped(client, school, parameter):
    for payload in PAYLOADS:
        response = client.get("/ecoles/", {parameter: payload})
        assert response.status_code == 200
        assert payload not in response.content.decode()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_all_filters_at_once_reflect_nothing_unescaped(client, school, payload):
    response = client.get("/ecoles/", dict.fromkeys(LIST_PARAMETERS, payload))
    assert response.status_code == 200
    page = response.content.decode()
    assert payload not in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page


PREFIXES = ["/", "/ecoles/", "/metiers/", "/formations/", "/financements/", "/admin/"]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_no_address_reflects_a_payload_unescaped(client, db, prefix, payload):
    response = client.get(prefix + quote(payload, safe="") + "/")
    assert response.status_code in {302, 404}
    assert payload not in response.content.decode()


# Uploads never execute


def png_with_a_script():
    """A valid 1×1 PNG image followed by HTML: what a browser that sniffs could take for a page."""
    image = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(image, "PNG")
    return image.getvalue() + b"<html><script>alert(1)</script></html>"


PNG_WITH_A_SCRIPT = png_with_a_script()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.urls(__name__)
def test_uploaded_photos_are_served_as_images_with_nosniff_in_development(client, db, media_root):
    (media_root / "schools").mkdir()
    (media_root / "schools" / "atelier.png").write_bytes(PNG_WITH_A_SCRIPT)
    response = client.get("/media/schools/atelier.png")
    response.close()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.html", PNG_WITH_A_SCRIPT),  # a real image, but a name a server would serve as a page
        ("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("photo.png", b"<html><script>alert(1)</script></html>"),  # an image's name, but not an image
    ],
)
def test_the_admin_accepts_as_a_photo_only_an_image_with_an_image_name(name, content):
    field = School._meta.get_field("photo").formfield()
    with pytest.raises(ValidationError):
        field.clean(SimpleUploadedFile(name, content))


def test_the_admin_accepts_a_real_photo():
    field = School._meta.get_field("photo").formfield()
    assert field.clean(SimpleUploadedFile("atelier.png", PNG_WITH_A_SCRIPT)).name == "atelier.png"


# The address django-axes counts failed logins against


@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the left part is whatever the visitor sent
        ("198.51.100.7, pas-une-adresse", "10.0.0.2"),
        ("", "10.0.0.2"),
    ],
)
def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(forwarded_for, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip_behind_proxy(request) == expected
    ipaddress.ip_address(client_ip_behind_proxy(request))
