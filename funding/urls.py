from django.urls import path

from funding import views

app_name = "funding"
urlpatterns = [
    path("", views.FundingSourceListView.as_view(), name="funding_source_list"),
    path("<slug:slug>/", views.FundingSourceDetailView.as_view(), name="funding_source_detail"),
]
