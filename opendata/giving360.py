"""Grants as a 360Giving Data Standard 1.4 JSON package, streamed.

The grants are those of the published partnerships that the list's filters select (the
same as /partnerskap/bidrag.csv). The response is written grant by grant while the rows
are read in chunks with their relations prefetched per chunk, so memory stays flat and
the queries do not grow with the rows. Choices (README, "Open data"):

- `id` is 360G-<GRANTS_360_PREFIX>-<grant id>; organisations are identified by
  Organisation.identifier (SE-ON-NNNNNN-NNNN, else 360G-<prefix>-org-<pk>).
- Funding Org is the grant-maker (ICLD), or the grant round's when the grant has none;
  Sida, whose money it is, is not the funder in 360Giving's sense.
- Recipient Org: the partnership's published Swedish participants. A grant with none (or
  with no published grant-maker) cannot be described validly and is left out.
- `awardDate` is the decision date, or the round's; when only the year is known, 1
  January of that year (the standard requires a full date). `plannedDates` give the
  years only, which the standard allows.
- Beneficiary location: the partner country by English name and ISO code; Kosovo (XK) is
  not in 360Giving's country list, so it carries the name only.
- Goals: `classifications` with the vocabulary "UN Sustainable Development Goals", the
  goal number as code and its English title.

The CSV (/partnerskap/bidrag.csv?columns=360giving, for staff) is these same grants
flattened (CSV_LAYOUT below), so the two formats cannot disagree."""

import json

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse

from core.exports import CHUNK_SIZE, cells_response
from opendata.http import data_last_modified
from opendata.records import grant_list_widths, grants_of
from reference.models import Organisation, Role

SDG_VOCABULARY = "UN Sustainable Development Goals"
NO_360_COUNTRY_CODE = {"XK"}
VERSION = "1.4"


def english(obj, field):
    return getattr(obj, f"{field}_en", "") or getattr(obj, f"{field}_sv", "")


def organisation(org):
    return {"id": org.identifier, "name": org.name_sv}


def grant_item(grant, request):
    """One grant as 360Giving JSON, or None when the standard's required recipient or
    funder is not public."""
    partnership = grant.partnership
    recipients = [
        organisation(p.organisation)
        for p in partnership.participants.all()
        if p.role == Role.SWEDISH_PARTICIPANT
    ]
    funder = grant.grant_maker or (grant.grant_round.grant_maker if grant.grant_round_id else None)
    if not recipients or funder is None:
        return None
    decided = grant.decided_on or (grant.grant_round.decided_on if grant.grant_round_id else None)
    item = {
        "id": f"360G-{settings.GRANTS_360_PREFIX}-{grant.pk}",
        "title": english(partnership, "title"),
        "description": english(partnership, "summary") or english(partnership, "title"),
        "currency": "SEK",
        "amountAwarded": grant.total_sek,
        "awardDate": (decided or f"{grant.year}-01-01").__str__(),
        "plannedDates": [
            {
                "startDate": str(grant.year),
                "endDate": str(grant.end_year),
                "duration": grant.duration_years * 12,
            }
        ],
        "recipientOrganization": recipients,
        "fundingOrganization": [organisation(funder)],
        "url": request.build_absolute_uri(partnership.get_absolute_url()),
        "dataSource": request.build_absolute_uri(
            reverse("api-v1:grant", kwargs={"grant_id": grant.pk})
        ),
        "dateModified": max(grant.updated_at, partnership.updated_at).isoformat(),
    }
    programme = partnership.programme
    if programme is not None:
        item["grantProgramme"] = [{"code": programme.slug, "title": english(programme, "name")}]
    country = partnership.country
    if country is not None:
        location = {"name": country.name_en}
        if country.code not in NO_360_COUNTRY_CODE:
            location["countryCode"] = country.code
        item["beneficiaryLocation"] = [location]
    goals = [g for g in partnership.goals.all() if g.is_sdg]
    if goals:
        item["classifications"] = [
            {"vocabulary": SDG_VOCABULARY, "code": str(g.number), "title": g.title_en}
            for g in sorted(goals, key=lambda g: g.number)
        ]
    return item


def package_metadata(request):
    publisher = Organisation.objects.published().filter(slug=settings.OPEN_DATA_PUBLISHER).first()
    meta = {
        "version": VERSION,
        "title": "Grants to Swedish municipal partnerships",
        "description": (
            "Grants of the published municipal partnerships in the international "
            "cooperation register, selected by the list's filters."
        ),
        "license": settings.OPEN_DATA_LICENSE,
        "modified": data_last_modified(request).isoformat(),
        "identifier": request.get_full_path(),
        "downloadURL": request.build_absolute_uri(),
        "accessURL": request.build_absolute_uri(reverse("opendata:page")),
    }
    if publisher is not None:
        meta["publisher"] = {
            "identifier": publisher.identifier,
            "name": english(publisher, "name"),
            "website": request.build_absolute_uri("/"),
        }
    return meta


def grant_items(request, grants):
    """The grants as 360Giving JSON, read in chunks; those it cannot describe left out."""
    for grant in grants.iterator(chunk_size=CHUNK_SIZE):
        item = grant_item(grant, request)
        if item is not None:
            yield item


def package_stream(request, grants):
    head = json.dumps(package_metadata(request), ensure_ascii=False)
    yield (head[:-1] + ', "grants": [').encode()
    separator = ""
    for item in grant_items(request, grants):
        yield (separator + json.dumps(item, ensure_ascii=False)).encode()
        separator = ","
    yield b"]}\n"


def package_response(request, grants):
    response = StreamingHttpResponse(
        package_stream(request, grants), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="bidrag-360giving.json"'
    return response


# The 360Giving CSV ---------------------------------------------------------------------
# The very grants above, each flattened by this layout in flattentool's conventions (the
# schema's titles joined by ":", a list's items numbered from 0), so that flattentool, and
# with it 360Giving's own tools, turn the file back into the same JSON. (title, key) is a
# value of the grant; (title, key, fields) a list, with a group of numbered columns per
# item: as many as the widest grant of the selection has (records.grant_list_widths), one
# where the list holds at most one item.

ORGANISATION = (("Identifier", "id"), ("Name", "name"))
CSV_LAYOUT = (
    ("Identifier", "id"),
    ("Title", "title"),
    ("Description", "description"),
    ("Currency", "currency"),
    ("Amount Awarded", "amountAwarded"),
    ("Award Date", "awardDate"),
    (
        "Planned Dates",
        "plannedDates",
        (("Start Date", "startDate"), ("End Date", "endDate"), ("Duration (months)", "duration")),
    ),
    ("Recipient Org", "recipientOrganization", ORGANISATION),
    ("Funding Org", "fundingOrganization", ORGANISATION),
    ("Grant Programme", "grantProgramme", (("Code", "code"), ("Title", "title"))),
    (
        "Beneficiary Location",
        "beneficiaryLocation",
        (("Name", "name"), ("Country Code", "countryCode")),
    ),
    (
        "Classifications",
        "classifications",
        (("Vocabulary", "vocabulary"), ("Code", "code"), ("Title", "title")),
    ),
    ("URL", "url"),
    ("Data Source", "dataSource"),
    ("Last Modified", "dateModified"),
)


def csv_columns(widths):
    """[(column title, path in the grant)], lists `widths[key]` items wide (at least 1)."""
    columns = []
    for title, key, *fields in CSV_LAYOUT:
        if not fields:
            columns.append((title, (key,)))
            continue
        for n in range(max(widths.get(key, 1), 1)):
            columns += [(f"{title}:{n}:{name}", (key, n, field)) for name, field in fields[0]]
    return columns


def value_at(item, path):
    for step in path:
        try:
            item = item[step]
        except (KeyError, IndexError):
            return None
    return item


def csv_response(request, partnerships, filename, export_format="csv", log_context=None):
    """The grants of the partnerships as 360Giving CSV, streamed as the JSON package is."""
    columns = csv_columns(grant_list_widths(partnerships))
    rows = (
        [value_at(item, path) for _, path in columns]
        for item in grant_items(request, grants_of(partnerships))
    )
    return cells_response(
        [title for title, _ in columns], rows, filename, export_format, log_context
    )
