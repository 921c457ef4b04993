from django.urls import path

from schools import views

app_name = "schools"
urlpatterns = [
    path("", views.SchoolListView.as_view(), name="school_list"),
    path("<slug:slug>/", views.SchoolDetailView.as_view(), name="school_detail"),
]
