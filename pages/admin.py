"""The data-quality overview in the admin: how many records miss what, each count linked to
the changelist filtered to those records. It reads several apps, so it lives here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.quality import PARAMETER, count_checks
from partnerships.models import Partnership
from partnerships.quality import CHECKS as PARTNERSHIP_CHECKS
from projects.models import Project
from projects.quality import CHECKS as PROJECT_CHECKS
from reference.models import Organisation
from reference.quality import ORGANISATION_CHECKS

SECTIONS = [
    (Project, PROJECT_CHECKS),
    (Partnership, PARTNERSHIP_CHECKS),
    (Organisation, ORGANISATION_CHECKS),
]


def data_quality(request):
    """One query per kind of record, whatever their number."""
    sections = []
    for model, checks in SECTIONS:
        opts = model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        counts = count_checks(model.objects.all(), checks)
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        sections.append(
            {
                "title": opts.verbose_name_plural,
                "rows": [
                    {
                        "label": check.label,
                        "count": counts[check.key],
                        "url": f"{changelist}?{PARAMETER}={check.key}",
                    }
                    for check in checks
                ],
            }
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Data quality"),
        "sections": sections,
    }
    return TemplateResponse(request, "admin/data_quality.html", context)


admin.site.register_view("kvalitet/", data_quality, name="data-quality", title=_("Data quality"))


class RegisterUserAdmin(UserAdmin):
    """Django's user admin, where only a superuser can make, change or delete a superuser:
    Administrators manage accounts and roles (groups) but cannot raise themselves or
    anyone else above them (README, "Accounts")."""

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, "is_superuser", "user_permissions")
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.is_superuser and not request.user.is_superuser:
            raise PermissionDenied
        super().save_model(request, obj, form, change)


admin.site.unregister(User)
admin.site.register(User, RegisterUserAdmin)
