from django.urls import path

from partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("partnerskap/", views.PartnershipListView.as_view(), name="partnership-list"),
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
