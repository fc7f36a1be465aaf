"""Reads of the log of corrections: only reports closed as corrected whose record is
public now (a record unpublished or deleted since takes its corrections with it)."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from corrections.history import described
from corrections.models import ErrorReport, public_queryset


@dataclass
class Correction:
    report: ErrorReport
    record: object
    changes: list  # (field, old, new) in the page's language


def public_corrections():
    """The queryset of the log, newest first (paginated by the page)."""
    reports = ErrorReport.objects.corrections()
    public = Q(pk__in=[])
    for type_id in reports.order_by().values_list("content_type", flat=True).distinct():
        records = public_queryset(ContentType.objects.get_for_id(type_id).model_class())
        if records is not None:
            public |= Q(content_type_id=type_id, object_id__in=records.values("pk"))
    return reports.filter(public)


def with_records(reports):
    """[Correction] for reports of the log: their records read once per kind."""
    reports = list(reports)
    wanted = {}
    for report in reports:
        wanted.setdefault(report.content_type_id, set()).add(report.object_id)
    records = {}
    for type_id, ids in wanted.items():
        found = public_queryset(ContentType.objects.get_for_id(type_id).model_class())
        for record in found.filter(pk__in=ids):
            records[type_id, record.pk] = record
    return [
        Correction(report, record, described(report.changes, type(record)))
        for report in reports
        if (record := records.get((report.content_type_id, report.object_id))) is not None
    ]


def corrections_of(record):
    """[Correction] of one public record, newest first."""
    return [
        Correction(report, record, described(report.changes, type(record)))
        for report in ErrorReport.objects.corrections().about(record)
    ]
