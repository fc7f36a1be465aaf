"""Writes of reported errors: a reader's report (after the limits the view checks)."""

from django.db import transaction

from corrections.models import ErrorReport


@transaction.atomic
def submit_report(record, page, language, form):
    """Stores a reader's report of an error in `record`; addresses past their retention
    time are erased on the way (besides the daily `erase_report_addresses`)."""
    ErrorReport.objects.expire_addresses()
    report = form.save(commit=False)
    report.record = record
    report.record_title = str(record)[:500]
    report.page = page[:500]
    report.language = language
    report.save()
    return report
