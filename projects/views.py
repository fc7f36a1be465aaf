from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from core.views import FilteredListView
from projects.filters import ProjectFilterSet
from projects.models import Project


class ProjectListView(FilteredListView):
    template_name = "projects/project_list.html"
    filterset_class = ProjectFilterSet

    def get_base_queryset(self):
        return Project.objects.published().for_list()


class ProjectDetailView(TemplateView):
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project"] = get_object_or_404(
            Project.objects.published().for_detail(), slug=kwargs["slug"]
        )
        return context
