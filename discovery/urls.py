from django.contrib.sitemaps.views import sitemap
from django.urls import path

from discovery import views
from discovery.sitemaps import SITEMAPS

app_name = "discovery"
urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("partage.png", views.site_share_image, name="site_share_image"),
    path("ecoles/<slug:slug>/partage.png", views.school_share_image, name="school_share_image"),
]
