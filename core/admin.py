"""Admin building blocks: audit fields, history with permission checks, publishing
rights, CSV export actions. The apps' own ModelAdmins build on these."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.models import Publication
from core.readonly import archived


class ArchivedReadOnlyMixin:
    """While the register is archived (core.readonly) its records are shown read-only:
    no add, change, delete, action or history revert is offered (the database refuses
    them anyway)."""

    def _archived(self):
        return archived() and self.opts.app_label in settings.REGISTER_APPS

    def has_add_permission(self, request, *args):
        return not self._archived() and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return not self._archived() and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._archived() and super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        return {} if self._archived() else super().get_actions(request, action_location)


class RegisterAdminSite(admin.AdminSite):
    """The admin with the register's name, and a place for views that are not a model's
    changelist (for example the data-quality overview): a layer above registers them with
    `register_view()` and they are linked from the index. Knows no concrete model."""

    site_header = _("The register of international cooperation")
    site_title = _("The register of international cooperation")
    index_title = _("Records and reference data")
    # Without the navigation column a changelist with its filters fits a 1280-pixel screen;
    # the breadcrumbs and the index lead everywhere the column did.
    enable_nav_sidebar = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._extra_views = []

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every ModelAdmin is read-only while the register is archived."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ArchivedReadOnlyMixin):
            admin_class = type(admin_class.__name__, (ArchivedReadOnlyMixin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)

    def register_view(self, route, view, *, name, title, permission=None):
        """Adds `view(request)` at admin/<route> as `admin:<name>`, linked from the index for
        users who have `permission` (any staff user when None)."""
        self._extra_views.append(
            {"route": route, "view": view, "name": name, "title": title, "perm": permission}
        )

    def get_urls(self):
        extra = [
            path(item["route"], self.admin_view(item["view"]), name=item["name"])
            for item in self._extra_views
        ]
        return [*extra, *super().get_urls()]

    def extra_views_for(self, request):
        return [
            {"title": item["title"], "url": reverse(f"{self.name}:{item['name']}")}
            for item in self._extra_views
            if item["perm"] is None or request.user.has_perm(item["perm"])
        ]

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "extra_views": self.extra_views_for(request)}
        return super().index(request, extra_context)


class AuditedAdmin(SimpleHistoryAdmin):
    """Records who created and last changed a row, and shows it read-only; keeps every
    version (django-simple-history) with a history page and restore per record."""

    audit_fields = ("created_at", "created_by", "updated_at", "updated_by")
    object_history_list_template = "admin/core/object_history_list.html"

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.audit_fields)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reading an old version needs view permission; restoring it (a POST) needs change
        permission, as the change form does. django-simple-history alone accepts either."""
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if hasattr(instance, "updated_by_id"):
                if instance.pk is None:
                    instance.created_by = request.user
                instance.updated_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


IMAGE_FIELDSET = (
    _("Image"),
    {"fields": ("lead_image", "image_alt_sv", "image_alt_en", "image_credit", "image_licence")},
)


class MarkdownPreviewMixin:
    """A read-only "preview" on the change form: the saved Markdown fields as the public
    page shows them (core.text.render_markdown)."""

    markdown_fields = ()

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "text_preview")

    @admin.display(description=_("preview of the text"))
    def text_preview(self, obj):
        from django.utils.html import format_html, format_html_join
        from django.utils.text import capfirst

        from core.text import render_markdown

        shown = [
            (capfirst(obj._meta.get_field(name).verbose_name), render_markdown(value))
            for name in self.markdown_fields
            if obj is not None and (value := getattr(obj, name, ""))
        ]
        if not shown:
            return _("The preview shows the text once it is saved.")
        return format_html(
            '<div class="markdown-preview">{}</div>',
            format_html_join("", "<h3>{}</h3>{}", shown),
        )


class DatedAdminMixin:
    """The period as one short column ("2010–december 2012"), sorted by the start."""

    @admin.display(description=_("period"), ordering="start_date")
    def period(self, obj):
        return obj.period_display


def sek_display(amount):
    """An amount in whole kronor as the active language writes it: "400 000 kr"."""
    from django.contrib.humanize.templatetags.humanize import intcomma

    if amount is None:
        return ""
    return _("%(amount)s kr") % {"amount": intcomma(amount)}


DRAFTS_NAMED = 20  # of each kind in the warning of drafts a page leaves out


class PublishableAdmin(AuditedAdmin):
    """Only users with the model's publish permission change the publication state: the
    field is read-only for others, and every save (change form, history restore) keeps the
    stored state for them, so no posted value can publish. Bulk publish / unpublish need
    the same permission."""

    actions = ["publish_selected", "unpublish_selected"]
    publication_fields = ("publication", "published_at")

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not self.has_publish_permission(request):
            fields = (*fields, *(f for f in self.publication_fields if f not in fields))
        return fields

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            stored = (
                type(obj).objects.filter(pk=obj.pk).values(*self.publication_fields).first()
                if change
                else None
            )
            if stored:
                for name, value in stored.items():
                    setattr(obj, name, value)
            else:
                obj.publication, obj.published_at = Publication.DRAFT, None
        super().save_model(request, obj, form, change)

    def warn_of_drafts(self, request, records, published):
        """A warning that names what the public pages of `records` (a queryset) leave out
        because it is not published — a partner municipality still a draft shows there as
        "not recorded" — with a link to those records in the admin, where "Publish
        selected" publishes them. Models whose querysets have no draft_dependencies()
        have nothing to warn of."""
        from django.utils.html import conditional_escape, format_html, format_html_join
        from django.utils.http import urlencode
        from django.utils.safestring import mark_safe

        depends = getattr(records, "draft_dependencies", None)
        parts = []
        for model, drafts in depends() if depends else ():
            drafts = list(drafts.order_by("pk")[:DRAFTS_NAMED])
            if not drafts:
                continue
            opts = model._meta
            address = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            address += "?" + urlencode({"id__in": ",".join(str(d.pk) for d in drafts)})
            parts.append(
                format_html(
                    '{}: {} (<a href="{}">{}</a>)',
                    opts.verbose_name_plural.capitalize(),
                    format_html_join(", ", "{}", ((str(d),) for d in drafts)),
                    address,
                    _("publish them"),
                )
            )
        if not parts:
            return
        if published:
            text = _("Its public page leaves out what is still a draft: %(drafts)s.")
        else:
            text = _(
                "Once published, its public page will leave out what is still a draft: %(drafts)s."
            )
        drafts = format_html_join("; ", "{}", ((part,) for part in parts))
        # The translation escaped, the names and links escaped by format_html above.
        message = mark_safe(conditional_escape(text) % {"drafts": drafts})
        self.message_user(request, message, messages.WARNING)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            from django.contrib.admin.utils import unquote

            record = self.get_object(request, unquote(object_id))
            if (
                record is not None
                and record.publication != Publication.PUBLISHED
                and self.has_view_or_change_permission(request, record)
            ):
                self.warn_of_drafts(request, self.model.objects.filter(pk=record.pk), False)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the inlines are saved here
        record = form.instance
        if record.publication == Publication.PUBLISHED:
            self.warn_of_drafts(request, self.model.objects.filter(pk=record.pk), True)

    @admin.action(description=_("Publish selected"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        chosen = self.model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        count = queryset.publish(user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d record published.", "%(count)d records published.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        self.warn_of_drafts(request, chosen, True)

    @admin.action(description=_("Unpublish selected"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = queryset.unpublish(user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d record unpublished.", "%(count)d records unpublished.", count)
            % {"count": count},
            messages.SUCCESS,
        )


def csv_export_action(dataset, prepare=lambda qs: qs, stem="export"):
    """An admin action that streams the selected rows with the public export's columns."""

    @admin.action(description=_("Export selected to CSV"), permissions=["export"])
    def export_selected(modeladmin, request, queryset):
        from core.exports import csv_response, export_filename

        return csv_response(
            prepare(queryset.prefetch_related(None)),
            dataset(),
            export_filename(stem),
            request=request,
            log_context=f"user={request.user.username} admin={modeladmin.opts.label}",
        )

    return export_selected


class ExportPermissionMixin:
    def has_export_permission(self, request):
        from core.exports import EXPORT_PERMISSION

        return request.user.has_perm(EXPORT_PERMISSION)
