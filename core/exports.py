"""CSV exports: one definition of the columns per dataset, streamed row by row.

A dataset is a list of Column(header, value) where value(obj) reads a model instance that
the queryset has already joined or prefetched, so no row costs a query. Rows are read
with `.iterator(chunk_size)`: many-to-many values are prefetched once per chunk."""

import csv
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.utils import timezone

logger = logging.getLogger("register.export")

EXPORT_PERMISSION = "core.export_data"
MANY_SEPARATOR = "; "
CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


def neutralise(value):
    """OWASP's rule for CSV injection: a text cell that a spreadsheet would run as a
    formula gets a leading apostrophe. Numbers are left as numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def joined(values):
    return MANY_SEPARATOR.join(str(v) for v in values)


class Echo:
    def write(self, value):
        return value


FORMATS = {
    # name: (delimiter, decimal separator)
    "csv": (",", "."),
    "excel": (";", ","),
}


def csv_rows(queryset, columns, delimiter=",", decimal=".", log_context=None):
    """Yields encoded CSV lines: a BOM, the header, then one line per record."""
    writer = csv.writer(Echo(), delimiter=delimiter, lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([c.header for c in columns])
    count = 0
    try:
        for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
            cells = [neutralise(c.value(obj)) for c in columns]
            if decimal != ".":
                cells = [str(v).replace(".", decimal) if isinstance(v, float) else v for v in cells]
            yield writer.writerow(cells)
            count += 1
    finally:
        if log_context is not None:
            logger.info("export %s rows=%d", log_context, count)


def export_filename(stem, suffix=""):
    return f"{stem}{suffix}-{timezone.localdate().isoformat()}.csv"


def csv_response(queryset, columns, filename, export_format="csv", log_context=None):
    delimiter, decimal = FORMATS.get(export_format, FORMATS["csv"])
    rows = csv_rows(queryset, columns, delimiter, decimal, log_context)
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in rows), content_type="text/csv; charset=utf-8"
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


def public_url(request, obj):
    return request.build_absolute_uri(obj.get_absolute_url()) if request else obj.get_absolute_url()
