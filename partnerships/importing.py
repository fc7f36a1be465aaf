"""Importing a grant round's decisions from a CSV file: parse, check every row, show a
preview, then write all rows or none.

Why not django-import-export: one row here becomes several records (a partnership, its
grant, possibly a partner local government and its links to municipalities, goals and
themes), matched on a key made from several columns, and editors need messages in
Swedish that suggest the closest municipality name. A small service over the standard
library's csv module does that in fewer lines than import-export's resource hooks would.
"""

import csv
import difflib
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.models import Country, Goal, Publication, Theme
from core.seeding import read_municipality_codes
from partnerships.models import (
    SWEDISH_KINDS,
    Grant,
    GrantRound,
    Municipality,
    MunicipalityKind,
    Partnership,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# Column names: English keys, with the Swedish headers editors may use.
COLUMNS = {
    "swedish_participant": ["svensk_deltagare", "kommun"],
    "partner_government": ["partnerkommun", "partner"],
    "country": ["land"],
    "title": ["titel"],
    "themes": ["teman", "tema"],
    "goals": ["mal", "mål"],
    "sek_per_year": ["kronor_per_ar", "kronor_per_år", "belopp"],
    "years": ["ar", "år", "antal_ar", "antal_år"],
    "year": ["beviljat_ar", "beviljat_år"],
}
REQUIRED = ["swedish_participant", "country", "title", "sek_per_year", "years"]


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in plain words."""


@dataclass
class RowResult:
    line: int
    values: dict
    errors: list = field(default_factory=list)
    action: str = ""  # create / update / unchanged
    key: str = ""
    cleaned: dict = field(default_factory=dict)


def read_upload(upload):
    """Text rows from an uploaded file: checks size, encoding (UTF-8 with or without BOM,
    else Windows-1252 as Excel writes it) and delimiter (comma or semicolon)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; the largest allowed is %(max)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "max": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    raw = upload.read()
    return parse_bytes(raw)


def parse_bytes(raw):
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    if b"\x00" in raw:
        raise ImportFileError(_("The file is not a text file (CSV). Save it as CSV and try again."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(
            _("The file could not be read as CSV: %(error)s") % {"error": error}
        ) from None
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    header, body = rows[0], rows[1:]
    return map_header(header), body


def map_header(header):
    aliases = {}
    for key, names in COLUMNS.items():
        for name in [key, *names]:
            aliases[name] = key
    mapped = [
        aliases.get(slugify(h).replace("-", "_"), aliases.get(h.strip().lower())) for h in header
    ]
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(missing)s. The file has: %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(h for h in header if h) or "–"}
        )
    return mapped


def parse_int(text):
    cleaned = re.sub(r"(?i)\s|kr|sek|\u00a0", "", text or "")
    if not cleaned.isdigit():
        raise ValueError
    return int(cleaned)


def split_list(text):
    return [part.strip() for part in re.split(r"[;,|]", text or "") if part.strip()]


class RoundImport:
    """Checks the rows of one file against the database for one grant round."""

    def __init__(self, grant_round: GrantRound):
        self.round = grant_round
        self.swedish = {
            m.name.lower(): m for m in Municipality.objects.filter(kind__in=SWEDISH_KINDS)
        }
        self.swedish_codes = {m.code: m for m in self.swedish.values() if m.code}
        self.scb, _counties = read_municipality_codes()
        self.countries = {}
        for c in Country.objects.all():
            for key in (c.code.lower(), c.name_sv.lower(), c.name_en.lower()):
                self.countries[key] = c
        self.goals = {g.number: g for g in Goal.objects.filter(framework="sdg")}
        self.themes = {}
        for t in Theme.objects.all():
            for key in (t.slug, t.name_sv.lower(), t.name_en.lower()):
                self.themes[key] = t

    def check(self, header, body):
        results, seen = [], {}
        for number, cells in enumerate(body, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                key: (cells[i].strip() if i < len(cells) else "")
                for i, key in enumerate(header)
                if key
            }
            result = RowResult(line=number, values=values)
            self.check_row(result)
            if result.key:
                if result.key in seen:
                    result.errors.append(
                        _("Same participant, partner and country as row %(line)s.")
                        % {"line": seen[result.key]}
                    )
                else:
                    seen[result.key] = number
            if not result.errors:
                result.action = self.planned_action(result)
            results.append(result)
        return results

    def closest(self, name):
        candidates = [m.name for m in self.swedish.values()] + list(self.scb)
        match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        return match[0] if match else None

    def check_row(self, row):
        v, errors, cleaned = row.values, row.errors, row.cleaned
        name = v.get("swedish_participant", "")
        if not name:
            errors.append(_("The Swedish participant is missing."))
        else:
            found = self.swedish.get(name.lower()) or self.swedish_codes.get(name)
            if found:
                cleaned["participant"] = found.name
            elif name in self.scb:
                cleaned["participant"] = name  # a municipality from SCB's list, new to the register
            else:
                suggestion = self.closest(name)
                if suggestion:
                    errors.append(
                        _("Unknown municipality “%(name)s”. Did you mean “%(suggestion)s”?")
                        % {"name": name, "suggestion": suggestion}
                    )
                else:
                    errors.append(_("Unknown municipality “%(name)s”.") % {"name": name})
        country = v.get("country", "")
        if not country:
            errors.append(_("The country is missing."))
        elif country.lower() not in self.countries:
            errors.append(_("Unknown country “%(country)s”.") % {"country": country})
        else:
            cleaned["country"] = self.countries[country.lower()].code
        cleaned["partner"] = v.get("partner_government", "")
        if not v.get("title"):
            errors.append(_("The title is missing."))
        cleaned["title"] = v.get("title", "")
        try:
            amount = parse_int(v.get("sek_per_year"))
        except ValueError:
            errors.append(
                _("The amount “%(value)s” is not a number.") % {"value": v.get("sek_per_year", "")}
            )
        else:
            low, high = self.round.min_sek_per_year, self.round.max_sek_per_year
            if amount <= 0 or (low and amount < low) or (high and amount > high):
                errors.append(
                    _("The amount %(amount)s SEK a year is outside the range %(low)s–%(high)s.")
                    % {"amount": amount, "low": low or 1, "high": high or "…"}
                )
            cleaned["amount"] = amount
        try:
            years = parse_int(v.get("years"))
        except ValueError:
            errors.append(
                _("The duration “%(value)s” is not a number of years.")
                % {"value": v.get("years", "")}
            )
        else:
            if not 1 <= years <= 3:
                errors.append(
                    _("The duration must be 1–3 years, not %(years)s.") % {"years": years}
                )
            cleaned["years"] = years
        year = v.get("year") or (str(self.round.year) if self.round.year else "")
        try:
            cleaned["year"] = parse_int(year)
            if not 1990 <= cleaned["year"] <= 2100:
                raise ValueError
        except ValueError:
            errors.append(
                _("The year granted “%(value)s” is missing or not a year.") % {"value": year}
            )
        goals = []
        for item in split_list(v.get("goals")):
            if item.isdigit() and int(item) in self.goals:
                goals.append(int(item))
            else:
                errors.append(_("“%(value)s” is not a goal number 1–17.") % {"value": item})
        cleaned["goals"] = goals
        themes = []
        for item in split_list(v.get("themes")):
            theme = self.themes.get(item.lower())
            if theme:
                themes.append(theme.slug)
            else:
                errors.append(_("Unknown theme “%(value)s”.") % {"value": item})
        cleaned["themes"] = themes
        if "participant" in cleaned and "country" in cleaned:
            parts = [
                self.round.slug,
                cleaned["participant"],
                cleaned["partner"],
                cleaned["country"],
            ]
            row.key = slugify(" ".join(parts))[:120]

    def planned_action(self, row):
        partnership = Partnership.objects.filter(slug=row.key).first()
        if partnership is None:
            return "create"
        grant = partnership.grants.filter(grant_round=self.round).first()
        c = row.cleaned
        same = (
            partnership.title_sv == c["title"]
            and partnership.country_id == c["country"]
            and set(partnership.goals.values_list("number", flat=True)) == set(c["goals"])
            and set(partnership.themes.values_list("slug", flat=True)) == set(c["themes"])
            and grant is not None
            and (grant.amount_sek_per_year, grant.duration_years, grant.year)
            == (c["amount"], c["years"], c["year"])
        )
        return "unchanged" if same else "update"


def summarise(results):
    counts = {"create": 0, "update": 0, "unchanged": 0, "errors": 0}
    for row in results:
        counts["errors" if row.errors else row.action] += 1
    return counts


@transaction.atomic
def grant_round_import(*, grant_round: GrantRound, results, user):
    """Writes checked rows in one transaction: any failure leaves the database as it was.
    New partnerships are drafts, so nothing is published by accident."""
    if any(row.errors for row in results):
        raise ValueError("rows with errors cannot be imported")
    sweden = Country.objects.get(code="SE")
    scb, counties = read_municipality_codes()
    written = 0
    for row in results:
        if row.action == "unchanged":
            continue
        c = row.cleaned
        participant = _participant(c["participant"], scb, counties, sweden, user)
        partnership, created = Partnership.objects.get_or_create(
            slug=row.key,
            defaults={"title_sv": c["title"], "created_by": user, "publication": Publication.DRAFT},
        )
        partnership.title_sv = c["title"]
        partnership.country_id = c["country"]
        partnership.programme = grant_round.programme
        partnership.updated_by = user
        partnership.start_year = min(filter(None, [partnership.start_year, c["year"]]))
        end = c["year"] + c["years"] - 1
        partnership.end_year = max(filter(None, [partnership.end_year, end]))
        partnership.full_clean()
        partnership.save()
        partnership.swedish_participants.add(participant)
        if c["partner"]:
            partner, _created = Municipality.objects.get_or_create(
                kind=MunicipalityKind.PARTNER,
                name=c["partner"],
                country_id=c["country"],
                defaults={
                    "slug": _free_slug(f"{c['partner']} {c['country']}"),
                    "created_by": user,
                    "publication": Publication.PUBLISHED,
                },
            )
            partnership.partner_governments.add(partner)
        partnership.goals.set(Goal.objects.filter(framework="sdg", number__in=c["goals"]))
        partnership.themes.set(Theme.objects.filter(slug__in=c["themes"]))
        grant = Grant.objects.filter(
            partnership=partnership, grant_round=grant_round
        ).first() or Grant(partnership=partnership, grant_round=grant_round, created_by=user)
        grant.year, grant.amount_sek_per_year, grant.duration_years = (
            c["year"],
            c["amount"],
            c["years"],
        )
        grant.funder = grant_round.programme.funder
        grant.updated_by = user
        grant.full_clean()
        grant.save()
        written += 1
    return written


def _free_slug(text):
    base = slugify(text)[:100] or "kommun"
    slug, n = base, 2
    while Municipality.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _participant(name, scb, counties, sweden, user):
    found = Municipality.objects.filter(Q(name__iexact=name), kind__in=SWEDISH_KINDS).first()
    if found:
        return found
    ref = scb[name]
    return Municipality.objects.create(
        slug=_free_slug(name),
        name=name,
        kind=MunicipalityKind.MUNICIPALITY,
        code=ref["municipality_code"],
        county_code=ref["county_code"],
        county_name=ref["county_name"],
        country=sweden,
        publication=Publication.PUBLISHED,
        created_by=user,
        updated_by=user,
    )
