"""Errors readers report in a public record, and the corrections that came of them.

A report belongs to one record (any model whose default queryset says what is public:
`published()`, or `public()` for grant rounds), is read only by staff in the admin and
carries the reader's e-mail address only until it is closed or ERROR_REPORT_EMAIL_DAYS
have passed (personal data: README, "Report an error"). A report closed as corrected
keeps what changed in the record between the report and its closing, read from the
record's history (django-simple-history), and the editor's explanation: that is the
public log of corrections."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cache import bump_data_version

DESCRIPTION_MAX = 4000
SOURCE_MAX = 1000


def public_queryset(model):
    """The records of `model` every reader may see, or None for a model that takes no
    reports (reference data such as countries and goals)."""
    if not hasattr(model, "history"):
        return None
    records = model._default_manager.all()
    for method in ("published", "public"):
        if hasattr(records, method):
            return getattr(records, method)()
    return None


class Status(models.TextChoices):
    NEW = "new", _("new")
    IN_PROGRESS = "in_progress", _("in progress")
    CORRECTED = "corrected", _("corrected")
    REJECTED = "rejected", _("rejected")


CLOSED = (Status.CORRECTED, Status.REJECTED)


class ErrorReportQuerySet(models.QuerySet):
    def corrections(self):
        """Reports closed as corrected, newest first: the log's entries (their records'
        publication is checked by the log, corrections.selectors)."""
        return self.filter(status=Status.CORRECTED).order_by("-closed_at", "-pk")

    def about(self, record):
        # Joined by name rather than looked up first: one query whether or not the content
        # type is cached yet.
        opts = record._meta.concrete_model._meta
        return self.filter(
            content_type__app_label=opts.app_label,
            content_type__model=opts.model_name,
            object_id=record.pk,
        )

    def expire_addresses(self):
        """Erases the e-mail addresses of reports older than ERROR_REPORT_EMAIL_DAYS."""
        limit = timezone.now() - timedelta(days=settings.ERROR_REPORT_EMAIL_DAYS)
        return self.filter(created_at__lt=limit).exclude(email="").update(email="")


class ErrorReport(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    record_title = models.CharField(_("record"), max_length=500)
    page = models.CharField(_("page"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    description = models.TextField(_("what is wrong"), max_length=DESCRIPTION_MAX)
    source = models.TextField(
        _("source"),
        max_length=SOURCE_MAX,
        blank=True,
        help_text=_("Where the right information is stated: a document, a page, a decision."),
    )
    email = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_(
            "Only for questions about the report. Never shown publicly; erased when the "
            "report is closed."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    explanation_sv = models.TextField(
        _("explanation (Swedish)"),
        blank=True,
        help_text=_(
            "Shown publicly in the log of corrections when the report is closed as corrected. "
            "Required to close a report."
        ),
    )
    explanation_en = models.TextField(
        _("explanation (English)"),
        blank=True,
        help_text=_("Shown on the English pages. Leave empty and the Swedish text is shown."),
    )
    changes = models.JSONField(
        _("changes"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("What changed in the record between the report and its closing."),
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("reported error")
        verbose_name_plural = _("reported errors")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]

    def __str__(self):
        return f"{self.record_title} ({self.get_status_display()})"

    @property
    def is_closed(self):
        return self.status in CLOSED

    def clean(self):
        if self.is_closed and not self.explanation_sv.strip():
            raise ValidationError(
                {"explanation_sv": _("Say why the report is closed: readers see it in the log.")}
            )

    def save(self, *args, **kwargs):
        before = (
            ErrorReport.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if self.pk
            else None
        )
        if self.is_closed:
            self.email = ""  # personal data is kept only while the report is open
        if self.status != before:
            # Closed now, or reopened: the closing and what it changed say what it is now.
            self.closed_at = timezone.now() if self.is_closed else None
            self.changes = []
            if self.status == Status.CORRECTED and self.record is not None:
                from corrections.history import changes_since

                self.changes = changes_since(self.record, self.created_at or self.closed_at)
        super().save(*args, **kwargs)
        if Status.CORRECTED in (self.status, before):
            # The log is on public pages, which are cached per data version.
            transaction.on_commit(bump_data_version)


@receiver(post_delete, sender=ErrorReport)
def _correction_deleted(sender, instance, **kwargs):
    if instance.status == Status.CORRECTED:
        transaction.on_commit(bump_data_version)
