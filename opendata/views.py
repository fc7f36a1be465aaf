"""The open-data files (360Giving, IATI, the DCAT catalogue), robots.txt and the "Öppna
data" page. The files read the lists' own FilterSets, so a file holds what the list with
the same parameters shows; parameters the list would report in a notice are answered
with 400 and a JSON body naming them."""

from django.http import HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.generic import TemplateView

from core.xmltext import xml_safe
from opendata import giving360
from opendata import records as r
from opendata.http import (
    BadParameters,
    empty_selection,
    filtered,
    json_error,
    open_data,
    read_only,
)
from opendata.iati import activities_file, partnership_activity, project_activity
from opendata.wholefiles import whole_file
from partnerships.filters import PartnershipFilterSet
from partnerships.models import Partnership
from partnerships.views import GrantExportView as PlainGrantExportView
from projects.filters import ProjectFilterSet
from projects.models import Project

# The file name of each whole file (opendata/wholefiles.py) by its address's name.
WHOLE_FILES = {
    "data-full-download": "hela-registret.zip",
    "data-grants-360giving": "bidrag-360giving.json",
    "data-partnerships-iati": "partnerskap-iati.xml",
    "data-projects-iati": "projekt-iati.xml",
}


def bad_request(exc):
    return json_error(exc.message, 400, exc.errors)


def grants_of_selection(request, params):
    """The grants of the published partnerships `params` (a filter of /partnerskap/)
    selects that 360Giving can describe; raises BadParameters."""
    filterset = filtered(PartnershipFilterSet, Partnership.objects.published(), params, request)
    return r.grants_of(filterset.qs)


@open_data
@whole_file(WHOLE_FILES["data-grants-360giving"])
def grants_360giving(request):
    """/partnerskap/bidrag.json?<the filters of /partnerskap/>"""
    try:
        grants = grants_of_selection(request, request.GET)
    except BadParameters as exc:
        return bad_request(exc)
    if not giving360.describable(grants).exists():
        return empty_selection(request, "json")
    return giving360.package_response(request, grants)


class GrantExportView(PlainGrantExportView):
    """/partnerskap/bidrag.csv: with columns=360giving, the 360Giving CSV, which is the
    JSON package's grants flattened (opendata.giving360); otherwise partnerships' own
    columns. The same permission, filters, limits and log as every CSV export."""

    def export_response(self, records, filename, export_format, log_context):
        if self.request.GET.get("columns") != "360giving":
            return super().export_response(records, filename, export_format, log_context)
        # Its own file name, so that it does not overwrite the plain grants file.
        filename = filename.replace("bidrag", "bidrag-360giving", 1)
        return giving360.csv_response(self.request, records, filename, export_format, log_context)


@open_data
def release_file(request, name, filename):
    """/oppna-data/utgavor/<date>/<file>: a file of a release (opendata/releases.py)."""
    import mimetypes

    from django.core.files.storage import storages
    from django.http import FileResponse, Http404

    storage = storages["releases"]
    try:
        files = storage.listdir(name)[1]
    except FileNotFoundError:
        raise Http404 from None
    if filename not in files or "SHA256SUMS" not in files:
        raise Http404
    content_type = mimetypes.guess_type(filename)[0] or "text/plain"
    response = FileResponse(storage.open(f"{name}/{filename}", "rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}-{filename}"'
    return response


@open_data
@whole_file(WHOLE_FILES["data-full-download"])
def full_download(request):
    """/oppna-data/hela-registret.zip: every table of published records as CSV in a
    Frictionless data package, the tables of a release (opendata/releases.py) of the
    data as it is now. No parameters: a selection is what the API and the lists give."""
    import tempfile

    from django.http import FileResponse

    from opendata.http import check_parameters, data_last_modified
    from opendata.releases import write_full_download

    try:
        check_parameters(request.GET, [])
    except BadParameters as exc:
        return bad_request(exc)
    out = tempfile.TemporaryFile()
    write_full_download(out, request.build_absolute_uri("/"), data_last_modified(request))
    out.seek(0)
    response = FileResponse(out, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="hela-registret.zip"'
    return response


@open_data
def api_index(request):
    """/api/v1/: where the lists and the API's description are."""
    names = ("projects", "partnerships", "grants", "grant_rounds", "municipalities")
    names += ("organisations", "programmes", "goals", "countries")
    links = {name: request.build_absolute_uri(reverse(f"api-v1:{name}")) for name in names}
    for name in ("openapi-json", "openapi-view"):
        links[name.replace("-", "_")] = request.build_absolute_uri(reverse(f"api-v1:{name}"))
    return JsonResponse({"links": links})


def api_not_found(request):
    return json_error("No such address in the API; see /api/v1/ for the lists.", status=404)


# What each IATI file describes: (filters, published records, the records with what the
# activity reads, the activity builder, file name).
IATI_FILES = {
    "data-projects-iati": (
        ProjectFilterSet,
        lambda: Project.objects.published(),
        r.project_queryset,
        project_activity,
        "projekt-iati.xml",
    ),
    "data-partnerships-iati": (
        PartnershipFilterSet,
        lambda: Partnership.objects.published(),
        r.partnership_queryset,
        partnership_activity,
        "partnerskap-iati.xml",
    ),
}


def iati_file(request, params, name):
    """The IATI file's bytes for the selection `params`, or None when it would describe
    no activity; raises BadParameters."""
    filterset_class, base, queryset, build, _filename = IATI_FILES[name]
    filterset = filtered(filterset_class, base(), params, request)
    records = queryset().filter(pk__in=filterset.qs.values("pk")).order_by("id")
    return activities_file(request, records, build)


def iati_response(request, name):
    try:
        stream = iati_file(request, request.GET, name)
    except BadParameters as exc:
        return bad_request(exc)
    if stream is None:
        return empty_selection(request, "xml")
    response = StreamingHttpResponse(stream, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{IATI_FILES[name][-1]}"'
    return response


@open_data
@whole_file(WHOLE_FILES["data-projects-iati"])
def projects_iati(request):
    """/projekt/iati.xml?<the filters of /projekt/>"""
    return iati_response(request, "data-projects-iati")


@open_data
@whole_file(WHOLE_FILES["data-partnerships-iati"])
def partnerships_iati(request):
    """/partnerskap/iati.xml?<the filters of /partnerskap/>"""
    return iati_response(request, "data-partnerships-iati")


def empty_files(request):
    """The URL names of the whole standard files that would describe no record and so
    answer 404 (opendata.http.empty_selection): the catalogue, the schema.org datasets
    and the open-data page leave them out rather than point at a 404. Reads until the
    first describable record of each, once a data version (core.cache.cached)."""
    from core.cache import cached, page_cache_key

    def compute():
        nothing = QueryDict()
        empty = {name for name in IATI_FILES if iati_file(request, nothing, name) is None}
        if not giving360.describable(grants_of_selection(request, nothing)).exists():
            empty.add("data-grants-360giving")
        return empty

    return cached(page_cache_key("empty-open-data-files"), compute)


@open_data
def catalogue_rdf(request):
    """/oppna-data/katalog.rdf: the DCAT-AP-SE catalogue (rdflib writes any character it
    is given, so those XML cannot carry are dropped from what it wrote)."""
    from opendata.dcat import catalogue

    data = xml_safe(catalogue(request, empty_files(request)).serialize(format="xml"))
    return HttpResponse(data, content_type="application/rdf+xml; charset=utf-8")


EXPORTS = (
    "projects:project-export",
    "partnerships:partnership-export",
    "partnerships:grant-export",
    "partnerships:municipality-export",
)


@read_only
def robots_txt(request):
    """Crawlers may read everything public but the admin and the staff's CSV exports."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    for language in ("sv", "en"):
        with translation.override(language):
            lines += [f"Disallow: {reverse(name)}" for name in EXPORTS]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class OpenDataPageView(TemplateView):
    """Öppna data: the full downloads with their size, every format with an example
    address, the licence, the API docs, the releases; the datasets as schema.org JSON-LD."""

    template_name = "opendata/open_data.html"

    def downloads(self, empty):
        """[(address, label, what it holds, size in bytes or None, whether it is empty)] of
        the whole files; the size is known once the file of the current data is written.
        An empty file (`empty`, empty_files) is named without a link to its 404."""
        from django.utils.translation import gettext as _

        from opendata.wholefiles import written_size

        files = [
            (
                "data-full-download",
                _("Every table (CSV, ZIP)"),
                _(
                    "Every table of published records as CSV in a Frictionless data package, "
                    "with the columns' types and keys in datapackage.json."
                ),
            ),
            (
                "data-grants-360giving",
                _("Grants (360Giving JSON)"),
                _("Every grant of the published partnerships in the 360Giving Data Standard."),
            ),
            (
                "data-partnerships-iati",
                _("Partnerships (IATI 2.03 XML)"),
                _("Every published partnership with dates and a status as an IATI activity."),
            ),
            (
                "data-projects-iati",
                _("Projects (IATI 2.03 XML)"),
                _("Every published project with dates and a status as an IATI activity."),
            ),
        ]
        return [
            (
                reverse(name),
                label,
                text,
                written_size(self.request, WHOLE_FILES[name], reverse(name)),
                name in empty,
            )
            for name, label, text in files
        ]

    def get_context_data(self, **kwargs):
        from django.conf import settings

        from opendata.releases import publisher, release_list
        from opendata.schemaorg import datasets, script_data

        example = "?country=KE&goal=11"
        absolute = self.request.build_absolute_uri
        empty = empty_files(self.request)
        return super().get_context_data(
            releases=release_list(),
            downloads=self.downloads(empty),
            json_ld=script_data(datasets(self.request, publisher(), empty)),
            licence=settings.OPEN_DATA_LICENSE,
            grants_prefix=f"360G-{settings.GRANTS_360_PREFIX}",
            api_docs=reverse("api-v1:openapi-view"),
            openapi=reverse("api-v1:openapi-json"),
            examples={
                "json_grants": absolute(reverse("api-v1:grants") + example),
                "json_projects": absolute(reverse("api-v1:projects") + example),
                "giving360": absolute(reverse("data-grants-360giving") + example),
                "iati_partnerships": absolute(reverse("data-partnerships-iati") + example),
                "iati_projects": absolute(reverse("data-projects-iati") + example),
                "feed": absolute(reverse("opendata:partnership-feed") + "?country=KE"),
                "catalogue": absolute(reverse("data-catalogue")),
                "sitemap": absolute(reverse("sitemap")),
            },
            **kwargs,
        )


class DataDictionaryView(TemplateView):
    """Dataordlista: every table of the full download and the releases, every column with
    its type, name and description, read from the same declarations as datapackage.json
    (opendata.releases.layout()), in the page's language. No query."""

    template_name = "opendata/data_dictionary.html"

    def get_context_data(self, **kwargs):
        from opendata.releases import dictionary

        return super().get_context_data(
            tables=dictionary(), download=reverse("data-full-download"), **kwargs
        )
