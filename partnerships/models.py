import uuid

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import (
    SLUG_HELP,
    AuditedModel,
    BilingualTitleMixin,
    DatedModel,
    DatedQuerySet,
    LeadImageModel,
    PublishableModel,
    dated_constraints,
    localized,
    published_at,
    with_markdown_help,
)
from reference.models import (
    Country,
    Goal,
    Organisation,
    ParticipationBase,
    Programme,
    Role,
    RoleHolder,
    RoleHolderQuerySet,
    RoleRow,
    Source,
    SourcedModel,
    Theme,
    one_per_role_constraints,
    participation_constraints,
    roles_prefetch,
)

INT32_MAX = 2_147_483_647
GRANT_YEARS = (1990, 2100)  # the years a grant may be decided in (grant_year_plausible)
STATED_HELP = _(
    "As the announcement states it, even where the grants recorded say otherwise; the "
    "public page shows both."
)


def granted_sek(path=""):
    """The whole of a grant in SEK (SEK a year × years), as an expression; `path` reaches
    the grant from another model: Sum(granted_sek("partnership__grants__"))."""
    return F(f"{path}amount_sek_per_year") * F(f"{path}duration_years")


class FundedRecord(RoleHolder):
    """A round or a grant: who decides (extending) and whose money it is (funding), read
    from its role rows."""

    @property
    def grant_maker(self):
        """Who decides the grants (ICLD for Kommunala partnerskap)."""
        return self.organisation_in(Role.EXTENDING)

    @property
    def funding_source(self):
        """Whose money is granted (Sida for Kommunala partnerskap)."""
        return self.organisation_in(Role.FUNDING)

    @property
    def grant_maker_id(self):
        return self.organisation_id_in(Role.EXTENDING)

    @property
    def funding_source_id(self):
        return self.organisation_id_in(Role.FUNDING)


class GrantRoundQuerySet(RoleHolderQuerySet):
    def public(self):
        """The rounds the public sees: those of published programmes."""
        return self.filter(programme__in=Programme.objects.published())

    def with_statements(self, countries=True, participants=True):
        """What a "the sources state" block (includes/stated_rounds.html) shows of each
        round: its programme, source, the countries it names and its published Swedish
        participants; without the countries on a country's page, which names its own
        country instead, and without the participants where the block does not show
        them (`show_participants`): two queries and about 20 organisations less."""
        related = []
        if countries:
            related.append("leading_countries")
        if participants:
            published = Organisation.objects.published().order_by("name_sv")
            related.append(Prefetch("participants", queryset=published))
        return self.select_related("programme", "source__publisher").prefetch_related(*related)

    def described(self):
        """Public rounds with everything their page and the API's description show: the
        programme (and its closing), grant-maker, source of money, the sources of the
        figures and of a closing, and the published Swedish participants as
        `published_participants`."""
        return (
            self.public()
            .select_related(
                "programme__status_source__publisher",
                "source__publisher",
                "closing_source__publisher",
            )
            .prefetch_related(
                roles_prefetch(GrantRoundParticipant),
                Prefetch(
                    "participants",
                    queryset=Organisation.objects.published().order_by("name_sv", "id"),
                    to_attr="published_participants",
                ),
                "leading_countries",
                "themes",
            )
        )

    def stated(self):
        """Rounds whose announcement states figures."""
        return self.exclude(
            stated_new_partnerships=None,
            stated_ongoing_partnerships=None,
            stated_swedish_participants=None,
        )

    def not_recorded(self):
        """Rounds none of whose grants is recorded for a published partnership. NOT EXISTS,
        not NOT IN the grants' rounds: a grant without a round (NULL) made NOT IN false
        for every round; and it reads each round's grants by index (0.9 ms at 200 000
        grants) instead of all of them (80 ms)."""
        recorded = Grant.objects.filter(
            grant_round=models.OuterRef("pk"), **published_at("partnership")
        )
        return self.exclude(models.Exists(recorded))


class GrantRound(FundedRecord, AuditedModel):
    """One decision round of a programme. The figures its announcement states are kept as
    stated (with their source), apart from the grants recorded, so the two can be shown
    side by side and never silently contradict each other. Who decides its grants
    (extending) and whose money they are (funding) are its `roles`."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=SLUG_HELP)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="rounds",
        help_text=_("The programme the round decides grants in, e.g. Kommunala partnerskap."),
    )
    title_sv = models.CharField(
        _("title (Swedish)"),
        max_length=200,
        help_text=_("For example the headline of the announcement."),
    )
    title_en = models.CharField(
        _("title (English)"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the English pages. Leave empty and the Swedish title is shown."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Leave empty when the sources do not say.")
    )
    decided_on = models.DateField(
        _("decided on"),
        null=True,
        blank=True,
        help_text=_("The day of the decision, when the sources give it."),
    )
    stated_new_partnerships = models.PositiveIntegerField(
        _("new partnerships (stated)"),
        null=True,
        blank=True,
        help_text=STATED_HELP,
    )
    stated_ongoing_partnerships = models.PositiveIntegerField(
        _("ongoing partnerships besides (stated, approximately)"),
        null=True,
        blank=True,
        help_text=STATED_HELP,
    )
    stated_swedish_participants = models.PositiveIntegerField(
        _("Swedish participants in the programme (stated, approximately)"),
        null=True,
        blank=True,
        help_text=STATED_HELP,
    )
    min_sek_per_year = models.PositiveIntegerField(
        _("smallest grant, SEK a year"),
        null=True,
        blank=True,
        help_text=_("Grants and imported rows below this amount are refused. Whole kronor."),
    )
    max_sek_per_year = models.PositiveIntegerField(
        _("largest grant, SEK a year"),
        null=True,
        blank=True,
        help_text=_("Grants and imported rows above this amount are refused. Whole kronor."),
    )
    min_years = models.PositiveSmallIntegerField(
        _("shortest duration, years"),
        null=True,
        blank=True,
        help_text=_("The fewest years a grant of this round may run."),
    )
    max_years = models.PositiveSmallIntegerField(
        _("longest duration, years"),
        null=True,
        blank=True,
        help_text=_("The most years a grant of this round may run."),
    )
    participants = models.ManyToManyField(
        Organisation,
        verbose_name=_("Swedish participants granted (stated)"),
        blank=True,
        related_name="grant_rounds",
        help_text=STATED_HELP,
    )
    leading_countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries with most grants (stated)"),
        blank=True,
        related_name="+",
        help_text=STATED_HELP,
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("areas and trends (stated)"),
        blank=True,
        related_name="grant_rounds",
        help_text=STATED_HELP,
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source of the stated figures"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_rounds",
        help_text=_("The announcement that states the figures of this round."),
    )
    closing_statement_sv = models.TextField(
        _("closing statement (Swedish)"),
        blank=True,
        help_text=_(
            "When this round has closed while its programme goes on: why, in the source's "
            "words. Needs the day it closed and the source; shown on the round's page and in "
            "the open data. A closed programme's statement is shown on its rounds anyway."
        ),
    )
    closing_statement_en = models.TextField(
        _("closing statement (English)"), blank=True, help_text=_("The statement in English.")
    )
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, help_text=_("The day the round closed.")
    )
    closing_source = models.ForeignKey(
        Source,
        verbose_name=_("source of the closing"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The document that states that the round closed."),
    )

    history = HistoricalRecords()
    objects = GrantRoundQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(min_years__isnull=True) | Q(min_years__gte=1),
                name="round_min_years_positive",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return localized(self, "title")

    @property
    def closing_statement(self):
        return localized(self, "closing_statement")

    @property
    def is_closed(self):
        return bool(self.closing_statement_sv or self.closing_statement_en)

    @property
    def closing_date(self):
        return self.closed_on

    def clean(self):
        """A closing is a statement, the day and the source that says so, or nothing."""
        super().clean()
        if not (self.is_closed or self.closed_on or self.closing_source_id):
            return
        errors = {}
        if self.closed_on is None:
            errors["closed_on"] = _("A closed round needs the day it closed.")
        elif self.closed_on > timezone.localdate():
            errors["closed_on"] = _("A round cannot have closed on a day still to come.")
        if self.closing_source_id is None:
            errors["closing_source"] = _("Say which source states that the round closed.")
        if not self.closing_statement_sv:
            errors["closing_statement_sv"] = _("Write the statement in Swedish first.")
        if errors:
            raise ValidationError(errors)

    def recorded_figures(self):
        """What the recorded, published grants of this round add up to."""
        grants = Grant.objects.filter(grant_round=self, **published_at("partnership"))
        totals = grants.aggregate(n=models.Count("pk"), sek=Sum(granted_sek()))
        return {"grants": totals["n"], "sek": totals["sek"] or 0}

    def bound_errors(self, amount, years):
        """Messages for an amount (SEK a year) or a duration outside this round's bounds."""
        errors = []
        low, high = self.min_sek_per_year, self.max_sek_per_year
        if amount is not None and ((low and amount < low) or (high and amount > high)):
            errors.append(
                _("The amount %(amount)s SEK a year is outside the round's range %(low)s–%(high)s.")
                % {
                    "amount": intcomma(amount),
                    "low": intcomma(low or 1),
                    "high": intcomma(high) if high else "…",
                }
            )
        low, high = self.min_years, self.max_years
        if years is not None and ((low and years < low) or (high and years > high)):
            errors.append(
                _("The duration %(years)s years is outside the round's range %(low)s–%(high)s.")
                % {"years": years, "low": low or 1, "high": high or "…"}
            )
        return errors


class PartnershipQuerySet(DatedQuerySet):
    def draft_dependencies(self):
        """What the public pages of these partnerships would name but leave out because it
        is not published: [(model, queryset of them)] (the admin warns of them)."""
        grants = Grant.objects.filter(partnership__in=self)
        organisations = Organisation.objects.not_published().filter(
            Q(
                pk__in=PartnershipParticipant.objects.filter(partnership__in=self).values(
                    "organisation_id"
                )
            )
            | Q(pk__in=GrantParticipant.objects.filter(grant__in=grants).values("organisation_id")),
        )
        programmes = Programme.objects.not_published().filter(pk__in=self.values("programme_id"))
        return [(Organisation, organisations), (Programme, programmes)]

    def published_participants(self, role=None):
        rows = PartnershipParticipant.objects.filter(**published_at("organisation")).select_related(
            "organisation"
        )
        if role:
            rows = rows.filter(role=role)
        return rows

    def for_list(self):
        return self.select_related("country", "programme").prefetch_related(
            Prefetch(
                "participants",
                queryset=self.published_participants(Role.SWEDISH_PARTICIPANT),
                to_attr="swedish_list",
            ),
            Prefetch("goals", to_attr="goal_list"),
        )

    def for_detail(self):
        return self.select_related(
            "country", "programme", "status_source__publisher"
        ).prefetch_related(
            Prefetch("participants", queryset=self.published_participants()),
            "goals",
            "themes",
            Prefetch("sources", queryset=Source.objects.select_related("publisher")),
            Prefetch(
                "grants",
                queryset=Grant.objects.select_related("grant_round").with_roles(),
            ),
        )

    def for_comparison(self):
        """What the comparison of municipalities counts of each partnership: its country,
        goals, themes, grants and published partner local governments (`partner_list`)."""
        return self.select_related("country").prefetch_related(
            "goals",
            "themes",
            "grants",
            Prefetch(
                "participants",
                queryset=self.published_participants(Role.PARTNER_GOVERNMENT),
                to_attr="partner_list",
            ),
        )

    def with_swedish_participant(self, organisations):
        return self.filter(
            pk__in=PartnershipParticipant.objects.filter(
                role=Role.SWEDISH_PARTICIPANT, organisation__in=organisations
            ).values("partnership_id")
        )


class Partnership(DatedModel, SourcedModel, BilingualTitleMixin, LeadImageModel, PublishableModel):
    """A cooperation between one or more Swedish participants and one or more partner
    local governments in a partner country, under a programme: one record across grant
    rounds, each round's decision a Grant on it. Its period and status come from its grants
    when an import records them."""

    # The texts of SQLite's full-text index (core.fulltext; its migration names the same).
    FULLTEXT_COLUMNS = ("title_sv", "summary_sv", "body_sv", "title_en", "summary_en", "body_en")
    # PostgreSQL's stored vector: (Swedish texts, English texts) (core.fulltext; idem).
    SEARCH_VECTOR = (("title_sv", "summary_sv", "body_sv"), ("title_en", "summary_en", "body_en"))

    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=SLUG_HELP)
    body_sv = models.TextField(
        _("body (Swedish)"),
        blank=True,
        help_text=with_markdown_help(
            _("The partnership's story: what the partners do together and why.")
        ),
    )
    body_en = models.TextField(
        _("body (English)"),
        blank=True,
        help_text=with_markdown_help(_("The body for the English pages.")),
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text=_("Usually Kommunala partnerskap (ICLD)."),
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("partner country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text=_("The country of the partner local governments."),
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("themes and core areas"),
        blank=True,
        related_name="partnerships",
        help_text=_("Type a few letters of the theme or core area."),
    )
    goals = models.ManyToManyField(
        Goal,
        verbose_name=_("goals"),
        blank=True,
        related_name="partnerships",
        help_text=_("The global goals the partnership works for. Type a number or a word."),
    )

    objects = PartnershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["title_sv", "id"]
        permissions = [("publish_partnership", _("Can publish and unpublish partnerships"))]
        constraints = dated_constraints("partnership")
        indexes = [
            models.Index(fields=["start_date", "end_date"], name="partnership_dates_idx"),
            models.Index(fields=["publication", "title_sv"], name="partnership_pub_title_idx"),
            # The feed's latest changes and the about page's "last updated" (a sort of
            # every published row before: 50 ms at 100 000).
            models.Index(
                fields=["publication", "updated_at", "id"], name="partnership_pub_updated_idx"
            ),
            # Every column the lists' facets and the statistics group the published
            # partnerships by (count, country, programme, status, years) and the id the
            # link tables' counts select by: those reads are index-only scans of this
            # narrow index instead of scans of the wide table (bench/README.md).
            models.Index(
                fields=[
                    "publication",
                    "country",
                    "programme",
                    "start_date",
                    "end_date",
                    "stated_status",
                    "id",
                ],
                name="partnership_facets_idx",
            ),
        ]

    @property
    def body(self):
        return localized(self, "body")

    def get_absolute_url(self):
        return reverse("partnerships:partnership-detail", args=[self.slug])

    def participants_in(self, role):
        """Participants in one role, from the prefetched rows when there are any."""
        return [p.organisation for p in self.participants.all() if p.role == role]

    @property
    def grants_total_sek(self):
        """All its grants together, in SEK (from the prefetched grants when there are)."""
        return sum(grant.total_sek for grant in self.grants.all())

    @property
    def swedish_participants(self):
        if hasattr(self, "swedish_list"):
            return [p.organisation for p in self.swedish_list]
        return self.participants_in(Role.SWEDISH_PARTICIPANT)

    @property
    def partner_governments(self):
        return self.participants_in(Role.PARTNER_GOVERNMENT)

    def clean(self):
        # A partner local government lies in the partnership's country.
        if self.pk and self.country_id:
            wrong = PartnershipParticipant.objects.filter(
                partnership=self, role=Role.PARTNER_GOVERNMENT
            ).exclude(organisation__country_id=self.country_id)
            if wrong.exists():
                raise ValidationError(
                    {
                        "country": _(
                            "A partner local government of this partnership lies in "
                            "another country."
                        )
                    }
                )


class PartnershipParticipant(ParticipationBase):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="participants"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partnership_roles",
        help_text=_("Type a few letters of the name, a former name, the acronym or a code."),
    )

    class Meta(ParticipationBase.Meta):
        constraints = participation_constraints("partnership_participant", "partnership")
        indexes = [models.Index(fields=["role", "organisation"], name="partnership_part_role_idx")]

    def clean(self):
        org = self.organisation if self.organisation_id else None
        if org is None:
            return
        if self.role == Role.SWEDISH_PARTICIPANT and not org.is_swedish_local:
            raise ValidationError(
                {
                    "organisation": _(
                        "A Swedish participant is a Swedish municipality, county council or region."
                    )
                }
            )
        if self.role == Role.PARTNER_GOVERNMENT:
            if org.kind != "partner":
                raise ValidationError(
                    {
                        "organisation": _(
                            "Choose an organisation of the kind partner local government."
                        )
                    }
                )
            if (
                self.partnership_id
                and self.partnership.country_id
                and (org.country_id != self.partnership.country_id)
            ):
                raise ValidationError(
                    {
                        "organisation": _(
                            "The partner local government lies in another country "
                            "than the partnership."
                        )
                    }
                )


class Grant(FundedRecord, AuditedModel):
    """A funding decision for a partnership in one grant round: an amount a year for a
    number of years, decided by a grant-maker (extending) with money from a funding source
    (funding), its `roles`. It is public when its partnership is."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="grants",
        help_text=_("Type a few letters of the partnership's title."),
    )
    grant_round = models.ForeignKey(
        GrantRound,
        verbose_name=_("grant round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        help_text=_("The round that decided the grant; its bounds for amount and years apply."),
    )
    year = models.PositiveSmallIntegerField(
        _("year granted"), db_index=True, help_text=_("The year of the decision, e.g. 2016.")
    )
    decided_on = models.DateField(
        _("decided on"),
        null=True,
        blank=True,
        help_text=_("The day of the decision, when the sources give it."),
    )
    amount_sek_per_year = models.PositiveIntegerField(
        _("amount, SEK a year"),
        validators=[MinValueValidator(1), MaxValueValidator(INT32_MAX)],
        help_text=_("Whole kronor a year, without spaces: 400000."),
    )
    duration_years = models.PositiveSmallIntegerField(
        _("duration, years"),
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many years the grant runs, 1–10."),
    )
    history = HistoricalRecords()
    objects = RoleHolderQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_sek_per_year__gt=0), name="grant_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(duration_years__gte=1, duration_years__lte=10),
                name="grant_duration_plausible",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=GRANT_YEARS[0], year__lte=GRANT_YEARS[1]),
                name="grant_year_plausible",
            ),
            models.UniqueConstraint(
                fields=["partnership", "grant_round"], name="grant_one_per_round"
            ),
        ]
        indexes = [models.Index(fields=["-year", "-id"], name="grant_latest_idx")]

    def __str__(self):
        return f"{self.partnership} – {self.year}"

    def clean(self):
        if self.grant_round_id:
            errors = self.grant_round.bound_errors(self.amount_sek_per_year, self.duration_years)
            if errors:
                raise ValidationError(errors)

    @property
    def total_sek(self):
        return self.amount_sek_per_year * self.duration_years

    @property
    def end_year(self):
        return self.year + self.duration_years - 1


class PartnershipFigures(models.Model):
    """The read model of what a partnership's recorded grants add up to: one row per
    partnership with at least one grant. The database keeps it, by triggers on the
    grants' table (partnerships/figures.py), in the same transaction as every write of a
    grant, whichever path writes it (a form, a bulk action, the import's bulk insert, a
    cascade, a revert, loaddata); nothing in Python writes it. The statistics and the
    totals sum these rows instead of joining every grant."""

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="figures",
        verbose_name=_("partnership"),
    )
    grants = models.PositiveIntegerField(_("grants"))
    sek = models.BigIntegerField(_("SEK granted"))

    class Meta:
        verbose_name = _("figures of a partnership")
        verbose_name_plural = _("figures of partnerships")
        default_permissions = ()

    def __str__(self):
        return f"{self.partnership_id}: {self.grants}, {self.sek}"


class PartnershipFacts(models.Model):
    """The read model of what is stated of a partnership: one row per partnership with the
    number of rows that state each of four facts (goals linked, sources linked, partner
    local governments, grants). Kept by the database itself, by triggers
    (partnerships/facts.py) in the same transaction as every write, whichever path writes;
    nothing in Python writes it. The data-quality checks and the lists' filter "unstated"
    read a fact as unstated where its number is 0."""

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stated",
        verbose_name=_("partnership"),
    )
    goals = models.PositiveIntegerField(_("goals"))
    sources = models.PositiveIntegerField(_("sources"))
    partners = models.PositiveIntegerField(_("partner local governments"))
    grants = models.PositiveIntegerField(_("grants"))

    class Meta:
        verbose_name = _("what is stated of a partnership")
        verbose_name_plural = _("what is stated of partnerships")
        default_permissions = ()

    def __str__(self):
        counts = (self.goals, self.sources, self.partners, self.grants)
        return f"{self.partnership_id}: {counts}"


class Coverage(models.Model):
    """The read model of what the published partnerships of each Swedish participant
    cover: one row per organisation and goal (theme, country) with the number of its
    published partnerships, as a Swedish participant, that have it. Kept by triggers
    (partnerships/coverage.py); the municipalities' list filters and counts its facets
    from these rows instead of joining every participant to every link."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    n = models.PositiveIntegerField(_("partnerships"))

    class Meta:
        abstract = True
        default_permissions = ()

    def __str__(self):
        return f"{self.organisation_id}: {self.n}"


class GoalCoverage(Coverage):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="+")

    class Meta(Coverage.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organisation", "goal"], name="goal_coverage_unique")
        ]


class ThemeCoverage(Coverage):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")

    class Meta(Coverage.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organisation", "theme"], name="theme_coverage_unique")
        ]


class CountryCoverage(Coverage):
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")

    class Meta(Coverage.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "country"], name="country_coverage_unique"
            )
        ]


FUNDING_ROLES = (Role.EXTENDING, Role.FUNDING)


class GrantRoundParticipant(RoleRow):
    """Who decides a round's grants (extending) and whose money they are (funding)."""

    grant_round = models.ForeignKey(
        GrantRound, verbose_name=_("grant round"), on_delete=models.CASCADE, related_name="roles"
    )

    class Meta(RoleRow.Meta):
        verbose_name = _("organisation of the round")
        verbose_name_plural = _("organisations of the round")
        constraints = one_per_role_constraints("round_role", "grant_round", FUNDING_ROLES)


class GrantParticipant(RoleRow):
    """Who decided a grant (extending) and whose money it is (funding)."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="roles"
    )

    class Meta(RoleRow.Meta):
        verbose_name = _("organisation of the grant")
        verbose_name_plural = _("organisations of the grant")
        constraints = one_per_role_constraints("grant_role", "grant", FUNDING_ROLES)
        indexes = [models.Index(fields=["role", "organisation"], name="grant_role_org_idx")]


class PendingImport(models.Model):
    """A checked file of a round's decisions waiting for "Save all rows". Its id is the
    preview's single-use token: the rows are saved by the one request that marks it saved
    (partnerships.importing.save_pending_import); it is kept a day so that a second press
    can be told so."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    grant_round = models.ForeignKey(GrantRound, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    header = models.JSONField()
    body = models.JSONField()
    saved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.grant_round}: {len(self.body)}"


class PartnershipCounty(models.Model):
    """Part of the read model of the tallies (partnerships/tallies.py): for a partnership
    and a Swedish county ("code|name"), how many of its Swedish participants are published
    organisations there. A partnership counts once in a county where this is above 0."""

    # No constraint in the database: a partnership deleted in SQL after its participants
    # leaves rows at 0 here (never read), which a constraint would refuse at commit.
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    code = models.CharField(_("county"), max_length=120)
    n = models.IntegerField(_("Swedish participants"))

    class Meta:
        verbose_name = _("Swedish county of a partnership")
        verbose_name_plural = _("Swedish counties of partnerships")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"], name="partnership_county_unique"
            )
        ]

    def __str__(self):
        return f"{self.partnership_id} {self.code}: {self.n}"


class PartnershipTally(models.Model):
    """The read model of what all published partnerships add up to: for each key of a
    dimension (a goal, theme, country or programme by its id or code, a Swedish
    participant by its organisation's id, or the total), the number of published
    partnerships that have it and their grants and SEK granted; and the same within each
    goal and partner country for some dimensions (tallies.SCOPED). Kept by triggers
    (partnerships/tallies.py); the lists, the home page and the statistics read it where
    they count every published partnership, or those of one goal or country."""

    dimension = models.CharField(_("dimension"), max_length=24)
    code = models.CharField(_("code"), max_length=120, blank=True)
    partnerships = models.IntegerField(_("partnerships"))
    grants = models.IntegerField(_("grants"))
    sek = models.BigIntegerField(_("SEK granted"))

    class Meta:
        verbose_name = _("tally of the published partnerships")
        verbose_name_plural = _("tallies of the published partnerships")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="partnership_tally_unique")
        ]

    def __str__(self):
        return f"{self.dimension} {self.code}: {self.partnerships}"
