from django.urls import path

from core.urls import localized_route
from corrections import views

app_name = "corrections"

urlpatterns = [
    path(
        localized_route("rapportera-fel/", "report-an-error/"),
        views.ReportView.as_view(),
        name="report",
    ),
    path(
        localized_route("rapportera-fel/tack/", "report-an-error/thanks/"),
        views.ThanksView.as_view(),
        name="thanks",
    ),
    path(
        localized_route("rattelser/", "corrections/"),
        views.CorrectionLogView.as_view(),
        name="log",
    ),
]
