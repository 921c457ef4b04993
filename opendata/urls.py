from django.urls import path

from opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.OpenDataView.as_view(), name="index"),
    path("ecoles.csv", views.DirectoryExportView.as_view(kind="csv"), name="csv"),
    path("ecoles.json", views.DirectoryExportView.as_view(kind="json"), name="json"),
    path("ecoles.geojson", views.DirectoryExportView.as_view(kind="geojson"), name="geojson"),
    path("portes-ouvertes.ics", views.OpenDaysCalendarView.as_view(), name="open_days"),
    path("portes-ouvertes/<slug:slug>.ics", views.OpenDaysCalendarView.as_view(), name="school_open_days"),
]
