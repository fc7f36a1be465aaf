from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import (
    IMAGE_FIELDSET,
    DatedAdminMixin,
    ExportPermissionMixin,
    MarkdownPreviewMixin,
    PublishableAdmin,
    csv_export_action,
)
from core.quality import quality_list_filter
from projects.exports import project_dataset
from projects.models import Project, ProjectBudget, ProjectParticipant
from projects.quality import CHECKS


class ParticipantInline(admin.TabularInline):
    model = ProjectParticipant
    extra = 0
    fields = ("organisation", "role", "amount_sek", "share_percent", "position")
    autocomplete_fields = ("organisation",)


class BudgetInline(admin.TabularInline):
    model = ProjectBudget
    extra = 0


@admin.register(Project)
class ProjectAdmin(MarkdownPreviewMixin, DatedAdminMixin, ExportPermissionMixin, PublishableAdmin):
    markdown_fields = ("body_sv", "body_en")
    actions = [
        *PublishableAdmin.actions,
        csv_export_action(project_dataset, stem="projekt"),
    ]
    list_display = (
        "title_sv",
        "country_list",
        "goal_list",
        "period",
        "programme",
        "publication",
        "updated_at",
    )
    list_filter = (
        "publication",
        "stated_status",
        ("countries", admin.RelatedOnlyFieldListFilter),
        ("goals", admin.RelatedOnlyFieldListFilter),
        ("themes", admin.RelatedOnlyFieldListFilter),
        ("programme", admin.RelatedOnlyFieldListFilter),
        quality_list_filter(CHECKS),
    )
    list_select_related = ("programme",)
    search_fields = ("title_sv", "title_en", "summary_sv", "summary_en", "slug")
    autocomplete_fields = (
        "countries",
        "goals",
        "themes",
        "programme",
        "sources",
        "status_source",
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
                    "budget_sek",
                )
            },
        ),
        (
            _("Period and status"),
            {
                "fields": (
                    ("start_date", "start_precision", "start_actual"),
                    ("end_date", "end_precision", "end_actual"),
                    ("stated_status", "status_source"),
                )
            },
        ),
        (
            _("Text"),
            {"fields": ("summary_sv", "summary_en", "body_sv", "body_en", "text_preview")},
        ),
        (_("Where and why"), {"fields": ("countries", "goals", "themes")}),
        IMAGE_FIELDSET,
        (_("Publication"), {"fields": ("publication", "published_at", "sources")}),
        (_("History"), {"fields": PublishableAdmin.audit_fields}),
    )

    inlines = [ParticipantInline, BudgetInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries", "goals")

    @admin.display(description=_("countries"))
    def country_list(self, obj):
        return ", ".join(c.name for c in obj.countries.all())

    @admin.display(description=_("goals"))
    def goal_list(self, obj):
        return ", ".join(str(g.number) for g in obj.goals.all())
