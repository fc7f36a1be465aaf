from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("projekt/", views.ProjectListView.as_view(), name="project-list"),
    path("projekt/export.csv", views.ProjectExportView.as_view(), name="project-export"),
    path("projekt/<slug:slug>/", views.ProjectDetailView.as_view(), name="project-detail"),
]
