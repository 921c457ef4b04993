from django.urls import path

from contact import views
from contact.abuse import protected_form

app_name = "contact"
urlpatterns = [
    path(
        "ecoles/<slug:slug>/etre-recontacte/",
        protected_form(views.CONTACT_LIMIT)(views.ContactRequestView.as_view()),
        name="contact_request",
    ),
    path(
        "ecoles/<slug:slug>/etre-recontacte/merci/",
        views.ContactRequestSentView.as_view(),
        name="contact_request_sent",
    ),
    path(
        "signaler-une-erreur/",
        protected_form(views.REPORT_LIMIT)(views.ErrorReportView.as_view()),
        name="error_report",
    ),
    path("signaler-une-erreur/merci/", views.ErrorReportSentView.as_view(), name="error_report_sent"),
]
