"""Report an error in a record (`/rapportera-fel/?url=<the record's page>`) and the log of
corrections (`/rattelser/`). The form takes no report from a program that fills the
hidden field, none beyond ERROR_REPORTS_PER_HOUR per client address (counted in the
shared cache) and none while the register is archived."""

import time
from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin

from core.cache import cache_is_down
from core.pagination import paginate
from core.readonly import archived
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


def over_hourly_limit(request):
    """True when this client address has sent ERROR_REPORTS_PER_HOUR reports this hour
    (not counted while the shared cache is down)."""
    limit = settings.ERROR_REPORTS_PER_HOUR
    if not limit or cache_is_down():
        return False
    address = get_client_ip_address(request) or "unknown"
    key = f"error-reports:{address}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=7200)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        count = 1
    return count > limit


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
        if over_hourly_limit(request):
            return self.render(
                form,
                429,
                _(
                    "Many reports have come from your address in the last hour. Please try "
                    "again in an hour; nothing of this report was stored."
                ),
            )
        if not form.is_valid():
            return self.render(form, status=400)
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
