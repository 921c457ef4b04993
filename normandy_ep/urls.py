from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from schools.admin_views import journal_urls
from schools.selection import SelectionView
from schools.views import HomeView

admin.site.site_header = "Écoles de production de Normandie : administration"
admin.site.site_title = "Administration de l'annuaire"
admin.site.index_title = "Contenu de l'annuaire"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    # A school's own pages, opened from its invitation link (before ecoles/<slug>/, which they never match).
    path("ecoles/proposer/", include("proposals.urls")),
    path("ecoles/", include("schools.urls")),
    path("", include("contact.urls")),
    path("", include("programs.urls")),
    path("financements/", include("funding.urls")),
    path("donnees/", include("opendata.urls")),
    path("", include("discovery.urls")),
    path("selection/", SelectionView.as_view(), name="selection"),
    path("parents/", TemplateView.as_view(template_name="parents.html"), name="parents"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="legal/accessibility.html"),
        name="accessibility",
    ),
    path(
        "mentions-legales/",
        TemplateView.as_view(template_name="legal/legal_notice.html"),
        name="legal_notice",
    ),
    path(
        "donnees-personnelles/",
        TemplateView.as_view(template_name="legal/privacy.html"),
        name="privacy",
    ),
    path("admin/", include(journal_urls())),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
