from django.urls import path

from partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("partnerskap/", views.PartnershipListView.as_view(), name="partnership-list"),
    path(
        "partnerskap/export.csv",
        views.PartnershipExportView.as_view(),
        name="partnership-export",
    ),
    path("partnerskap/bidrag.csv", views.GrantExportView.as_view(), name="grant-export"),
    path(
        "kommuner/export.csv",
        views.MunicipalityExportView.as_view(),
        name="municipality-export",
    ),
    path(
        "partnerskap/<slug:slug>/",
        views.PartnershipDetailView.as_view(),
        name="partnership-detail",
    ),
    path("kommuner/", views.MunicipalityListView.as_view(), name="municipality-list"),
    path(
        "kommuner/<slug:slug>/",
        views.MunicipalityDetailView.as_view(),
        name="municipality-detail",
    ),
]
