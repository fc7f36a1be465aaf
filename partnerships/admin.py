import uuid

from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.admin import (
    AuditedAdmin,
    DatedAdminMixin,
    ExportPermissionMixin,
    MarkdownPreviewMixin,
    PublishableAdmin,
    csv_export_action,
    sek_display,
)
from core.quality import quality_list_filter
from partnerships.exports import grant_dataset, partnership_dataset
from partnerships.models import (
    Grant,
    GrantParticipant,
    GrantRound,
    GrantRoundParticipant,
    Partnership,
    PartnershipParticipant,
)
from partnerships.quality import CHECKS
from partnerships.roles import give_round_roles
from reference.admin import RoleInline, short_name
from reference.models import Role

FUNDING_ROLE_NAMES = (
    (Role.EXTENDING, _("decides the grants")),
    (Role.FUNDING, _("the money comes from here")),
)


class GrantRoundRoleInline(RoleInline):
    model = GrantRoundParticipant
    roles = FUNDING_ROLE_NAMES


class GrantRoleInline(RoleInline):
    model = GrantParticipant
    roles = FUNDING_ROLE_NAMES


class ParticipantInline(admin.TabularInline):
    model = PartnershipParticipant
    extra = 0
    fields = ("organisation", "role", "amount_sek", "share_percent", "position")
    autocomplete_fields = ("organisation",)


class GrantInline(admin.TabularInline):
    model = Grant
    extra = 0
    fields = (
        "grant_round",
        "year",
        "amount_sek_per_year",
        "duration_years",
        "decided_on",
    )
    autocomplete_fields = ("grant_round",)
    # Who decided a grant and whose money it is are set on the grant's own page; a new
    # grant takes its round's (partnerships.roles).
    show_change_link = True


@admin.register(Partnership)
class PartnershipAdmin(
    MarkdownPreviewMixin, DatedAdminMixin, ExportPermissionMixin, PublishableAdmin
):
    markdown_fields = ("body_sv", "body_en")
    actions = [
        *PublishableAdmin.actions,
        csv_export_action(partnership_dataset, stem="partnerskap"),
    ]
    list_display = (
        "title_sv",
        "country",
        "participant_list",
        "period",
        "publication",
    )
    list_filter = (
        "publication",
        "stated_status",
        ("country", admin.RelatedOnlyFieldListFilter),
        ("goals", admin.RelatedOnlyFieldListFilter),
        ("themes", admin.RelatedOnlyFieldListFilter),
        ("programme", admin.RelatedOnlyFieldListFilter),
        ("grants__grant_round", admin.RelatedOnlyFieldListFilter),
        quality_list_filter(CHECKS),
    )
    list_select_related = ("country",)
    search_fields = (
        "title_sv",
        "title_en",
        "summary_sv",
        "slug",
        "participants__organisation__name_sv",
    )
    autocomplete_fields = ("country", "programme", "themes", "goals", "sources", "status_source")
    prepopulated_fields = {"slug": ("title_sv",)}
    inlines = [ParticipantInline, GrantInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        added = [g.pk for f in formsets if f.model is Grant for g in f.new_objects]
        if added:  # grants added here take their round's organisations
            give_round_roles(Grant.objects.filter(pk__in=added), user=request.user)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "participants",
                    queryset=PartnershipParticipant.objects.filter(
                        role=Role.SWEDISH_PARTICIPANT
                    ).select_related("organisation"),
                    to_attr="swedish_list",
                )
            )
        )

    @admin.display(description=_("Swedish participants"))
    def participant_list(self, obj):
        return ", ".join(p.organisation.name_sv for p in obj.swedish_list)


@admin.register(Grant)
class GrantAdmin(ExportPermissionMixin, AuditedAdmin):
    actions = [csv_export_action(grant_dataset, stem="bidrag")]
    list_display = (
        "partnership",
        "year",
        "amount",
        "duration_years",
        "grant_round",
        "grant_maker_name",
    )
    list_filter = (
        "year",
        "duration_years",
        ("grant_round", admin.RelatedOnlyFieldListFilter),
        ("partnership__country", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("partnership", "grant_round")
    search_fields = ("partnership__title_sv", "partnership__participants__organisation__name_sv")
    autocomplete_fields = ("partnership", "grant_round")
    inlines = [GrantRoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_roles()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:  # a grant added here takes its round's organisations, unless named
            give_round_roles(Grant.objects.filter(pk=form.instance.pk), user=request.user)

    @admin.display(description=_("SEK a year"), ordering="amount_sek_per_year")
    def amount(self, obj):
        return sek_display(obj.amount_sek_per_year)

    @admin.display(description=_("Granted by"))
    def grant_maker_name(self, obj):
        return short_name(obj.grant_maker)


@admin.register(GrantRound)
class GrantRoundAdmin(AuditedAdmin):
    inlines = [GrantRoundRoleInline]

    def get_urls(self):
        return [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="partnerships_grantround_import",
            ),
            path(
                "<int:pk>/import/mall.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name="partnerships_grantround_import_template",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        if self._archived():
            return False
        return request.user.has_perm("partnerships.add_partnership") and request.user.has_perm(
            "partnerships.change_grantround"
        )

    def import_template_view(self, request, pk, extension):
        """An empty file to fill in: the header and an example row the reader skips."""
        from partnerships.importing import XLSX_CONTENT_TYPE, template_csv, template_xlsx

        get_object_or_404(GrantRound, pk=pk)
        if not self.has_import_permission(request):
            raise PermissionDenied
        if extension == "csv":
            content, content_type = template_csv(), "text/csv; charset=utf-8"
        elif extension == "xlsx":
            content, content_type = template_xlsx(), XLSX_CONTENT_TYPE
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="beslut-mall.{extension}"'
        return response

    def drafts_url(self, grant_round):
        """The partnerships changelist filtered to the round's drafts."""
        query = urlencode(
            {"grants__grant_round__id__exact": grant_round.pk, "publication__exact": "draft"}
        )
        return reverse("admin:partnerships_partnership_changelist") + "?" + query

    def import_view(self, request, pk):
        """Upload, preview, confirm. The checked rows wait in the database
        (PendingImport), so any web process can take the confirmation; the preview's form
        carries their token, which saves them once."""
        from partnerships.importing import (
            AlreadySaved,
            ImportFileError,
            PreviewExpired,
            RoundImport,
            pend_import,
            read_upload,
            save_pending_import,
            summarise,
        )

        grant_round = get_object_or_404(GrantRound, pk=pk)
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "round": grant_round,
            "results": None,
            "file_error": None,
            "title": _("Import decisions"),
        }
        status = 200
        drafts_link = format_html(
            '<a href="{}">{}</a>', self.drafts_url(grant_round), _("Show the round's drafts")
        )
        if request.method == "POST" and request.POST.get("confirm"):
            try:
                importer, results, written = save_pending_import(
                    uuid.UUID(request.POST["confirm"]), grant_round=grant_round, user=request.user
                )
            except (ValueError, PreviewExpired):
                context["file_error"] = _("The preview has expired; upload the file again.")
            except AlreadySaved:
                status = 409
                context["file_error"] = format_html(
                    "{} {}",
                    _("The rows of this file are already saved; nothing was saved twice."),
                    drafts_link,
                )
            else:
                if written is not None:
                    self.message_user(
                        request,
                        format_html(
                            "{} {}",
                            _("%(n)s rows saved as drafts; %(u)s were unchanged.")
                            % {"n": intcomma(written), "u": intcomma(len(results) - written)},
                            drafts_link,
                        ),
                        messages.SUCCESS,
                    )
                    return redirect("admin:partnerships_grantround_change", pk)
                context.update(
                    results=results,
                    summary=summarise(results),
                    import_messages=importer.messages,
                )
        elif request.method == "POST":
            upload = request.FILES.get("file")
            try:
                if upload is None:
                    raise ImportFileError(_("Choose a file to upload."))
                header, body = read_upload(upload)
            except ImportFileError as error:
                context["file_error"] = str(error)
            else:
                importer = RoundImport(grant_round)
                results = importer.check(header, body)
                summary = summarise(results)
                context.update(results=results, summary=summary, import_messages=importer.messages)
                if not (summary["errors"] or importer.messages):  # "Save all rows" is offered
                    context["pending"] = pend_import(
                        grant_round=grant_round, user=request.user, header=header, body=body
                    )
        return TemplateResponse(
            request, "admin/partnerships/grantround/import.html", context, status=status
        )

    list_display = ("title_sv", "programme", "year", "stated_new_partnerships")
    list_filter = ("year",)
    list_select_related = ("programme",)
    search_fields = ("title_sv", "title_en")
    autocomplete_fields = (
        "programme",
        "participants",
        "leading_countries",
        "themes",
        "source",
    )
    prepopulated_fields = {"slug": ("title_sv",)}
