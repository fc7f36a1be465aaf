from django.urls import path

from core.urls import localized_route
from partnerships import views

app_name = "partnerships"

urlpatterns = [
    path(
        localized_route("partnerskap/", "partnerships/"),
        views.PartnershipListView.as_view(),
        name="partnership-list",
    ),
    path(
        localized_route("partnerskap/export.csv", "partnerships/export.csv"),
        views.PartnershipExportView.as_view(),
        name="partnership-export",
    ),
    # Requests come to opendata's GrantExportView first (opendata/urls_pages.py), which
    # adds the 360Giving columns to this view.
    path(
        localized_route("partnerskap/bidrag.csv", "partnerships/grants.csv"),
        views.GrantExportView.as_view(),
        name="grant-export",
    ),
    path(
        localized_route("kommuner/export.csv", "municipalities/export.csv"),
        views.MunicipalityExportView.as_view(),
        name="municipality-export",
    ),
    path(
        localized_route("partnerskap/<slug:slug>/", "partnerships/<slug:slug>/"),
        views.PartnershipDetailView.as_view(),
        name="partnership-detail",
    ),
    path(
        localized_route("partnerskap/<slug:slug>/pdf/", "partnerships/<slug:slug>/pdf/"),
        views.PartnershipPdfView.as_view(),
        name="partnership-pdf",
    ),
    path(
        localized_route("kommuner/", "municipalities/"),
        views.MunicipalityListView.as_view(),
        name="municipality-list",
    ),
    # Before the municipality pages: "jamfor" and "compare" are no municipality's slug.
    path(
        localized_route("kommuner/jamfor/", "municipalities/compare/"),
        views.MunicipalityCompareView.as_view(),
        name="municipality-compare",
    ),
    path(
        localized_route("kommuner/<slug:slug>/", "municipalities/<slug:slug>/"),
        views.MunicipalityDetailView.as_view(),
        name="municipality-detail",
    ),
]
