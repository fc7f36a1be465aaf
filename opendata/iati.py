"""Projects and partnerships as IATI 2.03 activity XML, written as text one activity at a
time (escaped here as lxml would), so a large file streams in flat memory at several
thousand activities a second; the tests parse what is written.

Choices (README, "Open data"):

- The reporting organisation is the register's publisher (OPEN_DATA_PUBLISHER, SKR). Its
  reference is IATI_REPORTING_ORG_REF when set; else the IATI reference or organisation
  number recorded for it; else its register-made 360G-<prefix>-org-<pk>
  (Organisation.identifier), which says plainly that it is no registered IATI publisher
  reference; with no publisher recorded, the OPEN_DATA_PUBLISHER setting itself.
  `iati-identifier` is that reference, then `-project-<id>` or `-partnership-<id>` (ids
  never change; slugs may).
- Participating organisations: the published participants with their roles' IATI codes
  (reference.models.IATI_ROLE_CODES); for partnerships also the grants' grant-maker
  (extending, 3) and source of the money (funding, 1). `ref` only when a real identifier
  is recorded (IATI reference or organisation number).
- `activity-status`: planned 1, ongoing 2, completed 3, or 4 (closed) when the end date is
  actual. `activity-date`: start and end, each planned (1, 3) or actual (2, 4).
- IATI requires at least one date, a status and a participating organisation: a record
  without them cannot be described validly and is left out.
- Several recipient countries share 100 per cent equally (two decimals, the rest on the
  first). Sectors come from the themes (opendata/sectors.py), shared the same way. Goals
  are tags of vocabulary 2 (UN Sustainable Development Goals).
- Budgets: a project's yearly budgets (indicative); a partnership's grants as one budget
  a year (SEK a year for each year of each grant, summed by year; committed, as the
  grants are decided), and each grant as a commitment transaction of its whole amount on
  its award date (records.award_date), provided by its grant-maker.
  `default-currency` is SEK.
- Sector: from the themes, else DEFAULT_SECTOR (opendata/sectors.py). Organisation
  types by kind (ORGANISATION_TYPES), else 90 (other). Partnerships carry ICLD's
  programme's default types (PARTNERSHIP_DEFAULTS); projects none, as their funding
  differs from project to project and is not recorded as such."""

from decimal import ROUND_DOWN, Decimal
from itertools import chain, islice

from django.conf import settings
from django.utils import timezone

from core.exports import CHUNK_SIZE, pieces
from core.models import published_at
from core.xmltext import xml_safe
from opendata.records import Row, award_date
from opendata.sectors import DEFAULT_SECTOR, THEME_SECTORS
from partnerships.models import Grant, GrantParticipant, Partnership, PartnershipParticipant
from projects.models import Project, ProjectBudget, ProjectParticipant
from reference.models import (
    IATI_ROLE_CODES,
    Country,
    Framework,
    Organisation,
    OrganisationKind,
    Role,
    organisation_org_id,
)

VERSION = "2.03"

# IATI OrganisationType codes for the register's kinds; "90" (other) where no code fits
# without guessing.
ORGANISATION_TYPES = {
    OrganisationKind.MUNICIPALITY: "11",
    OrganisationKind.COUNTY_COUNCIL: "11",
    OrganisationKind.REGION: "11",
    OrganisationKind.PARTNER_GOVERNMENT: "11",
    OrganisationKind.AGENCY: "10",
    OrganisationKind.COMPANY: "70",
    # A Swedish non-profit association (ICLD): national NGO.
    OrganisationKind.NONPROFIT: "22",
}
OTHER_TYPE = "90"

# What every partnership is, by ICLD's programme: bilateral cooperation (1), official
# development assistance (10), standard grants (110) to project-type interventions (C01).
PARTNERSHIP_DEFAULTS = (
    ("collaboration-type", {"code": "1"}),
    ("default-flow-type", {"code": "10"}),
    ("default-finance-type", {"code": "110"}),
    ("default-aid-type", {"code": "C01", "vocabulary": "1"}),
)
# Budget status: indicative (1); committed (2) for a partnership's grants, which are decided.
INDICATIVE, COMMITTED = "1", "2"


def real_ref(org):
    """An identifier someone else issued: the IATI reference, or the organisation number."""
    return xml_safe(org.iati_ref or org.org_id or "")


def reporting_org():
    """(the publisher's organisation or None, the reporting reference)."""
    org = Organisation.objects.published().filter(slug=settings.OPEN_DATA_PUBLISHER).first()
    ref = settings.IATI_REPORTING_ORG_REF
    if not ref and org is not None:
        ref = real_ref(org) or org.identifier
    return org, ref or settings.OPEN_DATA_PUBLISHER


def clean(value):
    """`value` as a string XML can carry (a printable string has nothing to drop)."""
    value = str(value)
    return value if value.isprintable() else xml_safe(value)


def text(value):
    """Character data as lxml writes it."""
    value = clean(value)
    if "&" in value or "<" in value or ">" in value or "\r" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        value = value.replace("\r", "&#13;")
    return value


ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)


def attribute(name, value):
    """name="value" as lxml writes an attribute; codes, numbers and dates the builder
    writes itself are put in directly."""
    return f' {name}="{clean(value).translate(ATTRIBUTE_ESCAPES)}"'


def element(tag, attributes="", content=""):
    """<tag a="…">content</tag>, or <tag a="…"/> without content; `attributes` and
    `content` are XML already."""
    return f"<{tag}{attributes}>{content}</{tag}>" if content else f"<{tag}{attributes}/>"


def narratives(texts):
    """<narrative xml:lang="sv">…</narrative> for each (language, text) that has text."""
    return "".join(
        f'<narrative xml:lang="{language}">{text(value)}</narrative>'
        for language, value in texts
        if value
    )


def org_element(tag, org, attributes=""):
    ref = real_ref(org)
    if ref:
        attributes += attribute("ref", ref)
    attributes += f' type="{ORGANISATION_TYPES.get(org.kind, OTHER_TYPE)}"'
    return element(tag, attributes, narratives([("sv", org.name_sv), ("en", org.name_en)]))


def shares(count):
    """`count` percentages with two decimals that sum to exactly 100."""
    if not count:
        return []
    each = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [Decimal(100) - each * (count - 1)] + [each] * (count - 1)


def status_code(record):
    status, _derived = record.current_status()
    if status == "planned":
        return "1"
    if status == "ongoing":
        return "2"
    if status == "completed":
        return "4" if record.end_actual else "3"
    return ""


def activity_dates(record):
    rows = []
    if record.start_date:
        rows.append(("2" if record.start_actual else "1", record.start_date))
    if record.end_date:
        rows.append(("4" if record.end_actual else "3", record.end_date))
    return rows


def budget(year, amount, status):
    return (
        f'<budget type="1" status="{status}"><period-start iso-date="{year}-01-01"/>'
        f'<period-end iso-date="{year}-12-31"/><value value-date="{year}-01-01">{amount}'
        "</value></budget>"
    )


def transaction(date, value, provider):
    """A commitment (type 2) of `value` SEK on `date`, provided by `provider` if known."""
    return element(
        "transaction",
        "",
        f'<transaction-type code="2"/><transaction-date iso-date="{date}"/>'
        f'<value value-date="{date}">{value}</value>'
        + (org_element("provider-org", provider) if provider is not None else ""),
    )


def activity(record, kind, request, reporting, related):
    """One <iati-activity> as text, or None when IATI's required parts are missing.
    `related` (Related) holds what the record links to, published only: participants as
    [(organisation, role code)], countries, theme slugs, goals and budgets {year: SEK}."""
    participants, countries, budgets = related.participants, related.countries, related.budgets
    status = status_code(record)
    dates = activity_dates(record)
    if not (status and dates and participants):
        return None
    org, ref = reporting
    reporting_type = ORGANISATION_TYPES.get(org.kind, OTHER_TYPE) if org else OTHER_TYPE
    titles = narratives([("sv", record.title_sv), ("en", record.title_en)])
    parts = [
        element("iati-identifier", "", text(f"{ref}-{kind}-{record.pk}")),
        element(
            "reporting-org",
            attribute("ref", ref) + f' type="{reporting_type}"',
            narratives([("sv", org.name_sv), ("en", org.name_en)]) if org is not None else "",
        ),
        element("title", "", titles),
        element(
            "description",
            ' type="1"',
            narratives(
                [
                    ("sv", record.summary_sv or record.title_sv),
                    ("en", record.summary_en or (record.title_en if not record.summary_sv else "")),
                ]
            ),
        ),
    ]
    parts += [org_element("participating-org", o, f' role="{r}"') for o, r in participants]
    parts.append(f'<activity-status code="{status}"/>')
    parts += [f'<activity-date type="{t}" iso-date="{v}"/>' for t, v in dates]
    for country, percentage in zip(countries, shares(len(countries)), strict=True):
        attributes = attribute("code", country.code)
        if len(countries) > 1:
            attributes += f' percentage="{percentage}"'
        names = narratives([("en", country.name_en)])
        parts.append(element("recipient-country", attributes, names))
    sectors = sorted({THEME_SECTORS[t] for t in related.themes if t in THEME_SECTORS})
    sectors = sectors or [DEFAULT_SECTOR]
    for code, percentage in zip(sectors, shares(len(sectors)), strict=True):
        parts.append(f'<sector vocabulary="1" code="{code}" percentage="{percentage}"/>')
    for goal in sorted((g for g in related.goals if g.is_sdg), key=lambda g: g.number):
        names = narratives([("en", goal.title_en)])
        parts.append(element("tag", f' vocabulary="2" code="{goal.number}"', names))
    parts += [
        element(tag, "".join(attribute(k, v) for k, v in attributes.items()))
        for tag, attributes in related.defaults
    ]
    parts += [budget(year, budgets[year], related.budget_status) for year in sorted(budgets)]
    parts += [transaction(*commitment) for commitment in related.commitments]
    parts.append(
        element(
            "document-link",
            ' format="text/html"' + attribute("url", related.address),
            element("title", "", titles) + '<category code="A12"/><language code="sv"/>',
        )
    )
    return element(
        "iati-activity",
        attribute("last-updated-datetime", record.updated_at.isoformat(timespec="seconds"))
        + ' xml:lang="sv" default-currency="SEK"',
        "".join(parts),
    )


class Related:
    def __init__(self):
        self.participants, self.countries, self.themes, self.goals = [], [], [], []
        self.budgets, self.grants, self.address = {}, [], ""
        self.defaults, self.budget_status, self.commitments = (), INDICATIVE, []


ORGANISATION_COLUMNS = ("organisation_id", "iati_ref", "org_number", "kind", "name_sv", "name_en")


def organisation(values):
    """An organisation Row from ORGANISATION_COLUMNS' values, with org_id as the model's."""
    org = Row(zip(ORGANISATION_COLUMNS, values, strict=True))
    org["pk"] = org.pop("organisation_id")
    org["org_id"] = organisation_org_id(org.org_number)
    return org


def related_rows(model, ids, participant_model):
    """{record id: Related} for a chunk of records: one query per relation, drafts left
    out (published organisations only, as the pages show them)."""
    own = model._meta.model_name
    related = {pk: Related() for pk in ids}
    for values in (
        participant_model.objects.filter(
            **{f"{own}_id__among": ids}, **published_at("organisation")
        )
        .order_by("role", "position", "id")
        .values_list(
            f"{own}_id",
            "role",
            *(f"organisation__{c}" for c in ORGANISATION_COLUMNS[1:]),
            "organisation_id",
        )
    ):
        pk, role, *org = values
        related[pk].participants.append((organisation([org[-1], *org[:-1]]), IATI_ROLE_CODES[role]))
    links = model.themes.through.objects.filter(**{f"{own}_id__among": ids})
    for pk, slug in links.values_list(f"{own}_id", "theme__slug"):
        related[pk].themes.append(slug)
    links = model.goals.through.objects.filter(**{f"{own}_id__among": ids})
    for pk, framework, number, title_en in links.values_list(
        f"{own}_id", "goal__framework", "goal__number", "goal__title_en"
    ):
        related[pk].goals.append(
            Row(is_sdg=framework == Framework.SDG, number=number, title_en=title_en)
        )
    return related


def project_related(projects):
    related = related_rows(Project, [p.pk for p in projects], ProjectParticipant)
    ids = list(related)
    order = [f"country__{field}" for field in Country._meta.ordering]
    for pk, code, name_en in (
        Project.countries.through.objects.filter(project_id__among=ids)
        .order_by("project_id", *order)
        .values_list("project_id", "country__code", "country__name_en")
    ):
        related[pk].countries.append(Row(code=code, name_en=name_en))
    for pk, year, amount in ProjectBudget.objects.filter(project_id__among=ids).values_list(
        "project_id", "year", "amount_sek"
    ):
        related[pk].budgets[year] = amount
    return related


def partnership_related(partnerships):
    related = related_rows(Partnership, [p.pk for p in partnerships], PartnershipParticipant)
    grants = list(
        Grant.objects.filter(partnership_id__among=list(related))
        .order_by("year", "id")
        .values_list(
            "pk",
            "partnership_id",
            "year",
            "duration_years",
            "amount_sek_per_year",
            "decided_on",
            "grant_round__decided_on",
            "created_at",
        )
    )
    roles = {}
    for grant_id, role, organisation_id in GrantParticipant.objects.filter(
        grant__partnership_id__among=list(related)
    ).values_list("grant_id", "role", "organisation_id"):
        roles.setdefault(grant_id, {})[role] = organisation_id
    wanted = {pk for of_grant in roles.values() for pk in of_grant.values()}
    organisations = {
        values[0]: organisation(values)
        for values in Organisation.objects.published()
        .filter(pk__in=wanted)
        .values_list("pk", *ORGANISATION_COLUMNS[1:])
    }
    here = timezone.get_current_timezone()
    for grant_id, pk, year, duration, per_year, decided, round_decided, entered in grants:
        of_grant = roles.get(grant_id, {})
        maker, funder = of_grant.get(Role.EXTENDING), of_grant.get(Role.FUNDING)
        related[pk].grants.append(
            Row(
                year=year,
                end_year=year + duration - 1,
                per_year=per_year,
                maker=organisations.get(maker),
                funder=organisations.get(funder),
                awarded=award_date(decided or round_decided, year, entered, here),
            )
        )
    for partnership in partnerships:
        if partnership.country_id:
            related[partnership.pk].countries.append(partnership.country)
    return related


def project_activity(project, request, reporting, related):
    return activity(project, "project", request, reporting, related)


def partnership_activity(partnership, request, reporting, related):
    participants = related.participants
    budgets, seen = related.budgets, {(o.pk, role) for o, role in participants}
    related.defaults, related.budget_status = PARTNERSHIP_DEFAULTS, COMMITTED
    for grant in related.grants:
        for y in range(grant.year, grant.end_year + 1):
            budgets[y] = budgets.get(y, 0) + grant.per_year
        total = grant.per_year * (grant.end_year - grant.year + 1)
        related.commitments.append((grant.awarded, total, grant.maker))
        for org, role in (
            (grant.maker, IATI_ROLE_CODES[Role.EXTENDING]),
            (grant.funder, IATI_ROLE_CODES[Role.FUNDING]),
        ):
            if org is not None and (org.pk, role) not in seen:
                seen.add((org.pk, role))
                participants.append((org, role))
    participants.sort(key=lambda pair: pair[1])
    return activity(partnership, "partnership", request, reporting, related)


# What each kind reads besides its own row: a function of a chunk of records.
RELATED = {"project": project_related, "partnership": partnership_related}

# The columns of its own row an activity writes (activity(), status_code(),
# activity_dates()); the page text, image and sources are not read, so a chunk of records
# stays small (with every column, 100 000 grants kept the process 65 MB larger).
OWN_COLUMNS = (
    "updated_at",
    "slug",
    "title_sv",
    "title_en",
    "summary_sv",
    "summary_en",
    "stated_status",
    "start_date",
    "start_precision",
    "start_actual",
    "end_date",
    "end_precision",
    "end_actual",
)
ACTIVITY_COLUMNS = {
    "project": OWN_COLUMNS,
    "partnership": (*OWN_COLUMNS, "country__code", "country__name_en"),
}


def described(request, records, build):
    """The records' activities, one element at a time, leaving out those IATI's required
    parts are missing from; the records are read in chunks of CHUNK_SIZE, each with one
    query per relation."""
    reporting = reporting_org()
    kind = records.model._meta.model_name
    gather = RELATED[kind]
    address = Address(request, records.model)
    columns = ACTIVITY_COLUMNS[kind]
    relations = {column.split("__")[0] for column in columns if "__" in column}
    rows = records.prefetch_related(None).select_related(None)
    if relations:  # select_related() without a name would follow every foreign key
        rows = rows.select_related(*relations)
    rows = rows.only(*columns).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        related = gather(chunk)
        for record in chunk:
            related[record.pk].address = address(record.slug)
            described_activity = build(record, request, reporting, related[record.pk])
            if described_activity is not None:
                yield described_activity


def activities_file(request, records, build):
    """The file's bytes as an iterator, or None when no record of the selection can be
    described: IATI requires at least one activity, so there is no file (a 404,
    opendata.http.empty_selection). Only the records up to the first describable one are
    read before answering."""
    activities = described(request, records, build)
    first = next(activities, None)
    if first is None:
        return None
    return activities_stream(chain([first], activities))


def activities_stream(activities):
    """The XML declaration and <iati-activities>, then the activities, in pieces
    (core.exports.pieces)."""
    generated = timezone.now().replace(microsecond=0).isoformat()
    head = [
        "<?xml version='1.0' encoding='utf-8'?>\n",
        f'<iati-activities version="{VERSION}" generated-datetime="{generated}">',
    ]
    return pieces(chain(head, activities, ["</iati-activities>"]))


class Address:
    """A record's absolute page address: reversed once, then filled in with the slug."""

    SLUG = "slug-placeholder"

    def __init__(self, request, model):
        self.pattern = request.build_absolute_uri(model(slug=self.SLUG).get_absolute_url())

    def __call__(self, slug):
        return self.pattern.replace(self.SLUG, slug)
