from django.urls import path

from proposals import views

app_name = "proposals"
urlpatterns = [
    path("<str:token>/", views.proposal_form, name="form"),
    path("<str:token>/envoyee/", views.proposal_sent, name="sent"),
]
