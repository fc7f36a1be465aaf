"""Report an error in a record (`/rapportera-fel/?url=<the record's page>`) and the log of
corrections (`/rattelser/`). The form takes no report from a program that fills the
hidden field, none beyond ERROR_REPORTS_PER_HOUR per client address (counted in the
shared cache, core.throttle.over_limit) and none while the register is archived."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin

from core.pagination import paginate
from core.readonly import archived
from core.throttle import over_limit
from core.urls import resolve_own_address
from corrections.forms import ErrorReportForm
from corrections.models import public_queryset
from corrections.selectors import public_corrections, with_records
from corrections.services import submit_report


def reported_record(request, address):
    """The public record whose page is at `address` (a path of this site, or its whole
    URL); Http404 for anything else."""
    match, language = resolve_own_address(request, address)
    with translation.override(language):
        view_class = getattr(match.func, "view_class", None)
        if view_class is None or not issubclass(view_class, SingleObjectMixin):
            raise Http404
        view = view_class(**match.func.view_initkwargs)
        view.setup(request, *match.args, **match.kwargs)
        record = view.get_object()
    records = public_queryset(type(record))
    if records is None or not records.filter(pk=record.pk).exists():
        raise Http404
    return record, urlsplit(address).path


class ReportView(View):
    template_name = "corrections/report.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.address = request.GET.get("url", "").strip()

    def render(self, form=None, status=200, refused=None):
        context = {"form": form, "refused": refused, "archived_now": bool(archived())}
        if self.address:
            context.update(record=self.record, record_address=self.path)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        if not self.address:  # how to report: from the record's page
            return self.render()
        self.record, self.path = reported_record(request, self.address)
        return self.render(ErrorReportForm())

    def post(self, request):
        self.record, self.path = reported_record(request, self.address)
        form = ErrorReportForm(request.POST)
        if archived():
            return self.render(form, status=403)
        if form.is_trap_filled():
            return self.render(form, 400, _("The report could not be received."))
        if not form.is_valid():
            return self.render(form, status=400)
        # Only reports that would be stored count (core.throttle, the shared cache).
        if over_limit(request, "error-reports", settings.ERROR_REPORTS_PER_HOUR, 3600):
            return self.render(
                form,
                429,
                _(
                    "Many reports have come from your address in the last hour. Please try "
                    "again in an hour; nothing of this report was stored."
                ),
            )
        submit_report(self.record, self.path, translation.get_language(), form)
        return redirect("corrections:thanks")


class ThanksView(TemplateView):
    template_name = "corrections/thanks.html"


class CorrectionLogView(TemplateView):
    template_name = "corrections/log.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        page, notice = paginate(public_corrections(), self.request.GET.get("page"), self.per_page)
        return super().get_context_data(
            page_obj=page, corrections=with_records(page.object_list), notice=notice, **kwargs
        )
