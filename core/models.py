"""Shared building blocks, the bottom layer: the audit and publication fields every
record carries, bilingual text, and dates with their precision and the status they imply.
No concrete models live here and nothing here imports another app of the project."""

import calendar
import posixpath
from datetime import date
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.images import cleaned_original, delete_files, make_renditions, validate_lead_image
from core.text import page_language
from core.xmltext import validate_xml_text

# Help texts shared by the fields of several models (plain Swedish in the admin).
SLUG_HELP = _(
    "The last part of the page's address, made from the name. Change it only before the "
    "record is published: links that others have shared use it."
)
SOURCES_HELP = _("The documents that state the facts of this record; listed on its page.")
STATUS_SOURCE_HELP = _("The document that states the status above, so the page can say when.")
NAME_EN_HELP = _("Shown on the English pages. Leave empty and the Swedish name is shown.")
MARKDOWN_HELP = _(
    "Formatting (Markdown): an empty line between paragraphs, ## before a subheading, - "
    "before each item of a list, **bold**, *italics*, [text](https://…) for a link. The "
    "preview below shows the saved text."
)


def with_markdown_help(text):
    """A field's help text followed by how to format it."""
    return format_lazy("{} {}", text, MARKDOWN_HELP)


def localized(obj, field):
    """The field in the active language, falling back to Swedish when the English is empty."""
    return localized_with_language(obj, field)[0]


def localized_with_language(obj, field):
    """(text, language of the text): English on English pages where there is English,
    Swedish otherwise."""
    if page_language() == "en":
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value, "en"
    return getattr(obj, f"{field}_sv", ""), "sv"


def localized_html(obj, field):
    """The localized text, escaped; Swedish text on an English page is marked lang="sv"
    so that screen readers pronounce it right (WCAG 3.1.2)."""
    text, language = localized_with_language(obj, field)
    if language == "sv" and not _swedish():
        return format_html('<span lang="sv">{}</span>', text)
    return format_html("{}", text)


def fallback_lang(obj, field):
    """(the localized text, the attribute to put on its own element): ' lang="sv"' when
    the text is a Swedish fallback on an English page, else "" (the block form of
    localized_html, for a paragraph)."""
    text, language = localized_with_language(obj, field)
    return text, mark_safe(' lang="sv"') if language != page_language() else ""


class SaveRulesModel(models.Model):
    """A model whose save() first applies rules to the instance (`prepare_to_save`, which
    each base extends); the bulk writes of its QuerySet apply them too (SaveRulesQuerySet),
    as bulk_create() and bulk_update() call no save()."""

    class Meta:
        abstract = True

    def prepare_to_save(self):
        """What save() does to the instance before it is written."""

    def save(self, *args, **kwargs):
        self.prepare_to_save()
        super().save(*args, **kwargs)


class SaveRulesQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.prepare_to_save()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        """Writes only `fields`, as Django's does: a rule's change to another field stays
        in memory."""
        objs = list(objs)
        for obj in objs:
            obj.prepare_to_save()
        return super().bulk_update(objs, fields, *args, **kwargs)


class AuditedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        """Django's checks of each field, and no text that XML cannot carry (core.xmltext):
        every form of a register record refuses it."""
        errors = {}
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.name not in (
                exclude or ()
            ):
                try:
                    validate_xml_text(field.value_from_object(self))
                except ValidationError as error:
                    errors[field.name] = error.error_list
        try:
            super().clean_fields(exclude={*(exclude or ()), *errors})
        except ValidationError as error:
            errors.update(error.error_dict)
        if errors:
            raise ValidationError(errors)


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


def published_at(path):
    """The lookup that the record at the end of `path` is published, for filter(**…) and
    exclude(**…) through a relation: `.published()` says it of a queryset's own records,
    this of related ones (the two places that say "public")."""
    return {f"{path}__publication": Publication.PUBLISHED}


class PublishableQuerySet(SaveRulesQuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def not_published(self):
        """Drafts and unpublished records: what no public page shows."""
        return self.exclude(publication=Publication.PUBLISHED)

    def visible_to(self, user):
        """Published records; drafts too for users who may view them in the admin (previews)."""
        opts = self.model._meta
        if user.is_authenticated and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return self.all()
        return self.published()

    def _set_publication(self, state, user):
        # Saved one by one, not with update(), so that each change enters the history.
        count = 0
        for obj in self.exclude(publication=state):
            obj.publication = state
            obj.updated_by = user
            obj.save()
            count += 1
        return count

    def publish(self, user=None):
        return self._set_publication(Publication.PUBLISHED, user)

    def unpublish(self, user=None):
        return self.published()._set_publication(Publication.UNPUBLISHED, user)


class PublishableModel(AuditedModel, SaveRulesModel):
    publication = models.CharField(
        _("publication state"),
        max_length=12,
        choices=Publication.choices,
        default=Publication.DRAFT,
        db_index=True,
        help_text=_(
            "Drafts are seen only in the admin. Published records are on the public site "
            "at once; unpublished ones are taken off it."
        ),
    )
    published_at = models.DateTimeField(
        _("first published at"),
        null=True,
        blank=True,
        help_text=_("Filled in when the record is first published."),
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.publication == Publication.PUBLISHED

    def prepare_to_save(self):
        super().prepare_to_save()
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()


class BilingualTitleMixin(models.Model):
    title_sv = models.CharField(
        _("title (Swedish)"),
        max_length=300,
        help_text=_("The title on the public page and in lists, as short as it can be."),
    )
    title_en = models.CharField(
        _("title (English)"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the English pages. Leave empty and the Swedish title is shown."),
    )
    summary_sv = models.TextField(
        _("summary (Swedish)"),
        blank=True,
        help_text=_("One or two sentences, shown in lists and at the top of the page."),
    )
    summary_en = models.TextField(
        _("summary (English)"),
        blank=True,
        help_text=_("The summary for the English pages."),
    )

    class Meta:
        abstract = True

    @property
    def title(self):
        return localized(self, "title")

    @property
    def summary(self):
        return localized(self, "summary")

    def __str__(self):
        return self.title_sv


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


class DatePrecision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


def period_bounds(value, precision):
    """(first day, last day) of the year, month or day that `value` stands for."""
    if value is None:
        return None, None
    if precision == DatePrecision.YEAR:
        return date(value.year, 1, 1), date(value.year, 12, 31)
    if precision == DatePrecision.MONTH:
        last = calendar.monthrange(value.year, value.month)[1]
        return date(value.year, value.month, 1), date(value.year, value.month, last)
    return value, value


def format_date(value, precision):
    """2019, "november 2019" or "27 november 2019" in the active language."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "F Y")
    return date_format(value, "j F Y")


def _swedish():
    return page_language() == "sv"


class DatedQuerySet(PublishableQuerySet):
    def with_status(self, today=None):
        """Annotates `status_now`: from the dates where they decide it, otherwise the
        status a source states (see DatedModel.current_status)."""
        return self.annotate(status_now=status_expression(today))

    def active_in(self, year):
        """Records active in the year: their period includes it. A period with no end runs
        until this year; one with no start counts in its end year only. The year facet
        (reference.filters) counts by the same rule."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        condition = Q(start_date__isnull=False, end_date__isnull=False) & Q(
            start_date__lte=last, end_date__gte=first
        )
        condition |= Q(start_date__isnull=True, end_date__range=(first, last))
        if year <= timezone.localdate().year:
            condition |= Q(start_date__isnull=False, end_date__isnull=True, start_date__lte=last)
        return self.filter(condition)


def status_expression(today=None):
    today = today or timezone.localdate()
    return Case(
        When(end_date__lt=today, then=Value(Status.COMPLETED)),
        When(start_date__gt=today, then=Value(Status.PLANNED)),
        When(start_date__lte=today, end_date__gte=today, then=Value(Status.ONGOING)),
        default=F("stated_status"),
        output_field=models.CharField(),
    )


def status_derived_expression(today=None):
    """'yes' where the dates decide the status, 'no' where a source states it."""
    today = today or timezone.localdate()
    return Case(
        When(
            Q(end_date__lt=today)
            | Q(start_date__gt=today)
            | Q(start_date__lte=today, end_date__gte=today),
            then=Value("yes"),
        ),
        default=Value("no"),
        output_field=models.CharField(),
    )


class DatedModel(SaveRulesModel):
    """A period with the precision each end is known to (a year, a month or a day), each
    planned or actual, and a status stated by a source for when the dates do not decide.

    `start_date` holds the first day of its period and `end_date` the last (an end known
    as "2012" is stored as 2012-12-31), so comparisons with a day work whatever the
    precision."""

    start_date = models.DateField(
        _("start"),
        null=True,
        blank=True,
        help_text=_(
            "When only the year or the month is known, any day in it will do and choose "
            "year or month beside it."
        ),
    )
    start_precision = models.CharField(
        _("start known to the"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.YEAR,
        help_text=_("How exactly the source gives the date: year, month or day."),
    )
    start_actual = models.BooleanField(
        _("start is actual"), default=False, help_text=_("Unticked: a planned date.")
    )
    end_date = models.DateField(
        _("end"),
        null=True,
        blank=True,
        help_text=_("Leave empty when no source gives an end. It cannot be before the start."),
    )
    end_precision = models.CharField(
        _("end known to the"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.YEAR,
        help_text=_("How exactly the source gives the date: year, month or day."),
    )
    end_actual = models.BooleanField(
        _("end is actual"), default=False, help_text=_("Unticked: a planned date.")
    )
    stated_status = models.CharField(
        _("status stated by a source"),
        max_length=10,
        choices=Status.choices,
        blank=True,
        help_text=_(
            "Only used where the dates do not decide the status. Give the source that "
            "states it, so the page can say as of when."
        ),
    )

    class Meta:
        abstract = True

    def prepare_to_save(self):
        super().prepare_to_save()
        # Normalise to the first day of the start's period and the last of the end's.
        self.start_date = period_bounds(self.start_date, self.start_precision)[0]
        self.end_date = period_bounds(self.end_date, self.end_precision)[1]

    def cover_years(self, first, last):
        """Widens the period to take in the years first–last, known to the year (a grant
        gives years, not days); saving puts the ends on 1 January and 31 December."""
        self.start_date = min(d for d in (self.start_date, date(first, 1, 1)) if d)
        self.end_date = max(d for d in (self.end_date, date(last, 1, 1)) if d)
        self.start_precision = self.end_precision = DatePrecision.YEAR

    @property
    def start_year(self):
        return self.start_date.year if self.start_date else None

    @property
    def end_year(self):
        return self.end_date.year if self.end_date else None

    @property
    def period_display(self):
        start = format_date(self.start_date, self.start_precision)
        end = format_date(self.end_date, self.end_precision)
        if start and start == end:
            return start  # "2016", not "2016–2016"
        return f"{start}–{end}" if start or end else ""

    @property
    def years_display(self):
        """The years of the period for a list line: "2016", "2016–2018", "2016–"."""
        if self.start_year and self.start_year == self.end_year:
            return str(self.start_year)
        if self.start_year:
            return f"{self.start_year}–{self.end_year or ''}"
        return ""

    def current_status(self, today=None):
        """(status, derived): the status from the dates when they decide it (derived is
        True), otherwise the stated status (derived False) or ("", False)."""
        today = today or timezone.localdate()
        start = period_bounds(self.start_date, self.start_precision)[0]
        end = period_bounds(self.end_date, self.end_precision)[1]
        if end and end < today:
            return Status.COMPLETED, True
        if start and start > today:
            return Status.PLANNED, True
        if start and end and start <= today <= end:
            return Status.ONGOING, True
        return self.stated_status, False

    @property
    def status(self):
        return self.current_status()[0]

    @property
    def status_is_derived(self):
        return self.current_status()[1]

    def get_status_display(self):
        return Status(self.status).label if self.status else ""


def dated_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=Q(end_date__isnull=True)
            | Q(start_date__isnull=True)
            | Q(end_date__gte=F("start_date")),
            name=f"{prefix}_end_not_before_start",
        ),
        models.CheckConstraint(
            condition=Q(start_date__isnull=True)
            | Q(start_date__gte=date(1900, 1, 1), start_date__lte=date(2100, 12, 31)),
            name=f"{prefix}_start_plausible",
        ),
    ]


def lead_image_path(instance, filename):
    """bilder/<model>/<file name>: the storage adds a suffix when the name is taken."""
    return f"bilder/{instance._meta.model_name}/{filename}"


class LeadImageModel(models.Model):
    """One lead image for a record, with its alternative text (required in Swedish when
    there is an image), credit line and licence. On upload the image is checked by its
    content (core.images.validate_lead_image) and smaller copies are made for `srcset`."""

    lead_image = models.ImageField(
        _("image"),
        upload_to=lead_image_path,
        blank=True,
        width_field="image_width",
        height_field="image_height",
        validators=[validate_lead_image],
        help_text=_(
            "A JPEG, PNG or WebP image, at least 400 pixels wide and at most 10 MB. Smaller "
            "copies are made for phones."
        ),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_renditions = models.JSONField(default=list, blank=True, editable=False)
    image_alt_sv = models.CharField(
        _("alternative text (Swedish)"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the image shows, for those who cannot see it, e.g. “Two officials at a "
            "meeting in Nakuru's town hall”. Required when there is an image."
        ),
    )
    image_alt_en = models.CharField(
        _("alternative text (English)"),
        max_length=250,
        blank=True,
        help_text=_("The same in English. Leave empty and the Swedish text is used."),
    )
    image_credit = models.CharField(
        _("photo credit"),
        max_length=200,
        blank=True,
        help_text=_("Who took or made the image, e.g. “Foto: Anna Andersson, SKR”."),
    )
    image_licence = models.CharField(
        _("licence"),
        max_length=100,
        blank=True,
        help_text=_("Under what terms the image may be used, e.g. CC BY 4.0."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.lead_image and not self.image_alt_sv.strip():
            raise ValidationError(
                {"image_alt_sv": _("Describe what the image shows, for those who cannot see it.")}
            )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        stored = instance.__dict__.get("lead_image")  # a name or a FieldFile; absent if deferred
        instance._stored_image = getattr(stored, "name", stored) or ""
        return instance

    def save(self, *args, **kwargs):
        """A new image is stored cleaned (core.images.cleaned_original) under the extension
        of its kind, with its smaller copies; nothing stays stored when that or the save
        fails. The files of a replaced or cleared image are deleted once the change is
        committed."""
        image = self.lead_image
        previous = [r["name"] for r in self.image_renditions or []] if self.pk else []
        replaced = image and not image._committed
        if replaced:
            content, extension = cleaned_original(image.file)
            image.save(f"{posixpath.splitext(image.name)[0]}.{extension}", content, save=False)
            made = [image.name]
            try:
                self.image_renditions = make_renditions(image)
                made += [r["name"] for r in self.image_renditions]
                super().save(*args, **kwargs)
            except BaseException:
                delete_files(image.storage, made)
                raise
        else:
            if not image:
                self.image_renditions = []
            super().save(*args, **kwargs)
        old = [n for n in [*previous, getattr(self, "_stored_image", "")] if n]
        if old and (replaced or not image):
            transaction.on_commit(partial(delete_files, image.storage, old))
        self._stored_image = image.name or ""

    @property
    def image_alt(self):
        return localized(self, "image_alt")

    @property
    def image_srcset(self):
        """The smaller copies and the original, for the img element's srcset."""
        if not self.lead_image:
            return ""
        storage = self.lead_image.storage
        parts = [f"{storage.url(r['name'])} {r['width']}w" for r in self.image_renditions or []]
        if self.image_width:
            parts.append(f"{self.lead_image.url} {self.image_width}w")
        return ", ".join(parts)
