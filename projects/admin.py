from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ExportPermissionMixin, PublishableAdmin, csv_export_action
from projects.exports import project_dataset
from projects.models import Project


@admin.register(Project)
class ProjectAdmin(ExportPermissionMixin, PublishableAdmin):
    actions = [
        *PublishableAdmin.actions,
        csv_export_action(project_dataset, stem="projekt"),
    ]
    list_display = (
        "title_sv",
        "country_list",
        "goal_list",
        "status",
        "start_year",
        "end_year",
        "programme",
        "publication",
        "updated_at",
    )
    list_filter = (
        "publication",
        "status",
        ("countries", admin.RelatedOnlyFieldListFilter),
        ("goals", admin.RelatedOnlyFieldListFilter),
        ("themes", admin.RelatedOnlyFieldListFilter),
        "start_year",
        ("programme", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("programme",)
    search_fields = ("title_sv", "title_en", "summary_sv", "summary_en", "slug")
    autocomplete_fields = (
        "countries",
        "goals",
        "themes",
        "partners",
        "programme",
        "funder",
        "implementer",
    )
    prepopulated_fields = {"slug": ("title_sv",)}
    date_hierarchy = None
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title_sv",
                    "title_en",
                    "slug",
                    "programme",
                    "status",
                    "start_year",
                    "end_year",
                )
            },
        ),
        (_("Text"), {"fields": ("summary_sv", "summary_en", "body_sv", "body_en")}),
        (_("Where and why"), {"fields": ("countries", "goals", "themes")}),
        (_("Who"), {"fields": ("implementer", "funder", "partners")}),
        (_("Publication"), {"fields": ("publication", "published_at", "source")}),
        (_("History"), {"fields": PublishableAdmin.audit_fields}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries", "goals")

    @admin.display(description=_("countries"))
    def country_list(self, obj):
        return ", ".join(c.code for c in obj.countries.all())

    @admin.display(description=_("goals"))
    def goal_list(self, obj):
        return ", ".join(str(g.number) for g in obj.goals.all())
