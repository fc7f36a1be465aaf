"""CSV exports: one definition of the columns per dataset, streamed.

A dataset is a list of Column(header, source, kind): `source` is a field lookup or the
name of an annotation the dataset adds (many-to-many values are joined in the database by
a correlated subquery with STRING_AGG / GROUP_CONCAT). The rows are read as plain tuples
with `values_list(...).iterator()`, so no model objects are built and no row costs a
query. On PostgreSQL the same query is streamed with `COPY (…) TO STDOUT`, with the
formula neutralisation done in SQL; elsewhere Python writes the rows."""

import csv
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection
from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger("register.export")

EXPORT_PERMISSION = "core.export_data"
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


@dataclass
class Dataset:
    columns: list
    annotations: dict = field(default_factory=dict)

    def values(self, queryset):
        return queryset.annotate(**self.annotations).values_list(*[c.source for c in self.columns])


def neutralise(value):
    """OWASP's rule for CSV injection: a text cell that a spreadsheet would run as a
    formula gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def joined(through, source_fk, target, order=None):
    """The values of a many-to-many relation joined into one cell, as a subquery."""
    extra = {"order_by": order} if order and connection.vendor == "postgresql" else {}
    rows = through.objects.filter(**{source_fk: OuterRef("pk")}).order_by().values(source_fk)
    return Subquery(
        rows.annotate(joined=StringAgg(target, Value(MANY_SEPARATOR), **extra)).values("joined"),
        output_field=CharField(),
    )


def as_text(expression):
    return Cast(expression, CharField())


def url_parts(request, url_name):
    marker = "SLUG-MARKER"
    path = reverse(url_name, args=[marker])
    prefix, suffix = path.split(marker)
    if request is not None:
        prefix = request.build_absolute_uri(prefix)
    return prefix, suffix


def converters(dataset, request):
    result = []
    for column in dataset.columns:
        if column.kind == "url":
            prefix, suffix = url_parts(request, column.url_name)
            result.append(lambda v, p=prefix, s=suffix: f"{p}{v}{s}")
        elif column.kind == "number":
            result.append(lambda v: "" if v is None else v)
        elif column.kind == "date":
            result.append(lambda v: v.isoformat() if v else "")
        elif column.kind == "datetime":
            result.append(
                lambda v: v.astimezone(timezone.UTC).isoformat(timespec="seconds") if v else ""
            )
        else:
            result.append(neutralise)
    return result


class Echo:
    def write(self, value):
        return value


def python_rows(values, dataset, request, delimiter):
    writer = csv.writer(Echo(), delimiter=delimiter, lineterminator="\n")
    convert = converters(dataset, request)
    pairs = list(enumerate(convert))
    for row in values.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow([fn(row[i]) for i, fn in pairs]).encode("utf-8")


def copy_rows(values, dataset, request, delimiter):
    """PostgreSQL: COPY (the same query, wrapped so each text cell is neutralised) TO STDOUT."""
    from psycopg import ClientCursor, sql

    try:
        inner, params = values.query.sql_with_params()
    except EmptyResultSet:  # a queryset.none(), for example after invalid filters
        return
    connection.ensure_connection()
    raw = connection.connection
    inner_sql = ClientCursor(raw).mogrify(inner, params)
    names = [f"c{i}" for i in range(len(dataset.columns))]
    outer = []
    for name, column in zip(names, dataset.columns, strict=True):
        ident = sql.Identifier(name)
        if column.kind == "url":
            prefix, suffix = url_parts(request, column.url_name)
            outer.append(
                sql.SQL("{} || {} || {}").format(sql.Literal(prefix), ident, sql.Literal(suffix))
            )
        elif column.kind == "number":
            outer.append(ident)
        elif column.kind == "date":
            outer.append(sql.SQL("{}::text").format(ident))
        elif column.kind == "datetime":
            outer.append(
                sql.SQL(
                    """to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""
                ).format(ident)
            )
        else:
            outer.append(
                sql.SQL(
                    "CASE WHEN left({0}::text, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
                    "THEN '''' || {0}::text ELSE {0}::text END"
                ).format(ident)
            )
    statement = sql.SQL(
        "COPY (SELECT {} FROM ({}) AS t({})) TO STDOUT WITH (FORMAT csv, DELIMITER {})"
    ).format(
        sql.SQL(", ").join(outer),
        sql.SQL(inner_sql),
        sql.SQL(", ").join(sql.Identifier(n) for n in names),
        sql.Literal(delimiter),
    )
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for block in copy:
            yield bytes(block)


def csv_stream(queryset, dataset, request, delimiter=",", log_context=None):
    """A BOM and the header, then the rows; logs who exported what and how many rows."""
    header = csv.writer(Echo(), delimiter=delimiter, lineterminator="\n").writerow(
        [c.header for c in dataset.columns]
    )
    yield ("\ufeff" + header).encode("utf-8")
    values = dataset.values(queryset)
    rows = (
        copy_rows if connection.vendor == "postgresql" and settings.EXPORT_USE_COPY else python_rows
    )
    count = 0
    try:
        for chunk in rows(values, dataset, request, delimiter):
            count += chunk.count(b"\n")
            yield chunk
    finally:
        if log_context is not None:
            # Lines, which is rows unless a cell holds a line break.
            logger.info("export %s rows=%d", log_context, count)


def export_filename(stem, suffix=""):
    return f"{stem}{suffix}-{timezone.localdate().isoformat()}.csv"


def csv_response(queryset, dataset, filename, request=None, export_format="csv", log_context=None):
    delimiter = FORMATS.get(export_format, ",")
    response = StreamingHttpResponse(
        csv_stream(queryset, dataset, request, delimiter, log_context),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def check_export_permission(request):
    """Anonymous users are sent to log in; logged-in users without the permission get 403.
    Returns a response to send, or None when the user may export."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    return None
