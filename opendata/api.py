"""The read-only JSON API, version 1, at /api/v1/ (language-neutral, outside the language
prefixes).

Built with django-ninja because it is small (no second framework of serializers, views
and routers beside Django's), its response and parameter types are plain typed classes
(opendata/schemas.py) that check every response, and it writes the OpenAPI 3 document
itself. Its docs page (Swagger UI) is rendered from the JavaScript and CSS that ninja
ships as static files, with the settings in a JSON data block read by ninja's own
swagger-ui-init.js: no CDN and no inline script, so it runs under the site's CSP
(`script-src 'self'; style-src 'self'`); Swagger UI's online validator badge, an image
from another host, is turned off.

Lists take exactly the parameters of the matching page and read them with the same
FilterSet (ProjectFilterSet, PartnershipFilterSet, MunicipalityFilterSet), so a list here
counts what the page counts for the same address; values the page would report in a
notice and unknown parameters are answered with 400, a page past the last with 404, both
with a JSON body naming them. Every response carries ETag and Last-Modified from the data
version and answers conditional requests with 304 (opendata/http.py); the OpenAPI document
declares every answer an operation can give (ANSWERS below)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError
from ninja.openapi.docs import Swagger

from core.formeraddresses import Gone, Moved, former_address
from opendata import records as r
from opendata import schemas as s
from opendata.http import BadParameters, check_parameters, filtered
from partnerships.filters import MunicipalityFilterSet, PartnershipFilterSet
from projects.filters import ProjectFilterSet
from reference.models import Country, Goal, Organisation, OrganisationKind

PAGING = ("page", "page_size")
LIST_EXTRA = (*PAGING, "facets")

api = NinjaAPI(
    title="Internationella samarbeten – öppna data",
    version="1",
    description=(
        "Published projects (SALAR International), municipal partnerships and grants "
        "(ICLD), Swedish municipalities and regions, and their reference data. Lists "
        "take the same filter parameters as the register's pages. Licence: "
        f"{settings.OPEN_DATA_LICENSE}"
    ),
    urls_namespace="api-v1",
    # No deep links: they put a link inside each operation's button (axe: nested-interactive).
    docs=Swagger(settings={"validatorUrl": None, "deepLinking": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# The answers each operation can give besides 200, for the OpenAPI document: 304 to a
# conditional request (opendata/http.py); 414 from the server in front (gunicorn) for an
# address too long to read, before the application sees it; lists answer 400 for
# parameters they cannot use and 404 for a page past the last; a record's address 404 when
# there is no such record, and where it is a slug, 301 to its new slug or 410 for a record
# no longer public (core.formeraddresses).
ANSWERS = {304: None, 414: None}
LIST = {**ANSWERS, 400: s.Error, 404: s.Error}
RECORD = {**ANSWERS, 404: s.Error}
SLUG = {**RECORD, 301: None, 410: s.Error}


@api.exception_handler(BadParameters)
def bad_parameters(request, exc):
    body = {"detail": exc.message}
    if exc.errors:
        body["errors"] = exc.errors
    return api.create_response(request, body, status=400)


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    errors = {}
    for error in exc.errors:
        names = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
        name = (names[-1] if names else "?")[:50]
        errors.setdefault(name, []).append(str(error.get("msg", "invalid"))[:200])
    return api.create_response(
        request, {"detail": "Invalid parameters.", "errors": errors}, status=400
    )


def record_or_404(queryset, **lookups):
    """The one record, or a 404; also for a value in the address no record can hold (a NUL
    byte, which PostgreSQL refuses in a query)."""
    if any("\x00" in str(value) for value in lookups.values()):
        raise Http404
    return get_object_or_404(queryset, **lookups)


class FormerAddress(Exception):
    def __init__(self, fate):
        self.fate = fate


@api.exception_handler(FormerAddress)
def former(request, exc):
    """An old slug: 301 to the record's address now, or 410 for a record no longer public
    (core.formeraddresses, as the pages answer)."""
    if isinstance(exc.fate, Moved):
        path = request.path.rsplit("/", 1)[0] + "/" + exc.fate.record.slug
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(path + ("?" + query if query else ""))
    gone = exc.fate
    body = {"detail": f"“{gone.title}” ({gone.kind}) was removed on {gone.since:%Y-%m-%d}."}
    return api.create_response(request, body, status=410)


def record_at(queryset, slug):
    """The record at `slug`; for a slug a public record had, 301 or 410; else 404."""
    try:
        return record_or_404(queryset, slug=slug)
    except Http404:
        fate = former_address(queryset, slug)
        if isinstance(fate, (Moved, Gone)):
            raise FormerAddress(fate) from None
        raise


class NoSuchPage(Exception):
    """A page past the last: 404, as for any address with nothing at it."""


@api.exception_handler(NoSuchPage)
def no_such_page(request, exc):
    return api.create_response(request, exc.args[0], status=404)


def page_link(request, number):
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(request.path + "?" + params.urlencode())


def paginated(request, params, records, filterset=None, decorate=None):
    """One page of `records` as {count, next, previous, results} (and facets on request),
    in a constant number of queries; the response's type reads the records. Django's
    Paginator, as the pages' (core.pagination), but a page past the last is a 404 here."""
    paginator = Paginator(records, params.page_size or s.DEFAULT_PAGE_SIZE)
    number = params.page or 1
    if number > paginator.num_pages:
        last = paginator.num_pages
        body = {"detail": "No such page.", "errors": {"page": [f"The last page is {last}."]}}
        raise NoSuchPage(body)
    page = paginator.page(number)
    rows = list(page.object_list)
    body = {
        "count": paginator.count,
        "next": page_link(request, page.next_page_number()) if page.has_next() else None,
        "previous": page_link(request, page.previous_page_number())
        if page.has_previous()
        else None,
        "results": decorate(rows) if decorate else rows,
    }
    if getattr(params, "facets", None) and filterset is not None:
        body["facets"] = {
            name: [
                {"value": str(v), "label": str(label), "count": n, "selected": bool(sel)}
                for v, label, n, sel in options
            ]
            for name, options in filterset.facets().items()
        }
    return body


def plain(request, params, records):
    check_parameters(request.GET, PAGING)
    return paginated(request, params, records)


# Projects ------------------------------------------------------------------------------


@api.get("/projects", response={200: s.ProjectPage, **LIST}, tags=["projects"])
def projects(request, params: Query[s.ProjectParams]):
    """Published projects; the filters of /projekt/."""
    filterset = filtered(ProjectFilterSet, r.project_queryset(), request.GET, request, LIST_EXTRA)
    return paginated(request, params, filterset.qs, filterset)


@api.get("/projects/{slug}", response={200: s.Project, **SLUG}, tags=["projects"])
def project(request, slug: str):
    return record_at(r.project_queryset(), slug)


# Partnerships and grants ---------------------------------------------------------------


@api.get("/partnerships", response={200: s.PartnershipPage, **LIST}, tags=["partnerships"])
def partnerships(request, params: Query[s.PartnershipParams]):
    """Published partnerships; the filters of /partnerskap/."""
    filterset = filtered(
        PartnershipFilterSet, r.partnership_queryset(), request.GET, request, LIST_EXTRA
    )
    return paginated(request, params, filterset.qs, filterset)


@api.get("/partnerships/{slug}", response={200: s.Partnership, **SLUG}, tags=["partnerships"])
def partnership(request, slug: str):
    return record_at(r.partnership_queryset(), slug)


@api.get("/grants", response={200: s.GrantPage, **LIST}, tags=["partnerships"])
def grants(request, params: Query[s.PartnershipParams]):
    """The grants of the published partnerships that the filters of /partnerskap/ select
    (as /partnerskap/bidrag.csv); facets are the partnerships'."""
    filterset = filtered(
        PartnershipFilterSet, r.partnership_queryset(), request.GET, request, LIST_EXTRA
    )
    return paginated(request, params, r.grants_of(filterset.qs), filterset)


@api.get(
    "/grants/{int:grant_id}",
    response={200: s.Grant, **RECORD},
    tags=["partnerships"],
    url_name="grant",
)
def grant(request, grant_id: int):
    grants = r.grants_of(r.partnership_queryset())
    return record_or_404(grants, pk=grant_id)


@api.get("/grant-rounds", response={200: s.GrantRoundPage, **LIST}, tags=["partnerships"])
def grant_rounds(request, params: Query[s.PageParams]):
    return plain(request, params, r.grant_round_queryset())


@api.get("/grant-rounds/{slug}", response={200: s.GrantRound, **SLUG}, tags=["partnerships"])
def grant_round(request, slug: str):
    return record_at(r.grant_round_queryset(), slug)


# Municipalities and organisations ------------------------------------------------------


@api.get("/municipalities", response={200: s.MunicipalityPage, **LIST}, tags=["organisations"])
def municipalities(request, params: Query[s.MunicipalityParams]):
    """Published Swedish municipalities, county councils and regions; the filters of
    /kommuner/."""
    filterset = filtered(
        MunicipalityFilterSet, r.municipality_queryset(), request.GET, request, LIST_EXTRA
    )
    return paginated(request, params, filterset.qs, filterset, decorate=r.with_partnership_counts)


@api.get("/municipalities/{slug}", response={200: s.Municipality, **SLUG}, tags=["organisations"])
def municipality(request, slug: str):
    return r.with_partnership_counts([record_at(r.municipality_queryset(), slug)])[0]


def organisation_queryset():
    return Organisation.objects.published().order_by("name_sv", "id")


@api.get("/organisations", response={200: s.OrganisationPage, **LIST}, tags=["organisations"])
def organisations(request, params: Query[s.OrganisationParams]):
    """Every published organisation (municipalities, partner local governments, agencies,
    associations, …); `kind` selects one kind."""
    check_parameters(request.GET, (*PAGING, "kind"))
    records = organisation_queryset()
    if params.kind:
        if params.kind not in OrganisationKind.values:
            raise BadParameters(
                "Invalid filter values.",
                {"kind": [f"Allowed: {', '.join(OrganisationKind.values)}."]},
            )
        records = records.filter(kind=params.kind)
    return paginated(request, params, records)


@api.get("/organisations/{slug}", response={200: s.Organisation, **SLUG}, tags=["organisations"])
def organisation(request, slug: str):
    return record_at(organisation_queryset(), slug)


@api.get("/programmes", response={200: s.ProgrammePage, **LIST}, tags=["reference"])
def programmes(request, params: Query[s.PageParams]):
    return plain(request, params, r.programme_queryset())


@api.get("/programmes/{slug}", response={200: s.Programme, **SLUG}, tags=["reference"])
def programme(request, slug: str):
    return record_at(r.programme_queryset(), slug)


# Reference data ------------------------------------------------------------------------


@api.get("/goals", response={200: s.GoalPage, **LIST}, tags=["reference"])
def goals(request, params: Query[s.PageParams]):
    """The 17 Sustainable Development Goals and the 8 Millennium Development Goals."""
    return plain(request, params, Goal.objects.order_by("framework", "number"))


@api.get("/goals/{framework}/{int:number}", response={200: s.Goal, **RECORD}, tags=["reference"])
def goal(request, framework: str, number: int):
    return record_or_404(Goal, framework=framework, number=number)


@api.get("/countries", response={200: s.CountryPage, **LIST}, tags=["reference"])
def countries(request, params: Query[s.PageParams]):
    """Countries and territories (ISO 3166-1, with Kosovo as XK)."""
    return plain(request, params, Country.objects.order_by("code"))


@api.get("/countries/{code}", response={200: s.Country, **RECORD}, tags=["reference"])
def country(request, code: str):
    return record_or_404(Country, code=code.upper()[:2])
