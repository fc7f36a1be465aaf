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
from functools import cache
from itertools import islice
from operator import itemgetter

from django.conf import settings
from django.db.models import FilteredRelation, Q
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from core.exports import CHUNK_SIZE, cells_response, pieces
from core.models import Publication, published_at
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
    funder is not public. `grant` carries the grant's own fields, its `funder` and its
    `partnership`, which carries `recipients` (the published Swedish participants, as
    organisations), `programme`, `country` and `goals`, all published only (grant_rows).
    What comes from the partnership is made once for all its grants (kept on its row)."""
    partnership = grant.partnership
    shared = partnership.get("in_360")
    if shared is None:
        shared = partnership["in_360"] = partnership_part(grant, urls or Addresses(request))
    if shared is NOT_DESCRIBABLE or grant.funder is None:
        return None
    urls = urls or Addresses(request)
    year, years = grant.year, grant.duration_years
    item = {
        "id": urls.grant_id(grant.pk),
        "title": shared["title"],
        "description": shared["description"],
        "currency": "SEK",
        "amountAwarded": grant.amount_sek_per_year * years,
        "awardDate": str(award_date(grant.decided, year, grant.created_at, urls.here)),
        "plannedDates": [
            {"startDate": str(year), "endDate": str(year + years - 1), "duration": years * 12}
        ],
        "recipientOrganization": shared["recipientOrganization"],
        "fundingOrganization": [organisation(grant.funder)],
        "url": shared["url"],
        "dataSource": urls.grant(grant.pk),
        "dateModified": max(grant.updated_at, partnership.updated_at).isoformat(),
    }
    item.update(shared["tail"])
    return item


NOT_DESCRIBABLE = {}


def partnership_part(grant, urls):
    """The values a partnership gives each of its grants' items (grant_item), or
    NOT_DESCRIBABLE when it has no published Swedish participant to receive them."""
    partnership = grant.partnership
    recipients = [organisation(org) for org in partnership.recipients]
    if not recipients:
        return NOT_DESCRIBABLE
    description = english(partnership, "summary") or english(partnership, "title")
    if len(recipients) > 1:
        description += " " + SHARED % {
            "others": ", ".join(f"{o['name']} ({o['id']})" for o in recipients[1:]),
            "first": recipients[0]["name"],
        }
    tail = {}
    programme = partnership.programme
    if programme is not None:
        tail["grantProgramme"] = [{"code": programme.slug, "title": english(programme, "name")}]
    country = partnership.country
    if country is not None:
        location = {"name": country.name_en}
        if country.code not in NO_360_COUNTRY_CODE:
            location["countryCode"] = country.code
        tail["beneficiaryLocation"] = [location]
    if partnership.goals:
        tail["classifications"] = [
            {"vocabulary": SDG_VOCABULARY, "code": str(g.number), "title": g.title_en}
            for g in sorted(partnership.goals, key=lambda g: g.number)
        ]
    return {
        "title": english(partnership, "title"),
        "description": description,
        "recipientOrganization": recipients[:1],
        "url": urls.partnership(partnership.slug),
        "tail": tail,
    }


class Addresses:
    """The absolute addresses of partnerships and of the API's grants, each reversed once
    and then filled in (a slug or an id needs no escaping in a path)."""

    SLUG, ID = "slug-placeholder", 987654321

    def __init__(self, request):
        self.here = timezone.get_current_timezone()  # the award dates' time zone
        self.id_prefix = f"360G-{settings.GRANTS_360_PREFIX}-"
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

    def grant_id(self, pk):
        """The grant's 360Giving identifier."""
        return f"{self.id_prefix}{pk}"


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
MAKER_COLUMNS = ("id", "org_number", "name_sv", "publication")
PARTNERSHIP_FIELDS = ("title_sv", "title_en", "summary_sv", "summary_en", "slug", "updated_at")


def grant_rows(grants):
    """The grants as Rows with everything grant_item reads, in the queryset's order: the
    grants' and partnerships' columns and each grant's own grant-maker in one streamed
    query, and per chunk of CHUNK_SIZE grants one query each for recipients and goals;
    drafts are left out of every relation. No model instance is made; an organisation's
    or goal's Row is made once."""
    columns = {**GRANT_FIELDS, **{f"p_{f}": f"partnership__{f}" for f in PARTNERSHIP_FIELDS}}
    columns |= {"programme_id": "partnership__programme_id"}
    columns |= {"country_code": "partnership__country_id"}
    columns |= {"country_name_en": "partnership__country__name_en"}
    # The grant's own grant-maker (at most one a grant) in the same query.
    columns |= {f"maker_{c}": f"maker__organisation__{c}" for c in MAKER_COLUMNS}
    rows = (
        grants.select_related(None)
        .prefetch_related(None)
        .alias(maker=FilteredRelation("roles", condition=Q(roles__role=Role.EXTENDING)))
        .values_list(*columns.values())
        .iterator(chunk_size=CHUNK_SIZE)
    )
    # A grant's Row holds the grant's own columns (the first ones); the partnership's,
    # read by position, go into one Row per partnership.
    grant_names = list(GRANT_FIELDS)
    at = {name: i for i, name in enumerate(columns)}
    partnership_at = [(field, at[f"p_{field}"]) for field in PARTNERSHIP_FIELDS]
    pid_at, programme_at, code_at, country_at = (
        at[n] for n in ("partnership_id", "programme_id", "country_code", "country_name_en")
    )
    maker_of = itemgetter(*(at[f"maker_{c}"] for c in MAKER_COLUMNS))
    programmes = {
        p["pk"]: Row(p)
        for p in Programme.objects.published().values("pk", "slug", "name_sv", "name_en")
    }
    org_row, goal_row = cache(organisation_row), cache(lambda n, t: Row(number=n, title_en=t))
    # The rounds' grant-makers, published ones only (few rounds: read once).
    round_funders = {
        round_id: org_row(pk, number, name)
        for round_id, pk, number, name in published_in_role(GrantRoundParticipant, "grant_round")
    }
    while chunk := list(islice(rows, CHUNK_SIZE)):
        partnership_ids = {values[pid_at] for values in chunk}
        recipients, goals = {}, {}
        for pid, pk, number, name in (
            PartnershipParticipant.objects.filter(
                partnership_id__among=partnership_ids,
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
            recipients.setdefault(pid, []).append(org_row(pk, number, name))
        for pid, number, title_en in Partnership.goals.through.objects.filter(
            partnership_id__among=partnership_ids, goal__framework=Framework.SDG
        ).values_list("partnership_id", "goal__number", "goal__title_en"):
            goals.setdefault(pid, []).append(goal_row(number, title_en))
        partnerships = {}  # one Row per partnership of the chunk, shared by its grants
        for values in chunk:
            row = Row(zip(grant_names, values, strict=False))
            pid = values[pid_at]
            partnership = partnerships.get(pid)
            if partnership is None:
                code = values[code_at]
                partnership = partnerships[pid] = Row(
                    {field: values[i] for field, i in partnership_at},
                    pk=pid,
                    recipients=recipients.get(pid, []),
                    programme=programmes.get(values[programme_at]),
                    country=Row(code=code, name_en=values[country_at]) if code else None,
                    goals=goals.get(pid, []),
                )
            row["partnership"] = partnership
            # The grant's own grant-maker, else the round's; a draft one reads as none,
            # as through every relation to a draft (core.publication).
            maker_pk, maker_number, maker_name, maker_publication = maker_of(values)
            row["funder"] = (
                org_row(maker_pk, maker_number, maker_name)
                if maker_publication == Publication.PUBLISHED
                else round_funders.get(row["grant_round_id"])
            )
            row["decided"] = row["decided_on"] or row["round_decided_on"]
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
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every grant

    # The package's head at once (the first byte does not wait for the first grants).
    yield (encode(package_metadata(request))[:-1] + ', "grants": [').encode()

    def texts():
        separator = ""
        for item in grant_items(request, grants):
            yield separator + encode(item)
            separator = ","
        yield "]}\n"

    yield from pieces(texts())


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
