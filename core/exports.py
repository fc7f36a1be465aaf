"""CSV exports: one definition of the columns per dataset, streamed.

A dataset is a list of Column(header, source, kind): `source` is a field lookup or the
name of an annotation the dataset adds (many-to-many values are joined in the database by
a correlated subquery with STRING_AGG / GROUP_CONCAT). The rows are read as plain tuples
with `values_list(...).iterator()`, so no model objects are built and no row costs a
query. On PostgreSQL the same query is streamed with `COPY (…) TO STDOUT`, with the
formula neutralisation done in SQL; elsewhere Python writes the rows. Rows made in Python
(the 360Giving CSV, opendata.giving360) are written the same way by cells_response."""

import csv
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection
from django.db.models import Case, CharField, F, OuterRef, StringAgg, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from core.text import page_language

logger = logging.getLogger("register.export")

EXPORT_PERMISSION = "reference.export_data"
MANY_SEPARATOR = "; "
CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"csv": ",", "excel": ";"}


@dataclass(frozen=True)
class Column:
    header: str
    source: str
    kind: str = "text"  # text | number | url | date | datetime
    url_name: str = ""  # for kind="url": the named URL that takes the slug in `source`


@dataclass(frozen=True)
class Joined:
    """The values of a many-to-many relation joined into one cell: the `through` rows
    whose `key` equals the row's `outer` field, `target` of each, joined by MANY_SEPARATOR."""

    through: object
    key: str
    target: object
    outer: str = "pk"
    order: str = ""
    lookups: tuple = ()

    def aggregate(self):
        extra = {"order_by": self.order} if self.order and connection.vendor == "postgresql" else {}
        return StringAgg(self.target, Value(MANY_SEPARATOR), **extra)

    def rows(self):
        return self.through.objects.filter(**dict(self.lookups)).order_by().values(self.key)

    def subquery(self):
        """Per row (every database): a correlated subquery."""
        rows = self.rows().filter(**{self.key: OuterRef(self.outer)})
        return Subquery(
            rows.annotate(joined=self.aggregate()).values("joined"), output_field=CharField()
        )

    def same_rows(self):
        """What makes two Joined cells aggregates of the same link rows (participants'
        names and codes): they are grouped in one derived table."""
        return (self.through, self.key, self.outer, self.order, self.lookups)


def grouped(joins, selected):
    """For COPY on PostgreSQL: the cells of `joins` (Joined of the same link rows) for
    every key in `selected` (SQL of a column of keys) at once, as one derived table
    grouped over those keys only: (key, cell, cell …)."""
    first = joins[0]
    rows = first.rows().filter(**{f"{first.key}__in": RawSQL(selected, ())})
    names = [f"a{i}" for i in range(len(joins))]
    rows = rows.annotate(**{name: j.aggregate() for name, j in zip(names, joins, strict=True)})
    return rows.values_list(first.key, *names)


@dataclass
class Dataset:
    columns: list
    annotations: dict = field(default_factory=dict)

    def values(self, queryset):
        # One annotation at a time, so that a later one may use an earlier one.
        for name, value in self.annotations.items():
            queryset = queryset.annotate(
                **{name: value.subquery() if isinstance(value, Joined) else value}
            )
        return queryset.values_list(*[c.source for c in self.columns])


def neutralise(value):
    """OWASP's rule for CSV injection: a text cell that a spreadsheet would run as a
    formula gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def joined(through, key, target, order="", outer="pk", **lookups):
    return Joined(through, key, target, outer, order, tuple(sorted(lookups.items())))


def as_text(expression):
    return Cast(expression, CharField())


def url_parts(request, url_name):
    marker = "SLUG-MARKER"
    path = reverse(url_name, args=[marker])
    prefix, suffix = path.split(marker)
    if request is not None:
        prefix = request.build_absolute_uri(prefix)
    return prefix, suffix


def text_sql(ref):
    """neutralise() in SQL; an empty text is written empty, as NULL is (COPY would quote
    it to tell it from NULL)."""
    return (
        f"NULLIF(CASE WHEN left({ref}::text, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
        f"THEN chr(39) || {ref}::text ELSE {ref}::text END, '')"
    )


def url_cell(column, request):
    prefix, suffix = url_parts(request, column.url_name)
    return (
        lambda v: f"{prefix}{v}{suffix}",
        lambda ref, literal: f"{literal(prefix)} || {ref} || {literal(suffix)}",
    )


# How each kind of cell is written, once for both paths: (the Python function of a value,
# for SQLite and EXPORT_USE_COPY=0; the SQL of a column reference, for COPY on PostgreSQL).
# Both give the same bytes (tests/test_export.py compares them on every export).
CELLS = {
    "text": lambda column, request: (neutralise, lambda ref, literal: text_sql(ref)),
    "number": lambda column, request: (
        lambda v: "" if v is None else v,
        lambda ref, literal: ref,
    ),
    "date": lambda column, request: (
        lambda v: v.isoformat() if v else "",
        lambda ref, literal: f"{ref}::text",
    ),
    "datetime": lambda column, request: (
        lambda v: v.astimezone(timezone.UTC).isoformat(timespec="seconds") if v else "",
        lambda ref, literal: (
            f"""to_char({ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""
        ),
    ),
    "url": url_cell,
}


def cell_rules(dataset, request):
    """[(python, sql)] for the dataset's columns, in order."""
    return [CELLS[column.kind](column, request) for column in dataset.columns]


class Echo:
    def write(self, value):
        return value


class LineWriter:
    """Formats one CSV record a call, ended by "\n" as COPY ends them. Every field that
    holds a carriage return or a line feed is quoted, so no text splits a record: the csv
    module quotes a field for the characters of its line terminator (before 3.12.3, only
    for those), so it is given "\r\n" and each record's "\r\n" becomes "\n"."""

    def __init__(self, delimiter):
        self.writer = csv.writer(
            Echo(), delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
        )

    def line(self, cells):
        return self.writer.writerow(cells)[:-2] + "\n"


PIECE_SIZE = 1 << 16


def pieces(texts, size=PIECE_SIZE):
    """The texts joined into UTF-8 pieces of about `size` characters: a streamed file
    leaves in a few large writes rather than one per record."""
    pending, length = [], 0
    for text in texts:
        pending.append(text)
        length += len(text)
        if length >= size:
            yield "".join(pending).encode()
            pending, length = [], 0
    if pending:
        yield "".join(pending).encode()


class Tally:
    """How many records an export wrote (a cell may span lines, so lines don't tell)."""

    rows = 0


def python_rows(values, dataset, request, delimiter, tally=None):
    writer = LineWriter(delimiter)
    pairs = [(i, python) for i, (python, _sql) in enumerate(cell_rules(dataset, request))]
    tally = tally or Tally()

    def lines():
        for row in values.iterator(chunk_size=CHUNK_SIZE):
            tally.rows += 1
            yield writer.line([fn(row[i]) for i, fn in pairs])

    yield from pieces(lines())


def copy_rows(queryset, dataset, request, delimiter, tally=None):
    """PostgreSQL: COPY (the same rows) TO STDOUT. The selected rows are read once into a
    CTE; many-to-many cells come from derived tables grouped once over the selected keys
    only and joined, not from a subquery per row (10 times faster), one table for the
    cells of the same link rows; every text cell is neutralised in SQL. The statement
    runs with EXPORT_WORK_MEM, so that its sorts and hashes stay in memory."""
    from psycopg import ClientCursor, sql

    plain = {k: v for k, v in dataset.annotations.items() if not isinstance(v, Joined)}
    joins = {k: v for k, v in dataset.annotations.items() if isinstance(v, Joined)}
    base_sources = [c.source for c in dataset.columns if c.source not in joins]
    keys = sorted({j.outer for j in joins.values()})
    for name, value in plain.items():
        queryset = queryset.annotate(**{name: value})
    values = queryset.values_list(*base_sources, *keys)
    base_names = [f"c{i}" for i in range(len(base_sources))]
    key_names = {key: f"k{i}" for i, key in enumerate(keys)}
    # One derived table per set of link rows: the participants' names and codes are two
    # aggregates of one grouping, not two groupings of the same rows.
    sets = {}
    for name, j in joins.items():
        sets.setdefault(j.same_rows(), []).append(name)
    tables = list(sets.values())
    try:
        inner, params = values.query.sql_with_params()
        derived = [
            grouped(
                [joins[n] for n in names],
                f"SELECT {key_names[joins[names[0]].outer]} FROM export_rows",
            ).query.sql_with_params()
            for names in tables
        ]
    except EmptyResultSet:  # a queryset.none(), for example after invalid filters
        return
    connection.ensure_connection()
    raw = connection.connection
    mogrify = ClientCursor(raw).mogrify
    # Each joined cell: (its table's alias, its column in that table).
    alias = {
        name: (f"j{t}", f"a{i}") for t, names in enumerate(tables) for i, name in enumerate(names)
    }

    def literal(value):
        return sql.Literal(value).as_string(raw)

    cells, position = [], 0
    for column, (_python, cell_sql) in zip(
        dataset.columns, cell_rules(dataset, request), strict=True
    ):
        if column.source in joins:
            ref = sql.SQL("{}.{}").format(*map(sql.Identifier, alias[column.source]))
        else:
            ref = sql.SQL("t.{}").format(sql.Identifier(base_names[position]))
            position += 1
        cells.append(sql.SQL(cell_sql(ref.as_string(raw), literal)))
    join_sql = [
        sql.SQL("LEFT JOIN ({}) AS {a}(key, {cells}) ON {a}.key = t.{k}").format(
            sql.SQL(mogrify(*derived[t])),
            a=sql.Identifier(f"j{t}"),
            cells=sql.SQL(", ").join(sql.Identifier(f"a{i}") for i in range(len(names))),
            k=sql.Identifier(key_names[joins[names[0]].outer]),
        )
        for t, names in enumerate(tables)
    ]
    names = [*base_names, *key_names.values()]
    statement = sql.SQL(
        "COPY (WITH export_rows AS MATERIALIZED (SELECT q.*, row_number() OVER () AS rn "
        "FROM ({inner}) AS q({names})) SELECT {cells} FROM export_rows AS t {joins} "
        "ORDER BY t.rn) "
        "TO STDOUT WITH (FORMAT csv, DELIMITER {d})"
    ).format(
        cells=sql.SQL(", ").join(cells),
        inner=sql.SQL(mogrify(inner, params)),
        names=sql.SQL(", ").join(sql.Identifier(n) for n in names),
        joins=sql.SQL(" ").join(join_sql),
        d=sql.Literal(delimiter),
    )
    with raw.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, false)", (settings.EXPORT_WORK_MEM,))
        try:
            with cursor.copy(statement) as copy:
                for block in copy:
                    yield bytes(block)
            if tally is not None:
                tally.rows = max(cursor.rowcount, 0)  # PostgreSQL reports "COPY <rows>"
        finally:
            cursor.execute("RESET work_mem")


def framed(header, chunks, delimiter, tally, log_context=None):
    """A BOM and the header, then the rows; logs who exported what and how many rows."""
    yield ("\ufeff" + LineWriter(delimiter).line(header)).encode("utf-8")
    try:
        yield from chunks
    finally:
        if log_context is not None:
            logger.info("export %s rows=%d", log_context, tally.rows)


def csv_stream(queryset, dataset, request, delimiter=",", log_context=None):
    """A dataset's rows, read in SQL."""
    tally = Tally()
    if connection.vendor == "postgresql" and settings.EXPORT_USE_COPY:
        chunks = copy_rows(queryset, dataset, request, delimiter, tally)
    else:
        chunks = python_rows(dataset.values(queryset), dataset, request, delimiter, tally)
    return framed([c.header for c in dataset.columns], chunks, delimiter, tally, log_context)


def cell(value):
    """A cell made in Python: numbers as they are, text neutralised."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return neutralise(value)


def cells_stream(header, rows, delimiter=",", log_context=None):
    """Rows made in Python (an iterable of lists of values, read as it is written) as the
    same CSV as a dataset's."""
    tally = Tally()

    def lines():
        writer = LineWriter(delimiter)
        for row in rows:
            tally.rows += 1
            yield writer.line([cell(v) for v in row])

    return framed(header, pieces(lines()), delimiter, tally, log_context)


def export_filename(stem, suffix=""):
    return f"{stem}{suffix}-{timezone.localdate().isoformat()}.csv"


def attachment(stream, filename):
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(queryset, dataset, filename, request=None, export_format="csv", log_context=None):
    delimiter = FORMATS.get(export_format, ",")
    return attachment(csv_stream(queryset, dataset, request, delimiter, log_context), filename)


def cells_response(header, rows, filename, export_format="csv", log_context=None):
    """Like csv_response, for rows made in Python (cells_stream)."""
    delimiter = FORMATS.get(export_format, ",")
    return attachment(cells_stream(header, rows, delimiter, log_context), filename)


def check_export_permission(request):
    """Anonymous users are sent to log in; logged-in users without the permission get 403.
    Returns a response to send, or None when the user may export."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    return None


def lang():
    return page_language()


def choice_label(field, choices):
    """The label of a choice in the active language, computed in the database."""
    return Case(
        *[When(**{field: k}, then=Value(str(label))) for k, label in choices], default=Value("")
    )


def goal_code(prefix=""):
    """SDGs as their number, Millennium goals as MDG1…MDG8."""
    return Case(
        When(
            **{f"{prefix}goal__framework": "mdg"},
            then=Concat(Value("MDG"), as_text(F(f"{prefix}goal__number"))),
        ),
        default=as_text(F(f"{prefix}goal__number")),
    )


def first_filled(*sources):
    """The first of the fields (or expressions) that is neither empty nor NULL."""
    parts = [NullIf(F(s), Value("")) if isinstance(s, str) else s for s in sources]
    return Coalesce(*parts, output_field=CharField())


def localized_field(name, prefix=""):
    """The English text where there is one on English exports, else the Swedish."""
    if lang() == "en":
        return first_filled(f"{prefix}{name}_en", f"{prefix}{name}_sv")
    return F(f"{prefix}{name}_sv")
