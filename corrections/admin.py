from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.cache import bump_data_version
from corrections.history import described
from corrections.models import ErrorReport, Status


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    """Readers' reports for editors: what the reader wrote stays as written; the editor
    sets the status and, to close, the public explanation. Closing erases the e-mail
    address; closing as corrected puts the record's changes in the public log."""

    list_display = ["record_title", "status", "created_at", "closed_at"]
    list_filter = ["status"]
    search_fields = ["record_title", "description"]
    date_hierarchy = "created_at"
    fields = [
        "record_link",
        "created_at",
        "description",
        "source",
        "email",
        "status",
        "explanation_sv",
        "explanation_en",
        "changes_table",
        "closed_at",
        "handled_by",
    ]
    readonly_fields = [
        "record_link",
        "created_at",
        "description",
        "source",
        "email",
        "changes_table",
        "closed_at",
        "handled_by",
    ]

    actions = ["withhold_values"]

    @admin.action(
        description=_("Withhold the old and new values of the changes (personal data)"),
        permissions=["change"],
    )
    def withhold_values(self, request, queryset):
        """The log then says only which fields changed: for a correction that removed
        personal data or anything else that must not stay public."""
        for report in queryset:
            report.changes = [dict(change, old=None, new=None) for change in report.changes]
            report.save(update_fields=["changes"])
            if report.status == Status.CORRECTED:
                transaction.on_commit(bump_data_version)

    def has_add_permission(self, request):
        return False  # reports come from readers, through the public form

    @admin.display(description=_("record"))
    def record_link(self, obj):
        if obj.page:
            return format_html('<a href="{}">{}</a>', obj.page, obj.record_title)
        return obj.record_title

    @admin.display(description=_("changes"))
    def changes_table(self, obj):
        record = obj.record
        if not obj.changes or record is None:
            return "–"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} → {}</li>",
                (
                    (field, old if old is not None else "…", new if new is not None else "…")
                    for field, old, new, _language in described(obj.changes, type(record))
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.handled_by = request.user
        super().save_model(request, obj, form, change)
