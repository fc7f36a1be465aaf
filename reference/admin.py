from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import (
    IMAGE_FIELDSET,
    AuditedAdmin,
    DatedAdminMixin,
    ExportPermissionMixin,
    MarkdownPreviewMixin,
    PublishableAdmin,
    csv_export_action,
)
from core.quality import quality_list_filter
from reference.exports import organisation_dataset
from reference.models import (
    Country,
    FormerName,
    Goal,
    Organisation,
    Programme,
    ProgrammeParticipant,
    Role,
    Source,
    Theme,
    normalise_org_number,
)
from reference.quality import ORGANISATION_CHECKS


class RoleInline(admin.TabularInline):
    """The organisations of a record of who runs or funds what (reference.RoleHolder), one
    in each role; `roles` says which roles and what each is called here."""

    extra = 0
    fields = ("role", "organisation")
    autocomplete_fields = ("organisation",)
    roles = ()

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [("", "---------"), *self.roles]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_max_num(self, request, obj=None, **kwargs):
        return len(self.roles)


class ProgrammeRoleInline(RoleInline):
    model = ProgrammeParticipant
    roles = ((Role.ACCOUNTABLE, _("runs the programme")), (Role.FUNDING, _("funds it")))


def short_name(organisation):
    """An organisation by its acronym where it has one (ICLD, Sida), so columns stay narrow."""
    if organisation is None:
        return ""
    return organisation.acronym or organisation.name_sv


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("number", "title_sv", "title_en", "framework", "colour")
    list_display_links = ("number", "title_sv")
    list_filter = ("framework",)
    search_fields = ("title_sv", "title_en", "=number")
    ordering = ("framework", "number")
    fields = (
        "framework",
        "number",
        "title_sv",
        "title_en",
        "statement_sv",
        "statement_en",
        "url",
        "colour",
    )


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name_sv", "name_en", "continent", "code")
    list_filter = ("continent",)
    search_fields = ("code", "name_sv", "name_en")
    readonly_fields = ("code", "name_sv", "name_en")

    def has_add_permission(self, request):
        # Rows come from django-countries (manage.py seed); editors never type them.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name_sv", "name_en", "slug", "kind")
    list_filter = ("kind",)
    search_fields = ("name_sv", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


class FormerNameInline(admin.TabularInline):
    model = FormerName
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(MarkdownPreviewMixin, ExportPermissionMixin, PublishableAdmin):
    markdown_fields = ("description_sv", "description_en")
    actions = [
        *PublishableAdmin.actions,
        csv_export_action(organisation_dataset, stem="organisationer"),
    ]
    list_display = (
        "name_sv",
        "acronym",
        "kind",
        "scb_code",
        "county_name",
        "country",
        "publication",
    )
    list_filter = (
        "publication",
        "kind",
        "county_name",
        ("country", admin.RelatedOnlyFieldListFilter),
        quality_list_filter(ORGANISATION_CHECKS),
    )
    list_select_related = ("country", "parent")
    search_fields = (
        "name_sv",
        "name_en",
        "acronym",
        "=scb_code",
        "=org_number",
        "=iati_ref",
        "former_names__name",
        "former_names__acronym",
    )
    autocomplete_fields = ("country", "parent", "sources")
    prepopulated_fields = {"slug": ("name_sv",)}
    inlines = [FormerNameInline]
    fieldsets = (
        (None, {"fields": ("name_sv", "name_en", "acronym", "slug", "kind", "country", "parent")}),
        (
            _("Identifiers"),
            {
                "fields": (
                    "org_number",
                    "scb_code",
                    "county_code",
                    "county_name",
                    "iati_ref",
                    "website",
                )
            },
        ),
        (_("Text"), {"fields": ("description_sv", "description_en", "text_preview")}),
        IMAGE_FIELDSET,
        (_("Publication"), {"fields": ("publication", "published_at", "sources")}),
        (_("History"), {"fields": PublishableAdmin.audit_fields}),
    )

    def get_search_results(self, request, queryset, search_term):
        """Also finds organisation numbers written as SE-ON-NNNNNN-NNNN or NNNNNN-NNNN."""
        results, distinct = super().get_search_results(request, queryset, search_term)
        number = normalise_org_number(search_term)
        if number:
            results = results | queryset.filter(org_number=number)
        return results, distinct


@admin.register(Source)
class SourceAdmin(AuditedAdmin):
    list_display = ("title", "publisher_name", "published_on", "site")
    list_select_related = ("publisher",)
    search_fields = ("title", "url", "publisher__name_sv", "publisher__acronym")
    autocomplete_fields = ("publisher",)
    prepopulated_fields = {"slug": ("title",)}

    @admin.display(description=_("publisher"), ordering="publisher__name_sv")
    def publisher_name(self, obj):
        return short_name(obj.publisher)

    @admin.display(description=_("website"))
    def site(self, obj):
        from urllib.parse import urlsplit

        return urlsplit(obj.url).hostname or ""


@admin.register(Programme)
class ProgrammeAdmin(MarkdownPreviewMixin, DatedAdminMixin, PublishableAdmin):
    markdown_fields = ("description_sv", "description_en")
    list_display = ("name_sv", "owner_name", "funder_name", "period", "publication")
    search_fields = ("name_sv", "name_en")
    autocomplete_fields = ("goals", "themes", "sources", "status_source")
    prepopulated_fields = {"slug": ("name_sv",)}
    inlines = [ProgrammeRoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_roles()

    @admin.display(description=_("run by"))
    def owner_name(self, obj):
        return short_name(obj.owner)

    @admin.display(description=_("funded by"))
    def funder_name(self, obj):
        return short_name(obj.funder)
