from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.cache import PAGE_TIMEOUT, content_version
from discovery.share_image import draw_share_image
from schools.models import School

# Kept out of search engines: the admin. Everything else is public; /selection/ pages say which address is
# their canonical one.
DISALLOWED = ["/admin/"]


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('discovery:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def security_txt(request):
    """RFC 9116. Its Contact field is mandatory: without a contact set by the publisher
    (DJANGO_SECURITY_CONTACT, with DJANGO_SECURITY_TXT_EXPIRES), no file rather than one without a contact."""
    if not settings.SECURITY_TXT_CONTACTS:
        raise Http404("Le contact de sécurité de l'éditeur n'est pas encore connu.")
    lines = [f"Contact: {contact}" for contact in settings.SECURITY_TXT_CONTACTS]
    lines.append(f"Expires: {settings.SECURITY_TXT_EXPIRES.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    lines.append("Preferred-Languages: fr, en")
    lines.append(f"Canonical: {request.build_absolute_uri(request.path)}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def png_response(image):
    response = HttpResponse(image, content_type="image/png")
    # Meant to be shown by other sites (a messenger's preview): the one resource they may load.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_safe
def site_share_image(request):
    key = f"share-image:site:{content_version()}"
    image = cache.get(key)
    if image is None:
        image = draw_share_image(
            "Apprendre un métier en fabriquant pour de vrais clients",
            ["L'annuaire des écoles de production, de 15 à 18 ans"],
        )
        cache.set(key, image, PAGE_TIMEOUT)
    return png_response(image)


@require_safe
def school_share_image(request, slug):
    """Name, trades and town of a published school, drawn once per content version, then cached."""
    key = f"share-image:school:{slug}:{content_version()}"
    image = cache.get(key)
    if image is None:
        school = (
            School.objects.published()
            .select_related("commune")
            .prefetch_related("trades")
            .filter(slug=slug)
            .first()
        )
        if school is None:
            raise Http404("Aucune école publiée ne porte cet identifiant.")
        trades = ", ".join(trade.name for trade in school.trades.all())
        image = draw_share_image(school.name, [trades, school.location_label])
        cache.set(key, image, PAGE_TIMEOUT)
    return png_response(image)
