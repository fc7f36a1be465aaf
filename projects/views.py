from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.views import FilteredExportView, FilteredListView
from projects.exports import project_dataset
from projects.filters import ProjectFilterSet
from projects.models import Project

EXPORTS = (
    (_("Export CSV"), "projects:project-export", {}),
    (_("Export CSV for Excel (semicolons)"), "projects:project-export", {"format": "excel"}),
)


class ProjectSource:
    filterset_class = ProjectFilterSet

    def get_base_queryset(self):
        return Project.objects.published().for_list()


class ProjectListView(ProjectSource, FilteredListView):
    template_name = "projects/project_list.html"
    exports = EXPORTS


class ProjectExportView(ProjectSource, FilteredExportView):
    filename_stem = "projekt"

    def get_dataset(self):
        return project_dataset()


class ProjectDetailView(TemplateView):
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = get_object_or_404(
            Project.objects.visible_to(self.request.user).for_detail(), slug=kwargs["slug"]
        )
        context["project"] = obj
        context["preview"] = not obj.is_published
        return context
