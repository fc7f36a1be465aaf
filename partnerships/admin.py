from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import (
    AuditedAdmin,
    DatedAdminMixin,
    ExportPermissionMixin,
    PublishableAdmin,
    csv_export_action,
    sek_display,
)
from partnerships.exports import grant_dataset, partnership_dataset
from partnerships.models import Grant, GrantRound, Partnership, PartnershipParticipant
from reference.admin import short_name
from reference.models import Role


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
        "grant_maker",
        "funding_source",
        "decided_on",
    )
    autocomplete_fields = ("grant_round", "grant_maker", "funding_source")


@admin.register(Partnership)
class PartnershipAdmin(DatedAdminMixin, ExportPermissionMixin, PublishableAdmin):
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
    list_select_related = ("partnership", "grant_round", "grant_maker")
    search_fields = ("partnership__title_sv", "partnership__participants__organisation__name_sv")
    autocomplete_fields = ("partnership", "grant_round", "grant_maker", "funding_source")

    @admin.display(description=_("SEK a year"), ordering="amount_sek_per_year")
    def amount(self, obj):
        return sek_display(obj.amount_sek_per_year)

    @admin.display(description=_("Granted by"), ordering="grant_maker__name_sv")
    def grant_maker_name(self, obj):
        return short_name(obj.grant_maker)


@admin.register(GrantRound)
class GrantRoundAdmin(AuditedAdmin):
    def get_urls(self):
        return [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="partnerships_grantround_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        """Upload, preview, confirm. The uploaded rows wait in the session (in the
        database, so any web process can take the confirmation)."""
        from partnerships.importing import (
            ImportFileError,
            RoundImport,
            grant_round_import,
            read_upload,
            summarise,
        )

        grant_round = get_object_or_404(GrantRound, pk=pk)
        if not (
            request.user.has_perm("partnerships.add_partnership")
            and request.user.has_perm("partnerships.change_grantround")
        ):
            raise PermissionDenied
        session_key = f"grant-round-import-{pk}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "round": grant_round,
            "results": None,
            "file_error": None,
        }
        if request.method == "POST" and request.POST.get("confirm"):
            stored = request.session.get(session_key)
            if not stored:
                context["file_error"] = _("The preview has expired; upload the file again.")
            else:
                results = RoundImport(grant_round).check(stored["header"], stored["body"])
                if any(row.errors for row in results):
                    context.update(results=results, summary=summarise(results))
                else:
                    written = grant_round_import(
                        grant_round=grant_round, results=results, user=request.user
                    )
                    del request.session[session_key]
                    self.message_user(
                        request,
                        _("%(n)s rows saved as drafts; %(u)s were unchanged.")
                        % {"n": written, "u": len(results) - written},
                        messages.SUCCESS,
                    )
                    return redirect("admin:partnerships_grantround_change", pk)
        elif request.method == "POST":
            upload = request.FILES.get("file")
            try:
                if upload is None:
                    raise ImportFileError(_("Choose a file to upload."))
                header, body = read_upload(upload)
            except ImportFileError as error:
                context["file_error"] = str(error)
            else:
                results = RoundImport(grant_round).check(header, body)
                request.session[session_key] = {"header": header, "body": body}
                context.update(results=results, summary=summarise(results))
        return TemplateResponse(request, "admin/partnerships/grantround/import.html", context)

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
        "grant_maker",
        "funding_source",
    )
    prepopulated_fields = {"slug": ("title_sv",)}
