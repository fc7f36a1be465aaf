from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import (
    AuditedModel,
    BilingualTitleMixin,
    Country,
    Goal,
    Organisation,
    Programme,
    PublishableModel,
    PublishableQuerySet,
    Status,
    Theme,
    localized,
    year_range_constraints,
)


class MunicipalityKind(models.TextChoices):
    MUNICIPALITY = "kommun", _("Municipality")
    COUNTY_COUNCIL = "landsting", _("County council")
    REGION = "region", _("Region")
    PARTNER = "partner", _("Partner local government")


SWEDISH_KINDS = [
    MunicipalityKind.MUNICIPALITY,
    MunicipalityKind.COUNTY_COUNCIL,
    MunicipalityKind.REGION,
]


class MunicipalityQuerySet(PublishableQuerySet):
    def swedish(self):
        return self.filter(kind__in=SWEDISH_KINDS)

    def partners(self):
        return self.filter(kind=MunicipalityKind.PARTNER)


class Municipality(PublishableModel):
    """A Swedish municipality, county council or region, or a partner local government abroad."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=MunicipalityKind.choices, db_index=True
    )
    code = models.CharField(
        _("official code"),
        max_length=4,
        null=True,
        blank=True,
        unique=True,
        help_text=_("SCB's four-digit municipality code or two-digit county code."),
    )
    county_code = models.CharField(_("county code"), max_length=2, blank=True)
    county_name = models.CharField(_("county"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="municipalities"
    )
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = MunicipalityQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipality or region")
        verbose_name_plural = _("municipalities and regions")
        ordering = ["name", "id"]
        permissions = [("publish_municipality", _("Can publish and unpublish municipalities"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__isnull=True)
                | (Q(kind="kommun") & Q(code__regex=r"^[0-9]{4}$"))
                | (Q(kind__in=["landsting", "region"]) & Q(code__regex=r"^[0-9]{2}$")),
                name="municipality_code_format",
            ),
            models.CheckConstraint(
                condition=Q(kind="partner") | Q(country_id="SE"),
                name="municipality_swedish_in_sweden",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def description(self):
        return localized(self, "description")

    @property
    def is_swedish(self):
        return self.kind != MunicipalityKind.PARTNER

    def get_absolute_url(self):
        return reverse("partnerships:municipality-detail", args=[self.slug])


class GrantRound(AuditedModel):
    """One funding decision round of a programme, with the figures announced with it."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="rounds"
    )
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Leave empty when the sources do not say.")
    )
    new_partnerships = models.PositiveIntegerField(
        _("new partnerships granted"), null=True, blank=True
    )
    ongoing_partnerships_about = models.PositiveIntegerField(
        _("ongoing partnerships (approximately)"), null=True, blank=True
    )
    swedish_participants_about = models.PositiveIntegerField(
        _("Swedish participants in the programme (approximately)"), null=True, blank=True
    )
    min_sek_per_year = models.PositiveIntegerField(
        _("smallest grant, SEK a year"), null=True, blank=True
    )
    max_sek_per_year = models.PositiveIntegerField(
        _("largest grant, SEK a year"), null=True, blank=True
    )
    min_years = models.PositiveSmallIntegerField(
        _("shortest duration, years"), null=True, blank=True
    )
    max_years = models.PositiveSmallIntegerField(
        _("longest duration, years"), null=True, blank=True
    )
    participants = models.ManyToManyField(
        "Municipality",
        verbose_name=_("Swedish participants granted"),
        blank=True,
        related_name="grant_rounds",
    )
    leading_countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries with most grants"),
        blank=True,
        related_name="+",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("areas and trends"), blank=True, related_name="grant_rounds"
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant round")
        verbose_name_plural = _("grant rounds")
        ordering = [F("year").desc(nulls_last=True), "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_sek_per_year__isnull=True)
                | Q(max_sek_per_year__isnull=True)
                | Q(max_sek_per_year__gte=F("min_sek_per_year")),
                name="round_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(min_years__isnull=True)
                | Q(max_years__isnull=True)
                | Q(max_years__gte=F("min_years")),
                name="round_duration_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return localized(self, "title")


class PartnershipQuerySet(PublishableQuerySet):
    def for_list(self):
        return self.select_related("country", "programme").prefetch_related(
            "swedish_participants", "goals"
        )

    def for_detail(self):
        return self.select_related("country", "programme").prefetch_related(
            "swedish_participants", "partner_governments", "goals", "themes", "grants__funder"
        )


class Partnership(BilingualTitleMixin, PublishableModel):
    """Cooperation between Swedish participants and partner local governments in one country."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    body_sv = models.TextField(_("body (Swedish)"), blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("partner country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    swedish_participants = models.ManyToManyField(
        Municipality,
        verbose_name=_("Swedish participants"),
        blank=True,
        related_name="partnerships",
        limit_choices_to={"kind__in": SWEDISH_KINDS},
    )
    partner_governments = models.ManyToManyField(
        Municipality,
        verbose_name=_("partner local governments"),
        blank=True,
        related_name="partner_partnerships",
        limit_choices_to={"kind": MunicipalityKind.PARTNER},
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes and core areas"), blank=True, related_name="partnerships"
    )
    goals = models.ManyToManyField(
        Goal, verbose_name=_("goals"), blank=True, related_name="partnerships"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, blank=True, db_index=True
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)

    objects = PartnershipQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["title_sv", "id"]
        permissions = [("publish_partnership", _("Can publish and unpublish partnerships"))]
        constraints = year_range_constraints("partnership")
        indexes = [
            models.Index(fields=["start_year", "end_year"], name="partnership_years_idx"),
            models.Index(fields=["publication", "title_sv"], name="partnership_pub_title_idx"),
        ]

    @property
    def body(self):
        return localized(self, "body")

    def get_absolute_url(self):
        return reverse("partnerships:partnership-detail", args=[self.slug])


class Grant(AuditedModel):
    """A funding decision for a partnership in one grant round. It is public when its
    partnership is."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="grants"
    )
    grant_round = models.ForeignKey(
        GrantRound,
        verbose_name=_("grant round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    year = models.PositiveSmallIntegerField(_("year granted"), db_index=True)
    amount_sek_per_year = models.PositiveIntegerField(_("amount, SEK a year"))
    duration_years = models.PositiveSmallIntegerField(_("duration, years"))
    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("funder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants_funded",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_sek_per_year__gt=0), name="grant_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(duration_years__gte=1, duration_years__lte=3),
                name="grant_duration_1_to_3_years",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="grant_year_plausible"
            ),
            models.UniqueConstraint(
                fields=["partnership", "grant_round"], name="grant_one_per_round"
            ),
        ]
        indexes = [models.Index(fields=["-year", "-id"], name="grant_latest_idx")]

    def __str__(self):
        return f"{self.partnership} – {self.year}"

    @property
    def total_sek(self):
        return self.amount_sek_per_year * self.duration_years

    @property
    def end_year(self):
        return self.year + self.duration_years - 1
