from django.utils.translation import gettext_lazy as _

from core.pdf import PdfMixin
from core.views import FilteredExportView, FilteredListView, PreviewDetailView
from projects.exports import project_dataset
from projects.filters import ProjectFilterSet
from projects.models import Project
from projects.quality import CHECKS

EXPORTS = (
    (_("Export CSV"), "projects:project-export", {}),
    (_("Export CSV for Excel (semicolons)"), "projects:project-export", {"format": "excel"}),
)


class ProjectSource:
    filterset_class = ProjectFilterSet

    def get_queryset(self):
        return Project.objects.published().for_list()


class ProjectListView(ProjectSource, FilteredListView):
    template_name = "projects/project_list.html"
    exports = EXPORTS


class ProjectExportView(ProjectSource, FilteredExportView):
    filename_stem = "projekt"

    def get_dataset(self):
        return project_dataset()


class ProjectDetailView(PreviewDetailView):
    model = Project
    template_name = "projects/project_detail.html"
    context_object_name = "project"
    quality_checks = CHECKS


class ProjectPdfView(PdfMixin, ProjectDetailView):
    """The project's page as a PDF (core.pdf); a draft only for those who may preview it."""

    pdf_template_name = "projects/project_pdf.html"

    def pdf_filename_stem(self):
        return self.object.slug
