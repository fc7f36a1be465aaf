from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import AuditedAdmin, ExportPermissionMixin, PublishableAdmin, csv_export_action
from partnerships.exports import (
    grant_columns,
    municipality_columns,
    partnership_columns,
    partnership_export_queryset,
)
from partnerships.models import Grant, GrantRound, Municipality, Partnership


@admin.register(Municipality)
class MunicipalityAdmin(ExportPermissionMixin, PublishableAdmin):
    actions = [*PublishableAdmin.actions, csv_export_action(municipality_columns, stem="kommuner")]
    list_display = ("name", "kind", "code", "county_name", "country", "publication")
    list_filter = (
        "publication",
        "kind",
        "county_name",
        ("country", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("country",)
    search_fields = ("name", "code", "county_name")
    autocomplete_fields = ("country",)
    prepopulated_fields = {"slug": ("name",)}


class GrantInline(admin.TabularInline):
    model = Grant
    extra = 0
    fields = (
        "grant_round",
        "year",
        "amount_sek_per_year",
        "duration_years",
        "funder",
        "decided_on",
    )
    autocomplete_fields = ("grant_round", "funder")


@admin.register(Partnership)
class PartnershipAdmin(ExportPermissionMixin, PublishableAdmin):
    actions = [
        *PublishableAdmin.actions,
        csv_export_action(partnership_columns, partnership_export_queryset, "partnerskap"),
    ]
    list_display = (
        "title_sv",
        "country",
        "participant_list",
        "status",
        "start_year",
        "end_year",
        "publication",
    )
    list_filter = (
        "publication",
        "status",
        ("country", admin.RelatedOnlyFieldListFilter),
        ("goals", admin.RelatedOnlyFieldListFilter),
        ("themes", admin.RelatedOnlyFieldListFilter),
        "start_year",
    )
    list_select_related = ("country",)
    search_fields = ("title_sv", "title_en", "summary_sv", "slug", "swedish_participants__name")
    autocomplete_fields = (
        "country",
        "programme",
        "swedish_participants",
        "partner_governments",
        "themes",
        "goals",
    )
    prepopulated_fields = {"slug": ("title_sv",)}
    inlines = [GrantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("swedish_participants")

    @admin.display(description=_("Swedish participants"))
    def participant_list(self, obj):
        return ", ".join(m.name for m in obj.swedish_participants.all())


@admin.register(Grant)
class GrantAdmin(ExportPermissionMixin, AuditedAdmin):
    actions = [
        csv_export_action(
            grant_columns,
            lambda qs: qs.select_related(
                "partnership__country", "grant_round", "funder"
            ).prefetch_related("partnership__swedish_participants", "partnership__goals"),
            "bidrag",
        )
    ]
    list_display = (
        "partnership",
        "year",
        "amount_sek_per_year",
        "duration_years",
        "grant_round",
        "funder",
    )
    list_filter = (
        "year",
        "duration_years",
        ("grant_round", admin.RelatedOnlyFieldListFilter),
        ("partnership__country", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("partnership", "grant_round", "funder")
    search_fields = ("partnership__title_sv", "partnership__swedish_participants__name")
    autocomplete_fields = ("partnership", "grant_round", "funder")


@admin.register(GrantRound)
class GrantRoundAdmin(AuditedAdmin):
    list_display = ("title_sv", "programme", "year", "new_partnerships")
    list_filter = ("year",)
    list_select_related = ("programme",)
    search_fields = ("title_sv", "title_en")
    autocomplete_fields = ("programme", "participants", "leading_countries", "themes")
    prepopulated_fields = {"slug": ("title_sv",)}
