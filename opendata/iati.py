"""Projects and partnerships as IATI 2.03 activity XML, built element by element with lxml
and written incrementally (lxml's xmlfile), so a large file streams in flat memory.

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
- Budgets: a project's yearly budgets; a partnership's grants as one budget a year (SEK a
  year for each year of each grant, summed by year). `default-currency` is SEK."""

import io
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils import timezone
from lxml import etree

from core.exports import CHUNK_SIZE
from core.xmltext import xml_safe
from opendata.sectors import THEME_SECTORS
from reference.models import IATI_ROLE_CODES, Organisation, OrganisationKind, Role

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI OrganisationType codes for the register's kinds; "90" (other) where no code fits
# without guessing.
ORGANISATION_TYPES = {
    OrganisationKind.MUNICIPALITY: "11",
    OrganisationKind.COUNTY_COUNCIL: "11",
    OrganisationKind.REGION: "11",
    OrganisationKind.PARTNER_GOVERNMENT: "11",
    OrganisationKind.AGENCY: "10",
    OrganisationKind.COMPANY: "70",
}


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


def narratives(parent, texts):
    """<narrative xml:lang="sv">…</narrative> for each (language, text) that has text."""
    for language, text in texts:
        if text:
            etree.SubElement(parent, "narrative", {XML_LANG: language}).text = xml_safe(text)


def org_element(parent, tag, org, **attributes):
    element = etree.SubElement(parent, tag, attributes)
    ref = real_ref(org)
    if ref:
        element.set("ref", ref)
    if org.kind in ORGANISATION_TYPES:
        element.set("type", ORGANISATION_TYPES[org.kind])
    narratives(element, [("sv", org.name_sv), ("en", org.name_en)])
    return element


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


def budget(parent, year, amount):
    element = etree.SubElement(parent, "budget", type="1", status="1")
    etree.SubElement(element, "period-start", {"iso-date": f"{year}-01-01"})
    etree.SubElement(element, "period-end", {"iso-date": f"{year}-12-31"})
    etree.SubElement(element, "value", {"value-date": f"{year}-01-01"}).text = str(amount)


def activity(record, kind, request, reporting, participants, countries, budgets):
    """One <iati-activity>, or None when IATI's required parts are missing.
    `participants` is [(organisation, role code)], `budgets` {year: SEK}."""
    status = status_code(record)
    dates = activity_dates(record)
    if not (status and dates and participants):
        return None
    org, ref = reporting
    element = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": record.updated_at.isoformat(timespec="seconds"),
            XML_LANG: "sv",
            "default-currency": "SEK",
        },
    )
    etree.SubElement(element, "iati-identifier").text = f"{ref}-{kind}-{record.pk}"
    reporting_element = etree.SubElement(
        element,
        "reporting-org",
        ref=ref,
        type=ORGANISATION_TYPES.get(org.kind, "90") if org else "90",
    )
    if org is not None:
        narratives(reporting_element, [("sv", org.name_sv), ("en", org.name_en)])
    narratives(
        etree.SubElement(element, "title"), [("sv", record.title_sv), ("en", record.title_en)]
    )
    description = etree.SubElement(element, "description", type="1")
    narratives(
        description,
        [
            ("sv", record.summary_sv or record.title_sv),
            ("en", record.summary_en or (record.title_en if not record.summary_sv else "")),
        ],
    )
    for organisation, role in participants:
        org_element(element, "participating-org", organisation, role=role)
    etree.SubElement(element, "activity-status", code=status)
    for date_type, value in dates:
        etree.SubElement(element, "activity-date", type=date_type, **{"iso-date": str(value)})
    for country, percentage in zip(countries, shares(len(countries)), strict=True):
        attributes = {"code": country.code}
        if len(countries) > 1:
            attributes["percentage"] = str(percentage)
        narratives(
            etree.SubElement(element, "recipient-country", attributes), [("en", country.name_en)]
        )
    sectors = sorted(
        {THEME_SECTORS[t.slug] for t in record.themes.all() if t.slug in THEME_SECTORS}
    )
    for code, percentage in zip(sectors, shares(len(sectors)), strict=True):
        etree.SubElement(element, "sector", vocabulary="1", code=code, percentage=str(percentage))
    for goal in sorted((g for g in record.goals.all() if g.is_sdg), key=lambda g: g.number):
        tag = etree.SubElement(element, "tag", vocabulary="2", code=str(goal.number))
        narratives(tag, [("en", goal.title_en)])
    for year in sorted(budgets):
        budget(element, year, budgets[year])
    link = etree.SubElement(
        element,
        "document-link",
        format="text/html",
        url=request.build_absolute_uri(record.get_absolute_url()),
    )
    narratives(etree.SubElement(link, "title"), [("sv", record.title_sv), ("en", record.title_en)])
    etree.SubElement(link, "category", code="A12")
    etree.SubElement(link, "language", code="sv")
    return element


def project_activity(project, request, reporting):
    participants = [(p.organisation, IATI_ROLE_CODES[p.role]) for p in project.participants.all()]
    budgets = {b.year: b.amount_sek for b in project.yearly_budgets.all()}
    return activity(
        project, "project", request, reporting, participants, list(project.countries.all()), budgets
    )


def partnership_activity(partnership, request, reporting):
    participants = [
        (p.organisation, IATI_ROLE_CODES[p.role]) for p in partnership.participants.all()
    ]
    budgets, seen = {}, {(o.pk, role) for o, role in participants}
    for grant in partnership.grants.all():
        for year in range(grant.year, grant.end_year + 1):
            budgets[year] = budgets.get(year, 0) + grant.amount_sek_per_year
        for org, role in (
            (grant.grant_maker, IATI_ROLE_CODES[Role.EXTENDING]),
            (grant.funding_source, IATI_ROLE_CODES[Role.FUNDING]),
        ):
            if org is not None and (org.pk, role) not in seen:
                seen.add((org.pk, role))
                participants.append((org, role))
    participants.sort(key=lambda pair: pair[1])
    countries = [partnership.country] if partnership.country_id else []
    return activity(
        partnership, "partnership", request, reporting, participants, countries, budgets
    )


def activities_stream(request, records, build):
    """The XML declaration and <iati-activities>, then one activity at a time."""
    reporting = reporting_org()
    buffer = io.BytesIO()

    def flush():
        data = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return data

    with etree.xmlfile(buffer, encoding="utf-8") as xf:
        xf.write_declaration()
        generated = timezone.now().replace(microsecond=0).isoformat()
        with xf.element("iati-activities", version=VERSION, **{"generated-datetime": generated}):
            yield flush()
            for record in records.iterator(chunk_size=CHUNK_SIZE):
                element = build(record, request, reporting)
                if element is not None:
                    xf.write(element)
                    yield flush()
    yield flush()
