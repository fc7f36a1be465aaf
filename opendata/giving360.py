"""Grants as a 360Giving Data Standard 1.4 JSON package, streamed.

The grants are those of the published partnerships that the list's filters select (the
same as /partnerskap/bidrag.csv). The response is written grant by grant while the rows
are read in chunks with their relations prefetched per chunk, so memory stays flat and
the queries do not grow with the rows. Choices (README, "Open data"):

- `id` is 360G-<GRANTS_360_PREFIX>-<grant id>; organisations are identified by
  Organisation.identifier (SE-ON-NNNNNN-NNNN, else 360G-<prefix>-org-<pk>).
- Funding Org is the grant-maker (ICLD), or the grant round's when the grant has none;
  Sida, whose money it is, is not the funder in 360Giving's sense.
- Recipient Org: the first of the partnership's published Swedish participants; the
  others are named in the description (SHARED), so no amount is counted twice. A grant
  with none (or with no published grant-maker) cannot be described validly and is left
  out.
- `awardDate`: records.award_date (the decision date, or the round's; with only the year
  known, 1 January of it, never after the day the grant was entered). `plannedDates`
  give the years only, which the standard allows.
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
from core.models import published_at
from opendata.http import data_last_modified
from opendata.records import Row, award_date, grant_list_widths, grants_of
from partnerships.models import (
    GrantParticipant,
    GrantRoundParticipant,
    Partnership,
    PartnershipParticipant,
)
from reference.models import Framework, Organisation, Programme, Role, organisation_identifier

SDG_VOCABULARY = "UN Sustainable Development Goals"
NO_360_COUNTRY_CODE = {"XK"}
VERSION = "1.4"


def english(obj, field):
    return getattr(obj, f"{field}_en", "") or getattr(obj, f"{field}_sv", "")


def organisation(org):
    return {"id": org.identifier, "name": org.name_sv}


# A grant of a partnership with several Swedish participants is given to them together,
# but 360Giving's tools count a grant's whole amount for every recipient it lists: the
# first participant (in the partnership's order) is the recipient, the others are named.
SHARED = "The grant is shared with %(others)s; its whole amount is listed once, under %(first)s."


def grant_item(grant, request, urls=None):
    """One grant as 360Giving JSON, or None when the standard's required recipient or
    funder is not public. `grant` carries the grant's own fields and `partnership`,
    `recipients` (the published Swedish participants, as organisations), `funder`,
    `programme`, `country` and `goals`, all published only (grant_rows)."""
    partnership = grant.partnership
    recipients = [organisation(org) for org in grant.recipients]
    if not recipients or grant.funder is None:
        return None
    urls = urls or Addresses(request)
    description = english(partnership, "summary") or english(partnership, "title")
    if len(recipients) > 1:
        description += " " + SHARED % {
            "others": ", ".join(f"{o['name']} ({o['id']})" for o in recipients[1:]),
            "first": recipients[0]["name"],
        }
    item = {
        "id": f"360G-{settings.GRANTS_360_PREFIX}-{grant.pk}",
        "title": english(partnership, "title"),
        "description": description,
        "currency": "SEK",
        "amountAwarded": grant.amount_sek_per_year * grant.duration_years,
        "awardDate": str(award_date(grant.decided, grant.year, grant.created_at)),
        "plannedDates": [
            {
                "startDate": str(grant.year),
                "endDate": str(grant.year + grant.duration_years - 1),
                "duration": grant.duration_years * 12,
            }
        ],
        "recipientOrganization": recipients[:1],
        "fundingOrganization": [organisation(grant.funder)],
        "url": urls.partnership(partnership.slug),
        "dataSource": urls.grant(grant.pk),
        "dateModified": max(grant.updated_at, partnership.updated_at).isoformat(),
    }
    programme = grant.programme
    if programme is not None:
        item["grantProgramme"] = [{"code": programme.slug, "title": english(programme, "name")}]
    country = grant.country
    if country is not None:
        location = {"name": country.name_en}
        if country.code not in NO_360_COUNTRY_CODE:
            location["countryCode"] = country.code
        item["beneficiaryLocation"] = [location]
    if grant.goals:
        item["classifications"] = [
            {"vocabulary": SDG_VOCABULARY, "code": str(g.number), "title": g.title_en}
            for g in sorted(grant.goals, key=lambda g: g.number)
        ]
    return item


class Addresses:
    """The absolute addresses of partnerships and of the API's grants, each reversed once
    and then filled in (a slug or an id needs no escaping in a path)."""

    SLUG, ID = "slug-placeholder", 987654321

    def __init__(self, request):
        self.partnership_pattern = request.build_absolute_uri(
            reverse("partnerships:partnership-detail", args=[self.SLUG])
        )
        self.grant_pattern = request.build_absolute_uri(
            reverse("api-v1:grant", kwargs={"grant_id": self.ID})
        )

    def partnership(self, slug):
        return self.partnership_pattern.replace(self.SLUG, slug)

    def grant(self, pk):
        return self.grant_pattern.replace(str(self.ID), str(pk))


GRANT_FIELDS = {
    "pk": "pk",
    "year": "year",
    "duration_years": "duration_years",
    "amount_sek_per_year": "amount_sek_per_year",
    "decided_on": "decided_on",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "grant_round_id": "grant_round_id",
    "round_decided_on": "grant_round__decided_on",
    "partnership_id": "partnership_id",
}
PARTNERSHIP_FIELDS = ("title_sv", "title_en", "summary_sv", "summary_en", "slug", "updated_at")


def grant_rows(grants):
    """The grants as Rows with everything grant_item reads, in the queryset's order: the
    grants' and partnerships' columns in one streamed query, and per chunk of CHUNK_SIZE
    grants one query each for recipients, goals and funders; drafts are left out of every
    relation. No model instance is made."""
    from itertools import islice

    columns = {**GRANT_FIELDS, **{f"p_{f}": f"partnership__{f}" for f in PARTNERSHIP_FIELDS}}
    columns |= {"programme_id": "partnership__programme_id"}
    columns |= {"country_code": "partnership__country_id"}
    columns |= {"country_name_en": "partnership__country__name_en"}
    rows = (
        grants.select_related(None)
        .prefetch_related(None)
        .values_list(*columns.values())
        .iterator(chunk_size=CHUNK_SIZE)
    )
    names = list(columns)
    programmes = {
        p["pk"]: Row(p)
        for p in Programme.objects.published().values("pk", "slug", "name_sv", "name_en")
    }
    # The rounds' grant-makers, published ones only (few rounds: read once).
    round_funders = {
        round_id: organisation_row(pk, number, name)
        for round_id, pk, number, name in published_in_role(GrantRoundParticipant, "grant_round")
    }
    while chunk := [Row(zip(names, values, strict=True)) for values in islice(rows, CHUNK_SIZE)]:
        partnership_ids = {row.partnership_id for row in chunk}
        recipients, goals = {}, {}
        for pid, pk, number, name in (
            PartnershipParticipant.objects.filter(
                partnership_id__in=partnership_ids,
                role=Role.SWEDISH_PARTICIPANT,
                **published_at("organisation"),
            )
            .order_by("role", "position", "id")
            .values_list(
                "partnership_id",
                "organisation_id",
                "organisation__org_number",
                "organisation__name_sv",
            )
        ):
            recipients.setdefault(pid, []).append(organisation_row(pk, number, name))
        for pid, number, title_en in Partnership.goals.through.objects.filter(
            partnership_id__in=partnership_ids, goal__framework=Framework.SDG
        ).values_list("partnership_id", "goal__number", "goal__title_en"):
            goals.setdefault(pid, []).append(Row(number=number, title_en=title_en))
        funders = {
            grant_id: organisation_row(pk, number, name)
            for grant_id, pk, number, name in published_in_role(
                GrantParticipant, "grant", grant_id__in=[row.pk for row in chunk]
            )
        }
        for row in chunk:
            row["partnership"] = Row(
                {f: row[f"p_{f}"] for f in PARTNERSHIP_FIELDS}, pk=row.partnership_id
            )
            row["recipients"] = recipients.get(row.partnership_id, [])
            # The grant's own grant-maker, else the round's; a draft one reads as none,
            # as through every relation to a draft (core.publication).
            row["funder"] = funders.get(row.pk) or round_funders.get(row.grant_round_id)
            row["decided"] = row.decided_on or row.round_decided_on
            row["programme"] = programmes.get(row.programme_id)
            row["country"] = (
                Row(code=row.country_code, name_en=row.country_name_en)
                if row.country_code
                else None
            )
            row["goals"] = goals.get(row.partnership_id, [])
            yield row


def describable(grants):
    """The grants grant_item can describe, as a queryset (to tell an empty selection before
    the first byte): a published Swedish participant to receive it and a published
    grant-maker, the grant's own or its round's."""
    from django.db.models import Exists, OuterRef, Q

    public = Organisation.objects.published().values("pk")
    recipients = PartnershipParticipant.objects.filter(
        partnership_id=OuterRef("partnership_id"),
        role=Role.SWEDISH_PARTICIPANT,
        **published_at("organisation"),
    )
    own = GrantParticipant.objects.filter(
        grant=OuterRef("pk"), role=Role.EXTENDING, organisation__in=public
    )
    of_round = GrantRoundParticipant.objects.filter(
        grant_round=OuterRef("grant_round_id"), role=Role.EXTENDING, organisation__in=public
    )
    return grants.filter(Q(Exists(own)) | Q(Exists(of_round)), Exists(recipients))


def published_in_role(model, record, role=Role.EXTENDING, **lookups):
    """(record id, organisation id, organisation number, name) of the published
    organisations in `role` of the rows of `model` (a RoleHolder's participations)."""
    return model.objects.filter(role=role, **lookups, **published_at("organisation")).values_list(
        f"{record}_id", "organisation_id", "organisation__org_number", "organisation__name_sv"
    )


def organisation_row(pk, org_number, name_sv):
    return Row(identifier=organisation_identifier(pk, org_number), name_sv=name_sv)


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
    urls = Addresses(request)
    for grant in grant_rows(grants):
        item = grant_item(grant, request, urls)
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
