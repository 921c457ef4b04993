from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("metiers/", views.TradeListView.as_view(), name="trade_list"),
    path("metiers/<slug:slug>/", views.TradeDetailView.as_view(), name="trade_detail"),
    path("formations/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("formations/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
]
