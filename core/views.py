"""Generic views the feature apps and the site pages configure: a filtered list with
facets and export links, its streaming CSV export, a detail page with staff previews of
drafts, and the health check. Nothing here knows a concrete model."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterMixin

from core.exports import EXPORT_PERMISSION, check_export_permission, csv_response, export_filename
from core.filters import selected, selection
from core.formeraddresses import Gone, Moved, former_address
from core.pagination import paginate
from core.throttle import limit_streams


class FilteredSourceMixin(FilterMixin):
    """What a list and its export share: the published records (get_queryset) and the
    FilterSet, made by django-filter's FilterMixin from `request.GET or None`. Which
    records a FilterSet that is not valid selects is core.filters.selected's to say."""

    def get_queryset(self):
        raise NotImplementedError

    def get_filterset(self, filterset_class=None):
        return super().get_filterset(filterset_class or self.get_filterset_class())


def _without(params, name, value):
    remaining = params.copy()
    remaining.setlist(name, [v for v in params.getlist(name) if v != value])
    remaining.pop("page", None)
    query = remaining.urlencode()
    return f"?{query}" if query else "?"


class ActiveFiltersMixin:
    def active_filters(self, filterset, facets):
        """[(label, address without it)] for every filter value the list applies, so each
        can be removed with one link."""
        params = self.request.GET
        labels = {
            name: {str(value).upper(): label for value, label, _n, _s in options}
            for name, options in facets.items()
        }
        chips = []
        for name in filterset.filters:
            if name in ("sort", "page"):
                continue
            for value in params.getlist(name):
                label = labels.get(name, {}).get(value.upper(), value)
                title = filterset.filters[name].label or name
                chips.append((f"{title}: {label}", _without(params, name, value)))
        return chips


class FilteredListView(ActiveFiltersMixin, FilteredSourceMixin, TemplateView):
    """A public list: one FilterSet selects the records, gives the facet counts and tells
    the user about values it could not use."""

    def get(self, request, *args, **kwargs):
        # The filter form sends every field, empty ones too (?q=&status=&sort=): send the
        # browser to the same selection with a clean address, which is what gets shared.
        given = [(key, value) for key, values in request.GET.lists() for value in values]
        kept = [(key, value) for key, value in given if value.strip()]
        if len(kept) != len(given):
            query = urlencode(kept)
            return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))
        return super().get(request, *args, **kwargs)

    paginate_by = settings.PAGE_SIZE

    def decorate_page(self, objects):
        """Hook: add per-row figures to the rows of one page (in a constant number of
        queries)."""

    # [(label, url name, extra parameters)] offered to users with the export permission
    exports = ()

    def export_links(self):
        if not self.request.user.has_perm(EXPORT_PERMISSION):
            return []
        params = self.request.GET.copy()
        params.pop("page", None)
        links = []
        for label, url_name, extra in self.exports:
            query = params.copy()
            for key, value in extra.items():
                query[key] = value
            encoded = query.urlencode()
            links.append((label, reverse(url_name) + (f"?{encoded}" if encoded else "")))
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        records, notices = selection(filterset, self.request.GET)
        page, page_notice = paginate(records, self.request.GET.get("page"), self.paginate_by)
        if page_notice:
            notices.append(page_notice)
        self.decorate_page(page.object_list)
        facets = filterset.facets()
        context.update(
            filter=filterset,
            facets=facets,
            active_filters=self.active_filters(filterset, facets),
            page_obj=page,
            object_list=page.object_list,
            notices=notices,
            export_links=self.export_links(),
            is_filtered=any(
                self.request.GET.getlist(name) for name in filterset.filters if name != "sort"
            ),
        )
        return context


class KeptAddressMixin:
    """A detail page whose address never breaks (core.formeraddresses): a slug the record
    had when public answers 301 to its address now; a record deleted or no longer public
    answers 410 with its title, kind and the day it went."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            fate = former_address(self.get_queryset(), kwargs.get(self.slug_url_kwarg))
            if isinstance(fate, Moved):
                address = self.moved_to(fate.record)
                query = request.META.get("QUERY_STRING")
                return HttpResponsePermanentRedirect(address + ("?" + query if query else ""))
            if isinstance(fate, Gone):
                return TemplateResponse(request, "410.html", {"gone": fate}, status=410)
            raise

    def moved_to(self, record):
        """The address a renamed record's former address moves to."""
        return record.get_absolute_url()


class PreviewDetailView(KeptAddressMixin, DetailView):
    """A public record's page: published records for everyone, drafts too (with a
    preview banner) for logged-in users who may view them in the admin."""

    quality_checks = ()  # the model's data-quality checks: the page says what is unstated

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).for_detail()

    def get_context_data(self, **kwargs):
        from core.quality import unstated

        context = super().get_context_data(**kwargs)
        context["preview"] = not self.object.is_published
        context["unstated"] = unstated(self.object, self.quality_checks)
        return context


class FilteredExportView(FilteredSourceMixin, View):
    """Streams exactly the records the list with the same parameters shows, as CSV.
    `format=excel` gives semicolons for Excel in a Swedish locale."""

    filename_stem = "export"

    def get_dataset(self):
        raise NotImplementedError

    def get_export_queryset(self, records):
        return records

    @method_decorator(limit_streams)
    def get(self, request, *args, **kwargs):
        denied = check_export_permission(request)
        if denied:
            return denied
        records = selected(self.get_filterset())
        export_format = request.GET.get("format", "csv")
        return self.export_response(
            records,
            export_filename(self.filename_stem, "-excel" if export_format == "excel" else ""),
            export_format,
            f"user={request.user.username} path={request.get_full_path()[:500]!r}",
        )

    def export_response(self, records, filename, export_format, log_context):
        """The file of the listed `records`: the dataset's columns, read in SQL."""
        return csv_response(
            self.get_export_queryset(records.prefetch_related(None)),
            self.get_dataset(),
            filename,
            request=self.request,
            export_format=export_format,
            log_context=log_context,
        )


@require_GET
@cache_control(no_store=True)
def health(request):
    """For a load balancer: 200 when the database answers, 503 when it does not. The
    shared cache is reported on its own line: the site serves pages without it (computed
    from the database), so its outage alone does not take this machine out of service."""
    from django.db import connection

    from core.cache import cache_available

    cache_line = "cache ok" if cache_available() else "cache unavailable"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return HttpResponse(
            f"database unavailable\n{cache_line}\n", status=503, content_type="text/plain"
        )
    return HttpResponse(f"ok\ndatabase ok\n{cache_line}\n", content_type="text/plain")
