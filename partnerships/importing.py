"""Importing a grant round's decisions from a CSV or Excel (xlsx) file: parse, check every
row, show a preview, then write all rows or none. Both formats give the same rows and the
same checks; a line whose first cell starts with "#" is a comment and is skipped (the
downloadable template's example row is one). Each row is checked by a form
(DecisionForm) whose fields are the columns, with the models' own validators, so that each
message is shown in its cell.

Matching: a row belongs to an existing partnership of the round's programme when the
Swedish participant, the partner local government (or none) and the country are the same:
the key is made of the organisations' database ids and the country code, read from the
partnerships' participants, never from a slug, so renaming a slug changes nothing. A later
round's file adds that round's grant to the same partnership.

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
import time
import zipfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.cache import bump_data_version
from core.models import Publication
from core.xmltext import validate_xml_text
from partnerships.models import (
    GRANT_YEARS,
    Grant,
    GrantRound,
    Partnership,
    PartnershipParticipant,
    PendingImport,
)
from partnerships.roles import round_roles, set_grant_roles
from reference.models import (
    Country,
    FormerName,
    Goal,
    Organisation,
    OrganisationKind,
    Role,
    Theme,
)
from reference.services import read_municipality_codes

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An xlsx file is a zip archive: refuse one that unpacks to more than this.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_XLSX_SECONDS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


class AlreadySaved(Exception):
    """Another request has saved, or is saving, the same pending import."""


class PreviewExpired(Exception):
    """No pending import of the user's has the token: forgotten after a day, or never."""


@dataclass
class RowResult:
    line: int
    values: dict
    errors: list = field(default_factory=list)  # every message about the row
    action: str = ""  # create / update / unchanged
    key: tuple = ()
    cleaned: dict = field(default_factory=dict)
    match: object = None  # the existing Partnership the row updates
    column_errors: dict = field(default_factory=dict)  # {column: [messages]}, shown in the cell
    row_errors: list = field(default_factory=list)  # messages about no one column

    def add_error(self, message, column=None):
        self.errors.append(message)
        if column:
            self.column_errors.setdefault(column, []).append(message)
        else:
            self.row_errors.append(message)

    def take(self, form):
        """The row as its form (DecisionForm) has checked it: the form's messages, each in
        its cell, and what the cells name; with the participant and the country, the key
        that matches the row with a partnership."""
        for column, messages in form.errors.items():  # form.errors cleans the form
            for message in messages:
                self.add_error(message, None if column == NON_FIELD_ERRORS else column)
        self.cleaned = c = form.cleaned_data
        if "swedish_participant" in c and "country" in c:
            participant, partner = c["swedish_participant"], c.get("partner_government")
            self.key = (org_key(participant), org_key(partner), c["country"].code)

    @property
    def shown(self):
        """What the cells name, for the preview, and whether the import would add it."""
        c = self.cleaned
        participant, partner = c.get("swedish_participant"), c.get("partner_government")
        return {
            "participant": getattr(participant, "name_sv", participant),
            "participant_new": isinstance(participant, str),
            "partner": getattr(partner, "name_sv", partner),
            "partner_new": isinstance(partner, str),
            "country": getattr(c.get("country"), "name", None),
            "goals": c.get("goals", []),
            "themes": c.get("themes", []),
        }


def read_upload(upload):
    """Rows from an uploaded file, CSV or Excel (xlsx), after a check of its size."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; the largest allowed is %(max)s MB.")
            % {
                "size": number_format(upload.size / 1024 / 1024, 1),
                "max": MAX_UPLOAD_BYTES // 1024 // 1024,
            }
        )
    return read_rows(upload.read())


def read_rows(raw):
    """(header, body) of a CSV or Excel (xlsx) file: the column key (COLUMNS) of each header
    cell, None for a column the import does not know, and the rows under it as text, a cell
    as the same cell in the other format gives it. At most MAX_ROWS rows are read."""
    rows = _xlsx_rows(raw) if raw.startswith(b"PK\x03\x04") else _csv_rows(raw)
    with closing(rows):
        header = _texts(next(rows, ()))
        while header and not header[-1]:
            header.pop()
        if not header:
            raise ImportFileError(_("The file is empty."))
        keys = map_header(header)
        body = [_texts(values) for values in islice(rows, MAX_ROWS + 1)]
    while body and not any(body[-1]):
        body.pop()
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows.") % {"max": intcomma(MAX_ROWS)}
        )
    return keys, body


MAX_CELL_CHARACTERS = 131_072  # the csv module's default field limit


def _csv_rows(raw):
    """The rows of a CSV file, the header first: UTF-8 with or without BOM, else
    Windows-1252 as Excel writes it; comma or semicolon between the cells."""
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("The file is in Excel's old format (xls). Save it as xlsx or CSV and try again.")
        )
    if b"\x00" in raw:
        raise ImportFileError(
            _(
                "The file is neither a text file (CSV) nor an Excel file (xlsx). Save it as "
                "one of them and try again."
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first_line = next(iter(text.splitlines()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # newline="": lines may end in CRLF (Windows), LF or a lone CR (old Mac).
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            # The csv module's own limit is the whole process's, which other libraries
            # raise (frictionless, on import): the import keeps its own.
            if any(len(cell) > MAX_CELL_CHARACTERS for cell in row):
                raise csv.Error(
                    _("a cell holds more than %(max)s characters")
                    % {"max": intcomma(MAX_CELL_CHARACTERS)}
                )
            yield row
    except csv.Error as error:
        raise ImportFileError(
            _("The file could not be read as CSV: %(error)s") % {"error": error}
        ) from None


def _xlsx_rows(raw):
    """The rows of an Excel file's first sheet, the header first."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise ImportFileError(_("The Excel file is too large when unpacked."))
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(
            _("The file could not be read as an Excel file (xlsx). Save it again and retry.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        yield header
        # Only the header's known columns are read: a sheet's dimension may claim all
        # 16 384 of Excel's columns, and openpyxl pads every row to it. Reading stops after
        # a few seconds.
        width = max((i for i, name in enumerate(header) if column_key(name)), default=0) + 1
        deadline = time.monotonic() + MAX_XLSX_SECONDS
        for values in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
            if time.monotonic() > deadline:
                raise ImportFileError(
                    _("The Excel file takes too long to read. Save it as CSV and try again.")
                )
            yield values
    finally:
        workbook.close()


def _texts(values):
    """A row's cells as text: an Excel cell as the same cell in a CSV file."""
    return [_text(value) for value in values]


def _text(value):
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


ALIASES = {name: key for key, names in COLUMNS.items() for name in [key, *names]}


def column_key(name):
    """The key (COLUMNS) of a header cell, or None."""
    name = _text(name)
    return ALIASES.get(slugify(name).replace("-", "_"), ALIASES.get(name.lower()))


def map_header(header):
    mapped = [column_key(name) for name in header]
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(missing)s. The file has: %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(h for h in header if h) or "–"}
        )
    return mapped


class RowField:
    """A field of DecisionForm. A form copies its class's fields so that one form may
    change its own; a DecisionForm never does, and a file makes thousands of them, so they
    share the class's fields."""

    def __deepcopy__(self, memo):
        return self


class TextField(RowField, forms.CharField):
    """A cell of text: nothing that XML cannot carry, as in every form of the register."""

    default_validators = [validate_xml_text]


class WholeNumberField(RowField, forms.IntegerField):
    """A whole number as a spreadsheet cell may write it: "400 000", "400000 kr"; digits
    only otherwise (no sign, no decimals). The message for anything else names the cell's
    text: `invalid` gets %(value)s."""

    def to_python(self, value):
        text = re.sub(r"(?i)\s|kr|sek|\u00a0", "", value or "")
        if not text:
            return None
        if not text.isdecimal():
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        return int(text)


def model_field(model, name):
    return model._meta.get_field(name)


YEAR_MESSAGE = _lazy("The year granted “%(value)s” is not a year between 1990 and 2100.")
UNKNOWN_GOAL = _lazy("“%(value)s” is not a goal number 1–17.")
UNKNOWN_THEME = _lazy("Unknown theme “%(value)s”.")


class DecisionForm(forms.Form):
    """One row of a round's file, a field a column (COLUMNS), so that each message is
    shown in its cell. The names the cells give are looked up in what `importer` (a
    RoundImport) has read once for the whole file: `cleaned_data` holds what they name,
    organisations (or the name of one to add), the country, goals and themes."""

    swedish_participant = TextField(
        error_messages={"required": _lazy("The Swedish participant is missing.")}
    )
    country = TextField(error_messages={"required": _lazy("The country is missing.")})
    partner_government = TextField(
        required=False, max_length=model_field(Organisation, "name_sv").max_length
    )
    title = TextField(
        max_length=model_field(Partnership, "title_sv").max_length,
        error_messages={"required": _lazy("The title is missing.")},
    )
    sek_per_year = WholeNumberField(
        validators=model_field(Grant, "amount_sek_per_year").validators,
        error_messages={
            "required": _lazy("The amount is missing."),
            "invalid": _lazy("The amount “%(value)s” is not a number."),
            "min_value": _lazy("The amount must be more than 0."),
            "max_value": _lazy("The amount is larger than the register can hold."),
        },
    )
    years = WholeNumberField(
        validators=model_field(Grant, "duration_years").validators,
        error_messages={
            "required": _lazy("The duration is missing."),
            "invalid": _lazy("The duration “%(value)s” is not a number of years."),
            "min_value": _lazy("The duration must be more than 0."),
            "max_value": _lazy(
                "The duration must be at most %(limit_value)s years, not %(value)s."
            ),
        },
    )
    year = WholeNumberField(
        required=False,
        min_value=GRANT_YEARS[0],
        max_value=GRANT_YEARS[1],
        error_messages=dict.fromkeys(["invalid", "min_value", "max_value"], YEAR_MESSAGE),
    )
    goals = TextField(required=False)
    themes = TextField(required=False)

    def __init__(self, data, *, importer):
        super().__init__(data)
        self.importer = importer

    def clean_swedish_participant(self):
        name = self.cleaned_data["swedish_participant"]
        found = self.importer.swedish.get(name.lower())
        if found:
            return found
        if name in self.importer.scb:
            return name  # a municipality from SCB's list, new to the register
        suggestion = self.importer.closest(name)
        if suggestion:
            raise ValidationError(
                _("Unknown municipality “%(name)s”. Did you mean “%(suggestion)s”?"),
                params={"name": name, "suggestion": suggestion},
            )
        raise ValidationError(_("Unknown municipality “%(name)s”."), params={"name": name})

    def clean_country(self):
        name = self.cleaned_data["country"]
        if name.lower() not in self.importer.countries:
            raise ValidationError(_("Unknown country “%(country)s”."), params={"country": name})
        return self.importer.countries[name.lower()]

    def clean_sek_per_year(self):
        return self._within_round(self.cleaned_data["sek_per_year"], None)

    def clean_years(self):
        return self._within_round(None, self.cleaned_data["years"])

    def _within_round(self, amount, years):
        """The amount or the duration, within the bounds the round's announcement states."""
        errors = self.importer.round.bound_errors(amount, years)
        if errors:
            raise ValidationError(errors)
        return years if amount is None else amount

    def clean_year(self):
        year = self.cleaned_data["year"] or self.importer.round.year
        if year is None:
            # The round has no year and the row gives none: one message for the whole
            # file (RoundImport.messages), a short mark in the cell.
            raise ValidationError(_("missing"), code="missing")
        return year

    def clean_goals(self):
        return self._listed("goals", self.importer.goals, UNKNOWN_GOAL)

    def clean_themes(self):
        return self._listed("themes", self.importer.themes, UNKNOWN_THEME)

    def _listed(self, name, known, message):
        """The records a cell lists, separated by ; , or |, each looked up in `known`."""
        found, errors = {}, []
        for item in re.split(r"[;,|]", self.cleaned_data[name]):
            if not item.strip():
                continue
            record = known.get(item.strip().lower())
            if record is None:
                errors.append(ValidationError(message, params={"value": item.strip()}))
            else:
                found[record.pk] = record
        if errors:
            raise ValidationError(errors)
        return list(found.values())

    def clean(self):
        """The partner local government is looked up in the row's country; one new to the
        register stays a name (it is added as a draft)."""
        cleaned = self.cleaned_data
        partner, country = cleaned.get("partner_government"), cleaned.get("country")
        if "partner_government" in cleaned:
            cleaned["partner_government"] = (
                self.importer.partners.get((partner.lower(), country.code), partner)
                if partner and country
                else None
            )
        return cleaned


class RoundImport:
    """Checks the rows of one file against the database for one grant round. Reads what it
    needs in a constant number of queries, whatever the number of rows."""

    def __init__(self, grant_round: GrantRound):
        self.round = grant_round
        swedish = list(Organisation.objects.swedish_local())
        self.swedish = {}
        for org in swedish:
            self.swedish[org.name_sv.lower()] = org
            if org.scb_code:
                self.swedish[org.scb_code] = org
        by_id = {org.pk: org for org in swedish}
        for former in FormerName.objects.filter(organisation_id__in=list(by_id)):
            self.swedish.setdefault(former.name.lower(), by_id[former.organisation_id])
        self.partners = {
            (org.name_sv.lower(), org.country_id): org
            for org in Organisation.objects.partner_governments()
        }
        self.scb, _counties = read_municipality_codes()
        self.countries = {}
        for c in Country.objects.all():
            for key in (c.code.lower(), c.name_sv.lower(), c.name_en.lower()):
                self.countries[key] = c
        self.goals = {str(g.number): g for g in Goal.objects.filter(framework="sdg")}
        self.themes = {}
        for t in Theme.objects.all():
            for key in (t.slug, t.name_sv.lower(), t.name_en.lower()):
                self.themes[key] = t
        self.existing = existing_partnerships(grant_round)

    def check(self, header, body):
        """Checks every row; messages about the file as a whole go to `self.messages`."""
        self.messages = []
        results, seen, without_year = [], {}, []
        for number, cells in enumerate(body, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if cells[0].strip().startswith("#"):
                continue  # a comment, such as the template's example row
            values = {
                key: (cells[i].strip() if i < len(cells) else "")
                for i, key in enumerate(header)
                if key
            }
            result = RowResult(line=number, values=values)
            width = len(header)
            if any(cell.strip() for cell in cells[width:]):
                # An unquoted separator inside a value shifts every later cell: say so,
                # rather than what the shifted cells would seem to mean.
                result.add_error(
                    _(
                        "The row has %(cells)s cells but the header has %(columns)s: put a "
                        "value that contains a ; or , in quotation marks."
                    )
                    % {"cells": len(cells), "columns": width}
                )
                results.append(result)
                continue
            form = DecisionForm(values, importer=self)
            result.take(form)
            if form.has_error("year", "missing"):
                without_year.append(number)
            if result.key:
                if result.key in seen:
                    result.add_error(
                        _("Same participant, partner and country as row %(line)s.")
                        % {"line": seen[result.key]}
                    )
                else:
                    seen[result.key] = number
            if not result.errors:
                result.action = self.planned_action(result)
            results.append(result)
        if without_year:
            self.messages.append(
                _(
                    "The round has no year, so every row needs one: add a column "
                    "beviljat_ar (year granted) with the year of the decision. Rows without "
                    "a year: %(rows)s."
                )
                % {"rows": ", ".join(str(line) for line in without_year)}
            )
        if not results:
            self.messages.append(
                _(
                    "The file has no rows with decisions. Lines that start with # are "
                    "examples and comments and are not read."
                )
            )
        return results

    def closest(self, name):
        candidates = [m.name_sv for m in self.swedish.values()] + list(self.scb)
        match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        return match[0] if match else None

    def planned_action(self, row):
        key = row.key
        partnership = self.existing.get(
            (frozenset([key[0]]), frozenset([key[1]]) if key[1] else frozenset(), key[2])
        )
        row.match = partnership
        if partnership is None:
            return "create"
        grant = next(
            (g for g in partnership.grants.all() if g.grant_round_id == self.round.pk), None
        )
        c = row.cleaned
        same = (
            partnership.title_sv == c["title"]
            and set(partnership.goals.all()) == set(c["goals"])
            and set(partnership.themes.all()) == set(c["themes"])
            and grant is not None
            and (grant.amount_sek_per_year, grant.duration_years, grant.year)
            == (c["sek_per_year"], c["years"], c["year"])
        )
        return "unchanged" if same else "update"


def org_key(value):
    """An organisation's id, or ("new", name) for one the import would add."""
    if value is None or value == "":
        return None
    if isinstance(value, Organisation):
        return value.pk
    return ("new", value.lower())


def existing_partnerships(grant_round):
    """{(Swedish participant ids, partner government ids, country): partnership} for the
    partnerships of the round's programme, in three queries."""
    partnerships = {
        p.pk: p
        for p in Partnership.objects.filter(programme=grant_round.programme_id).prefetch_related(
            "grants", "goals", "themes"
        )
    }
    sides = {pk: (set(), set()) for pk in partnerships}
    for partnership_id, organisation_id, role in PartnershipParticipant.objects.filter(
        partnership_id__in=list(partnerships),
        role__in=[Role.SWEDISH_PARTICIPANT, Role.PARTNER_GOVERNMENT],
    ).values_list("partnership_id", "organisation_id", "role"):
        sides[partnership_id][0 if role == Role.SWEDISH_PARTICIPANT else 1].add(organisation_id)
    return {
        (frozenset(swedish), frozenset(partners), partnerships[pk].country_id): partnerships[pk]
        for pk, (swedish, partners) in sides.items()
    }


TEMPLATE_HEADER = [
    "svensk_deltagare",
    "partnerkommun",
    "land",
    "titel",
    "teman",
    "mal",
    "kronor_per_ar",
    "ar",
    "beviljat_ar",
]
TEMPLATE_EXAMPLE = [
    "Borlänge",
    "Nakuru",
    "Kenya",
    "Lokal demokrati i Nakuru",
    "medborgardialog; jämställdhet",
    "11; 16",
    "400 000",
    "3",
    "2016",
]


def template_rows():
    """The header, a comment that explains, and the example row as a comment: the reader
    skips lines that start with "#", so the template never becomes a record."""
    note = _(
        "# Example: the row below shows how a decision is written. Lines that start with # "
        "are not read. Write one row per decision under the header."
    )
    return [
        TEMPLATE_HEADER,
        [note] + [""] * (len(TEMPLATE_HEADER) - 1),
        ["# " + TEMPLATE_EXAMPLE[0], *TEMPLATE_EXAMPLE[1:]],
    ]


def template_csv():
    """The template as CSV for Excel in a Swedish locale: UTF-8 with BOM, semicolons."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(template_rows())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Decisions")
    for row in template_rows():
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def summarise(results):
    """{"create": n, "update": n, "unchanged": n, "errors": n} for the preview."""
    counts = {"create": 0, "update": 0, "unchanged": 0, "errors": 0}
    for row in results:
        counts["errors" if row.errors else row.action] += 1
    return counts


def pend_import(*, grant_round, user, header, body):
    """Keeps a previewed file's rows until "Save all rows"; forgets those older than a day."""
    PendingImport.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
    return PendingImport.objects.create(
        grant_round=grant_round, created_by=user, header=header, body=body
    )


def save_pending_import(token, *, grant_round, user):
    """Checks the rows of the user's pending import again and writes them exactly once:
    (importer, results, rows written, or None when rows have errors and nothing was
    written). Raises PreviewExpired for no such import, AlreadySaved when it is saved.

    The claim, an UPDATE of the pending import where it is not saved yet, is the first
    statement of the transaction that writes the rows (nothing of the pending import is
    read before it). Of two requests
    at once, on PostgreSQL the second waits on the row lock and then finds it saved; on
    SQLite it waits for the write lock (nothing was read before in its transaction, so the
    busy timeout applies) or is told "locked"."""
    mine = PendingImport.objects.filter(pk=token, grant_round=grant_round, created_by=user)
    with transaction.atomic():
        try:
            claimed = mine.filter(saved_at=None).update(saved_at=timezone.now())
        except OperationalError:
            if connection.vendor != "sqlite":
                raise
            raise AlreadySaved from None  # the other request holds the write lock
        if not claimed:
            raise AlreadySaved if mine.exists() else PreviewExpired
        pending = mine.get()
        importer = RoundImport(grant_round)
        results = importer.check(pending.header, pending.body)
        if any(row.errors for row in results) or importer.messages:
            transaction.set_rollback(True)  # not saved: the import stays pending
            return importer, results, None
        written = grant_round_import(grant_round=grant_round, results=results, user=user)
        return importer, results, written


@transaction.atomic
def grant_round_import(*, grant_round: GrantRound, results, user):
    """Writes checked rows in one transaction: any failure leaves the database as it was.
    A constant number of queries whatever the number of rows (bulk writes, history kept
    with django-simple-history's bulk helpers). New partnerships are drafts, so nothing is
    published by accident; new partner local governments are drafts too. The grant-maker
    and the source of the money come from the round (ICLD and Sida for Kommunala
    partnerskap)."""
    if any(row.errors for row in results):
        raise ValueError("rows with errors cannot be imported")
    rows = [row for row in results if row.action != "unchanged"]
    if not rows:
        return 0
    now = timezone.now()
    participants = _create_missing_participants(rows, user)
    partners = _create_missing_partners(rows, user)
    roles = round_roles(grant_round)

    taken = set(Partnership.objects.values_list("slug", flat=True))
    new, changed = [], []
    for row in rows:
        c = row.cleaned
        partnership = row.match
        if partnership is None:
            partnership = Partnership(
                slug=_free_slug(taken, c["title"]),
                created_by=user,
                publication=Publication.DRAFT,
                programme=grant_round.programme,
                country=c["country"],
                created_at=now,
            )
            new.append(partnership)
        else:
            changed.append(partnership)
        partnership.title_sv = c["title"]
        partnership.updated_by = user
        partnership.updated_at = now
        partnership.cover_years(c["year"], c["year"] + c["years"] - 1)
        row.match = partnership
    bulk_create_with_history(new, Partnership, batch_size=BATCH, default_user=user)
    if any(p.pk is None for p in new):  # a database that returns no ids from bulk inserts
        by_slug = dict(
            Partnership.objects.filter(slug__in=[p.slug for p in new]).values_list("slug", "pk")
        )
        for p in new:
            p.pk = p.id = by_slug[p.slug]
    bulk_update_with_history(
        changed,
        Partnership,
        [
            "title_sv",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "updated_by",
            "updated_at",
        ],
        batch_size=BATCH,
        default_user=user,
    )

    links = []
    for row in rows:
        c = row.cleaned
        swedish = participants[org_key(c["swedish_participant"])]
        links.append(
            PartnershipParticipant(
                partnership=row.match, organisation=swedish, role=Role.SWEDISH_PARTICIPANT
            )
        )
        if c["partner_government"] is not None:
            links.append(
                PartnershipParticipant(
                    partnership=row.match,
                    organisation=partners[(org_key(c["partner_government"]), c["country"].pk)],
                    role=Role.PARTNER_GOVERNMENT,
                )
            )
    PartnershipParticipant.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)

    ids = [row.match.pk for row in rows]
    goal_links, theme_links = Partnership.goals.through, Partnership.themes.through
    goal_links.objects.filter(partnership_id__in=ids).delete()
    theme_links.objects.filter(partnership_id__in=ids).delete()
    goal_links.objects.bulk_create(
        [
            goal_links(partnership_id=row.match.pk, goal=goal)
            for row in rows
            for goal in row.cleaned["goals"]
        ],
        batch_size=BATCH,
    )
    theme_links.objects.bulk_create(
        [
            theme_links(partnership_id=row.match.pk, theme=theme)
            for row in rows
            for theme in row.cleaned["themes"]
        ],
        batch_size=BATCH,
    )
    # The round's announcement is a source of every partnership it grants.
    if grant_round.source_id:
        source_links = Partnership.sources.through
        source_links.objects.bulk_create(
            [
                source_links(partnership_id=pk, source_id=grant_round.source_id)
                for pk in dict.fromkeys(ids)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    existing = {
        g.partnership_id: g
        for g in Grant.objects.filter(grant_round=grant_round, partnership_id__in=ids)
    }
    new_grants, changed_grants = [], []
    for row in rows:
        c = row.cleaned
        grant = existing.get(row.match.pk)
        if grant is None:
            grant = Grant(
                partnership=row.match, grant_round=grant_round, created_by=user, created_at=now
            )
            new_grants.append(grant)
        else:
            changed_grants.append(grant)
        grant.year, grant.amount_sek_per_year, grant.duration_years = (
            c["year"],
            c["sek_per_year"],
            c["years"],
        )
        grant.updated_by, grant.updated_at = user, now
    bulk_create_with_history(new_grants, Grant, batch_size=BATCH, default_user=user)
    bulk_update_with_history(
        changed_grants,
        Grant,
        [
            "year",
            "amount_sek_per_year",
            "duration_years",
            "updated_by",
            "updated_at",
        ],
        batch_size=BATCH,
        default_user=user,
    )
    set_grant_roles(
        Grant.objects.filter(grant_round=grant_round, partnership_id__in=ids), roles, user=user
    )
    transaction.on_commit(bump_data_version)
    return len(rows)


BATCH = 1000


def _free_slug(taken, text, base_length=100):
    base = slugify(text)[:base_length] or "post"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _create_missing_participants(rows, user):
    """{org_key: Organisation} for every Swedish participant of the rows; municipalities
    from SCB's list that are new to the register are added (published: the official list
    is their source)."""
    scb, _counties = read_municipality_codes()
    found = {}
    missing = {}
    for row in rows:
        value = row.cleaned["swedish_participant"]
        if isinstance(value, Organisation):
            found[value.pk] = value
        else:
            missing.setdefault(org_key(value), value)
    if missing:
        taken = set(Organisation.objects.values_list("slug", flat=True))
        new = []
        for name in missing.values():
            ref = scb[name]
            new.append(
                Organisation(
                    slug=_free_slug(taken, name),
                    name_sv=name,
                    kind=OrganisationKind.MUNICIPALITY,
                    scb_code=ref["municipality_code"],
                    county_code=ref["county_code"],
                    county_name=ref["county_name"],
                    country_id="SE",
                    publication=Publication.PUBLISHED,
                    created_by=user,
                    updated_by=user,
                )
            )
        bulk_create_with_history(new, Organisation, batch_size=BATCH, default_user=user)
        by_code = {
            o.scb_code: o
            for o in Organisation.objects.filter(scb_code__in=[o.scb_code for o in new])
        }
        for key, name in missing.items():
            found[key] = by_code[scb[name]["municipality_code"]]
    return found


def _create_missing_partners(rows, user):
    """{(org_key, country): Organisation} for every partner local government of the rows;
    new ones are drafts until an editor has checked them."""
    found, missing = {}, {}
    for row in rows:
        value, country = row.cleaned["partner_government"], row.cleaned["country"].pk
        if value is None:
            continue
        if isinstance(value, Organisation):
            found[(value.pk, country)] = value
        else:
            missing.setdefault((org_key(value), country), value)
    if missing:
        taken = set(Organisation.objects.values_list("slug", flat=True))
        new = [
            Organisation(
                slug=_free_slug(taken, f"{name} {country}"),
                name_sv=name,
                kind=OrganisationKind.PARTNER_GOVERNMENT,
                country_id=country,
                publication=Publication.DRAFT,
                created_by=user,
                updated_by=user,
            )
            for (_key, country), name in missing.items()
        ]
        bulk_create_with_history(new, Organisation, batch_size=BATCH, default_user=user)
        by_slug = {o.slug: o for o in Organisation.objects.filter(slug__in=[o.slug for o in new])}
        for ((key, country), _name), made in zip(missing.items(), new, strict=True):
            found[(key, country)] = by_slug[made.slug]
    return found
