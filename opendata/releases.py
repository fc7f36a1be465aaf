"""Dated, immutable releases of everything public (issue: the archive of record).

`manage.py release --base-url https://…` writes a folder `releases/<YYYY-MM-DD>[-n]/`
through Django's storage API (STORAGES["releases"]; local files by default) holding:

- a Frictionless tabular data package: one CSV per table of published records and the
  reference data, with `datapackage.json` giving each table's schema, primary key and
  foreign keys, the licence and the publisher. The columns are the models' own fields
  (read from their metadata, so a new field is in the next release without a second
  description); who edited a record is left out (personal data), and so is every link to
  a record that is not public (a draft programme reads as empty, as on the pages);
- the 360Giving JSON, the IATI XML of projects and partnerships and the DCAT catalogue,
  rendered as the site serves them at that moment (opendata.wholefiles.render_as_served);
- `RELEASE.json`: the date, the counts per table and, per table, the ids added, changed
  and removed since the previous release (a digest of each row compared);
- `CITATION.cff` and `SHA256SUMS` (the checksum of every other file).

A release is never changed after it is written: the folder is written under a temporary
name and a name already taken is never reused."""

import csv
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import storages
from django.db import models
from django.utils import translation

from core.models import Publication
from opendata.wholefiles import render_as_served
from partnerships.models import (
    Grant,
    GrantParticipant,
    GrantRound,
    GrantRoundParticipant,
    Partnership,
    PartnershipParticipant,
)
from projects.models import Project, ProjectBudget, ProjectParticipant
from reference.models import (
    Country,
    FormerName,
    Goal,
    Organisation,
    Programme,
    ProgrammeParticipant,
    Source,
    Theme,
)

PERSONAL = {"created_by", "updated_by"}
CHUNK = 2000
PUBLISHED = Publication.PUBLISHED
# The language of the tables' titles and descriptions in datapackage.json.
LANGUAGE = "sv"


def tables():
    """[(table name, model, queryset)] in an order where every foreign key points to an
    earlier table."""
    partnerships = Partnership.objects.published()
    projects = Project.objects.published()
    organisations = Organisation.objects.published()
    programmes = Programme.objects.published()
    rounds = GrantRound.objects.filter(programme__publication=PUBLISHED)
    grants = Grant.objects.filter(partnership__in=partnerships)
    return [
        ("goals", Goal, Goal.objects.all()),
        ("countries", Country, Country.objects.all()),
        ("themes", Theme, Theme.objects.all()),
        ("organisations", Organisation, organisations),
        ("former_names", FormerName, FormerName.objects.filter(organisation__in=organisations)),
        ("sources", Source, Source.objects.all()),
        ("programmes", Programme, programmes),
        (
            "programme_participants",
            ProgrammeParticipant,
            ProgrammeParticipant.objects.filter(
                programme__in=programmes, organisation__in=organisations
            ),
        ),
        ("grant_rounds", GrantRound, rounds),
        (
            "grant_round_participants",
            GrantRoundParticipant,
            GrantRoundParticipant.objects.filter(
                grant_round__in=rounds, organisation__in=organisations
            ),
        ),
        ("projects", Project, projects),
        (
            "project_participants",
            ProjectParticipant,
            ProjectParticipant.objects.filter(project__in=projects, organisation__in=organisations),
        ),
        ("project_budgets", ProjectBudget, ProjectBudget.objects.filter(project__in=projects)),
        ("partnerships", Partnership, partnerships),
        (
            "partnership_participants",
            PartnershipParticipant,
            PartnershipParticipant.objects.filter(
                partnership__in=partnerships, organisation__in=organisations
            ),
        ),
        ("grants", Grant, grants),
        (
            "grant_participants",
            GrantParticipant,
            GrantParticipant.objects.filter(grant__in=grants, organisation__in=organisations),
        ),
    ]


def field_type(field):
    if isinstance(field, (models.AutoField, models.IntegerField)):
        return "integer"
    if isinstance(field, (models.DecimalField, models.FloatField)):
        return "number"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    return "string"


def model_of(table):
    return {n: m for n, m, _qs in tables()}[table]


def key_type(table):
    """The type of the table's primary key (countries are keyed by their code)."""
    return field_type(model_of(table)._meta.pk)


def columns(model, names):
    """[(column, field, referenced table or None)] of the model's own concrete fields."""
    table_of = {m: n for n, m, _qs in tables()}
    result = []
    for field in model._meta.concrete_fields:
        if field.name in PERSONAL or isinstance(field, models.FileField):
            continue
        if field.is_relation:
            target = table_of.get(field.related_model)
            if target is None or target not in names:
                continue
            result.append((field.attname, field, target))
        else:
            result.append((field.attname, field, None))
    return result


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Table:
    """A table of the releases and the full download, read from the models' metadata
    alone (no query): its columns [(column, field, referenced table or None)] and its
    Frictionless schema. A link table of a many-to-many field has `link`, that field,
    and columns whose field is the foreign key of its `through` model."""

    name: str
    model: type
    queryset: models.QuerySet | None
    columns: list
    schema: dict
    link: models.ManyToManyField | None = None

    @property
    def header(self):
        return [c for c, _f, _t in self.columns]


def reference(column, target):
    return {
        "fields": [column],
        "reference": {"resource": target, "fields": [model_of(target)._meta.pk.attname]},
    }


def field_descriptor(column, field, target):
    """The column's Frictionless field: its name, type, title (the field's verbose name)
    and, where the model gives one, description (its help text)."""
    descriptor = {
        "name": column,
        "type": key_type(target) if target else field_type(field),
        "title": str(field.verbose_name),
    }
    if field.help_text:
        descriptor["description"] = str(field.help_text)
    return descriptor


def layout():
    """[Table] of everything a release holds, in an order where every foreign key points
    to an earlier table (a link table follows the table of its many-to-many field)."""
    specs = tables()
    names = {name for name, _m, _qs in specs}
    table_of = {m: n for n, m, _qs in specs}
    result = []
    for name, model, queryset in specs:
        cols = columns(model, names)
        schema = {
            "fields": [field_descriptor(c, f, t) for c, f, t in cols],
            "primaryKey": [model._meta.pk.attname],
            "foreignKeys": [reference(c, t) for c, _f, t in cols if t],
        }
        result.append(Table(name, model, queryset, cols, schema))
        for field in model._meta.many_to_many:
            target = table_of.get(field.related_model)
            if target is None or target not in names:
                continue
            through = field.remote_field.through._meta
            own = through.get_field(field.m2m_field_name())
            other = through.get_field(field.m2m_reverse_field_name())
            link_cols = [(own.attname, own, name), (other.attname, other, target)]
            schema = {
                "fields": [{"name": c, "type": key_type(t)} for c, _f, t in link_cols],
                "primaryKey": [c for c, _f, _t in link_cols],
                "foreignKeys": [reference(c, t) for c, _f, t in link_cols],
            }
            result.append(Table(f"{name}_{field.name}", model, None, link_cols, schema, field))
    return result


def table_rows(queryset, cols, hidden):
    """The CSV cells of each row, read in chunks."""
    values = queryset.order_by("pk").values_list(*[c for c, _f, _t in cols])
    for row in values.iterator(chunk_size=CHUNK):
        cells = []
        for value, (_column, _field, target) in zip(row, cols, strict=True):
            if target is not None and value in hidden[target]:
                value = None  # a link to what is not public reads as empty
            cells.append(cell(value))
        yield cells


def link_rows(table, hidden):
    """The rows of a many-to-many link table whose both ends are public."""
    (own, _f, name), (other, _g, target) = table.columns
    through = table.link.remote_field.through
    pairs = through.objects.order_by(own, other).values_list(own, other)
    for a, b in pairs.iterator(chunk_size=CHUNK):
        if a not in hidden[name] and b not in hidden[target]:
            yield [cell(a), cell(b)]


def build_tables():
    """{table: (header, rows, schema)} of everything public; the rows are read lazily,
    once, as the CSV is written."""
    specs = layout()
    # What a link may not point to: the rows of each table that are not public. Drafts
    # are few where public rows are many, so the sets stay small.
    hidden = {
        t.name: set(
            t.model._base_manager.exclude(pk__in=t.queryset.values("pk")).values_list(
                "pk", flat=True
            )
        )
        for t in specs
        if not t.link
    }
    result = {}
    for table in specs:
        if table.link:
            rows = link_rows(table, hidden)
        else:
            rows = table_rows(table.queryset, table.columns, hidden)
        result[table.name] = (table.header, rows, table.schema)
    return result


def row_digest(row):
    """Eight bytes that tell one version of a row from another: a release of 100 000
    grants keeps one per row of a table while it writes it."""
    return hashlib.blake2b("\x1f".join(row).encode(), digest_size=8).digest()


def row_digests(header, rows, key):
    """{primary key: digest of the row}; `key` names the primary key's columns."""
    key_columns = [header.index(k) for k in key]
    return {",".join(row[i] for i in key_columns): row_digest(row) for row in rows}


def previous_digests(storage, previous, name, key):
    path = f"{previous}/{name}.csv"
    if not storage.exists(path):
        return None
    with storage.open(path, "rb") as handle:
        reader = csv.reader(io.TextIOWrapper(handle, encoding="utf-8"))
        header = next(reader)
        if not set(key) <= set(header):
            return None
        return row_digests(header, reader, key)


class Changes:
    """What changed in a table since the previous release, counted as its rows are
    written: only the previous release's digests are held, one table at a time, and
    none for a first release."""

    def __init__(self, before, key):
        self.before, self.key, self.rows = before, key, 0
        self.added, self.changed = [], []

    def row(self, key, row):
        self.rows += 1
        if self.before is None:
            return
        old = self.before.pop(key, None)
        if old is None:
            self.added.append(key)
        elif old != row_digest(row):
            self.changed.append(key)

    def summary(self):
        if self.before is None:
            return {"rows": self.rows, "added": self.rows, "changed": 0, "removed": 0}
        removed = sorted(self.before)
        ids = {"added": sorted(self.added), "changed": sorted(self.changed), "removed": removed}
        return {"rows": self.rows, **{k: len(v) for k, v in ids.items()}, "ids": ids}


def release_names(storage):
    """The releases written so far, oldest first."""
    try:
        folders, _files = storage.listdir("")
    except FileNotFoundError:
        return []
    return sorted(f for f in folders if f[:4].isdigit() and not f.endswith(".part"))


def new_name(storage, today):
    taken = set(storage.listdir("")[0]) if storage.exists("") else set()
    name, n = today.isoformat(), 1
    while name in taken or f"{name}.part" in taken:
        n += 1
        name = f"{today.isoformat()}-{n}"
    return name


def publisher():
    return Organisation.objects.published().filter(slug=settings.OPEN_DATA_PUBLISHER).first()


def package_descriptor(name, data, base_url, created=None):
    """datapackage.json of the tables `data` (build_tables()): a release's, `name` its
    version, or the full download's (no version; `created` the data's moment)."""
    org = publisher()
    version = {"version": name} if name else {}
    return {
        "profile": "tabular-data-package",
        "name": "internationella-samarbeten",
        "title": "Internationella samarbeten – registret (SKR, SALAR International, ICLD)",
        **version,
        "created": (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "homepage": base_url,
        "licenses": [{"name": "CC0-1.0", "path": settings.OPEN_DATA_LICENSE}],
        "contributors": [{"title": org.name_sv, "role": "publisher"}] if org else [],
        "resources": [
            {
                "name": table.replace("_", "-"),
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    **schema,
                    "foreignKeys": [
                        {
                            "fields": fk["fields"],
                            "reference": {
                                "resource": fk["reference"]["resource"].replace("_", "-"),
                                "fields": fk["reference"]["fields"],
                            },
                        }
                        for fk in schema["foreignKeys"]
                    ],
                },
            }
            for table, (_header, _rows, schema) in data.items()
        ],
    }


OPEN_DATA_FILES = {
    "360giving.json": "/partnerskap/bidrag.json",
    "iati-projekt.xml": "/projekt/iati.xml",
    "iati-partnerskap.xml": "/partnerskap/iati.xml",
    "dcat.rdf": "/oppna-data/katalog.rdf",
}


def citation(name, base_url):
    org = publisher()
    author = org.name_sv if org else settings.OPEN_DATA_PUBLISHER
    return (
        "cff-version: 1.2.0\n"
        'message: "Cite this release of the register as below."\n'
        'title: "Internationella samarbeten – registret"\n'
        f'version: "{name}"\n'
        f"date-released: {name[:10]}\n"
        f'url: "{base_url.rstrip("/")}/oppna-data/utgavor/{name}/"\n'
        "authors:\n"
        f'  - name: "{author}"\n'
        "license: CC0-1.0\n"
        "type: dataset\n"
    ).encode()


def write_table(handle, header, rows, changes=None):
    """Writes the CSV into the binary file `handle`, telling `changes` (Changes) of each
    row by its primary key."""
    key_columns = [header.index(k) for k in changes.key] if changes else []
    out = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if changes:
            changes.row(",".join(row[i] for i in key_columns), row)
    out.flush()
    out.detach()


def write_tables(open_file, data, before=None):
    """Writes every table of `data` (build_tables()) as `<table>.csv` into the binary file
    that `open_file(filename)` opens (a context manager); yields (table, Changes) as each
    is complete, where `before(table, key)` gives the previous release's digests (or
    None). Releases and the full download both write so."""
    for table, (header, rows, schema) in data.items():
        key = schema["primaryKey"]
        changes = Changes(before(table, key) if before else None, key)
        with open_file(f"{table}.csv") as handle:
            write_table(handle, header, rows, changes)
        yield table, changes


def write_full_download(out, base_url, created):
    """The full download of the current data: every table of a release as CSV with its
    datapackage.json, as a ZIP written into the binary file `out`. Every entry is dated
    `created` (the moment of the data version), so the same data gives the same bytes."""
    stamp = created.astimezone(UTC).timetuple()[:6]

    def entry(filename):
        info = zipfile.ZipInfo(filename, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    with translation.override(LANGUAGE), zipfile.ZipFile(out, "w") as archive:
        data = build_tables()
        for _table, _changes in write_tables(lambda f: archive.open(entry(f), "w"), data):
            pass
        descriptor = package_descriptor(None, data, base_url, created=created)
        archive.writestr(
            entry("datapackage.json"), json.dumps(descriptor, ensure_ascii=False, indent=1)
        )


def write_rendered(path, base_url, address):
    """Writes the file as the site serves it; returns None, or the reason it was not
    written where the site answers that it has no record for it (a 404: the standard
    allows no file without one, opendata.http.empty_selection)."""
    response = render_as_served(base_url.rstrip("/") + address)
    if response.status_code == 404:
        return f"no record to put in it ({address} answered 404)"
    if response.status_code != 200:
        raise RuntimeError(f"{address} answered {response.status_code}")
    with open(path, "wb") as out:
        for chunk in response.streaming_content if response.streaming else [response.content]:
            out.write(chunk)
    return None


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_release(base_url, today=None):
    """Writes a new release and returns its name. The files are written one at a time
    to a temporary folder (the rows streamed from the database), then saved through the
    storage, so memory does not grow with the number of records."""
    import tempfile

    storage = storages["releases"]
    today = today or date.today()
    name = new_name(storage, today)
    previous = (release_names(storage) or [None])[-1]
    with tempfile.TemporaryDirectory() as folder, translation.override(LANGUAGE):
        folder = Path(folder)
        data = build_tables()
        tables = {}
        before = None
        if previous:

            def before(table, key):
                return previous_digests(storage, previous, table, key)

        for table, changes in write_tables(lambda f: open(folder / f, "wb"), data, before):
            tables[table] = changes.summary()
        (folder / "datapackage.json").write_text(
            json.dumps(package_descriptor(name, data, base_url), ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        not_written = {}
        for filename, address in OPEN_DATA_FILES.items():
            reason = write_rendered(folder / filename, base_url, address)
            if reason:
                not_written[filename] = reason
        notes = {"release": name, "previous": previous, "tables": tables}
        if not_written:
            notes["not_written"] = not_written
        (folder / "RELEASE.json").write_text(
            json.dumps(notes, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        (folder / "CITATION.cff").write_bytes(citation(name, base_url))
        filenames = sorted(p.name for p in folder.iterdir())
        (folder / "SHA256SUMS").write_text(
            "".join(f"{sha256_of(folder / f)}  {f}\n" for f in filenames), encoding="utf-8"
        )
        # Written under a temporary name, then each file moved: a reader never sees a
        # release folder without its checksums, and a failed run leaves only the .part.
        filenames.append("SHA256SUMS")
        for filename in filenames:
            with open(folder / filename, "rb") as handle:
                storage.save(f"{name}.part/{filename}", File(handle))
    for filename in filenames:
        with storage.open(f"{name}.part/{filename}", "rb") as handle:
            storage.save(f"{name}/{filename}", handle)
        storage.delete(f"{name}.part/{filename}")
    try:
        os.rmdir(storage.path(f"{name}.part"))
    except (NotImplementedError, OSError):
        pass  # storage without folders (S3) or already gone
    return name


def release_list():
    """[{name, size, checksum (SHA-256 of its SHA256SUMS), sums, files, package_size}]
    newest first."""
    storage = storages["releases"]
    result = []
    for name in reversed(release_names(storage)):
        _dirs, filenames = storage.listdir(name)
        if "SHA256SUMS" not in filenames:
            continue
        with storage.open(f"{name}/SHA256SUMS", "rb") as handle:
            sums = handle.read()
        result.append(
            {
                "name": name,
                "files": sorted(filenames),
                "size": sum(storage.size(f"{name}/{f}") for f in filenames),
                "checksum": hashlib.sha256(sums).hexdigest(),
                # {file: SHA-256} as SHA256SUMS lists them
                "sums": dict(
                    reversed(line.split("  ", 1)) for line in sums.decode().splitlines() if line
                ),
                "package_size": storage.size(f"{name}/datapackage.json"),
            }
        )
    return result


def type_label(type_name):
    """A column type of datapackage.json in words, in the active language."""
    from django.utils.translation import gettext as _

    return {
        "integer": _("integer"),
        "number": _("decimal number"),
        "boolean": _("true or false"),
        "datetime": _("date and time (UTC)"),
        "date": _("date"),
        "string": _("text"),
    }[type_name]


def dictionary():
    """The data dictionary in the active language: [{name, title, key, columns: [{name,
    type, title, description, values, target}]}] of every table in layout(), each column
    described as datapackage.json describes it (the field's verbose name and help text;
    the values of a field with choices; the table a key refers to)."""
    result = []
    for table in layout():
        model = table.model
        if table.link:
            title = f"{model._meta.verbose_name_plural} – {table.link.verbose_name}"
        else:
            title = str(model._meta.verbose_name_plural)
        types = {f["name"]: f["type"] for f in table.schema["fields"]}
        cols = []
        for column, field, target in table.columns:
            if table.link:
                label = model_of(target)._meta.verbose_name
            else:
                label = field.verbose_name
            cols.append(
                {
                    "name": column,
                    "type": type_label(types[column]),
                    "title": str(label),
                    "description": "" if table.link else str(field.help_text),
                    "values": [(value, str(text)) for value, text in field.flatchoices]
                    if field.choices and not target
                    else [],
                    "target": target,
                }
            )
        result.append(
            {
                "name": table.name,
                "title": title[:1].upper() + title[1:],
                "key": table.schema["primaryKey"],
                "columns": cols,
            }
        )
    return result
