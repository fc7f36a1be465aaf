from django.urls import path

from core.urls import localized_route
from projects import views

app_name = "projects"

urlpatterns = [
    path(
        localized_route("projekt/", "projects/"),
        views.ProjectListView.as_view(),
        name="project-list",
    ),
    path(
        localized_route("projekt/export.csv", "projects/export.csv"),
        views.ProjectExportView.as_view(),
        name="project-export",
    ),
    path(
        localized_route("projekt/<slug:slug>/", "projects/<slug:slug>/"),
        views.ProjectDetailView.as_view(),
        name="project-detail",
    ),
    path(
        localized_route("projekt/<slug:slug>/pdf/", "projects/<slug:slug>/pdf/"),
        views.ProjectPdfView.as_view(),
        name="project-pdf",
    ),
]
