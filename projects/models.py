from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import (
    SLUG_HELP,
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
    Source,
    SourcedModel,
    Theme,
    participation_constraints,
)


class ProjectQuerySet(DatedQuerySet):
    def draft_dependencies(self):
        """What the public pages of these projects would name but leave out because it is
        not published: [(model, queryset of them)] (the admin warns of them)."""
        organisations = Organisation.objects.not_published().filter(
            pk__in=ProjectParticipant.objects.filter(project__in=self).values("organisation_id"),
        )
        programmes = Programme.objects.not_published().filter(pk__in=self.values("programme_id"))
        return [(Organisation, organisations), (Programme, programmes)]

    def for_list(self):
        return self.select_related("programme").prefetch_related(
            Prefetch("countries", to_attr="country_list"), Prefetch("goals", to_attr="goal_list")
        )

    def for_detail(self):
        return self.select_related("programme", "status_source__publisher").prefetch_related(
            "countries",
            "goals",
            "themes",
            Prefetch("sources", queryset=Source.objects.select_related("publisher")),
            Prefetch(
                "participants",
                queryset=ProjectParticipant.objects.filter(**published_at("organisation"))
                .select_related("organisation")
                .order_by("role", "position", "id"),
            ),
            "yearly_budgets",
        )


class Project(DatedModel, SourcedModel, BilingualTitleMixin, LeadImageModel, PublishableModel):
    """An international project carried out by SALAR International, usually funded by Sida."""

    # The texts of SQLite's full-text index (core.fulltext; its migration names the same).
    FULLTEXT_COLUMNS = ("title_sv", "summary_sv", "body_sv", "title_en", "summary_en", "body_en")
    # PostgreSQL's stored vector: (Swedish texts, English texts) (core.fulltext; idem).
    SEARCH_VECTOR = (("title_sv", "summary_sv", "body_sv"), ("title_en", "summary_en", "body_en"))

    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=SLUG_HELP)
    body_sv = models.TextField(
        _("body (Swedish)"),
        blank=True,
        help_text=with_markdown_help(
            _("The project's story: what, where, with whom and what came of it.")
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
        related_name="projects",
        help_text=_("The umbrella the project belongs to, e.g. SymbioCity, if any."),
    )
    countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries"),
        blank=True,
        related_name="projects",
        help_text=_("Where the project works. Type a few letters of each country's name."),
    )
    goals = models.ManyToManyField(
        Goal,
        verbose_name=_("goals"),
        blank=True,
        related_name="projects",
        help_text=_("The global goals the project works for. Type a number or a word."),
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("themes"),
        blank=True,
        related_name="projects",
        help_text=_("Type a few letters of the theme."),
    )
    budget_sek = models.BigIntegerField(
        _("budget, SEK"),
        null=True,
        blank=True,
        help_text=_("The whole budget in Swedish kronor, when a source states it."),
    )

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["title_sv", "id"]
        permissions = [("publish_project", _("Can publish and unpublish projects"))]
        constraints = [
            *dated_constraints("project"),
            models.CheckConstraint(
                condition=Q(budget_sek__isnull=True) | Q(budget_sek__gt=0),
                name="project_budget_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["start_date", "end_date"], name="project_dates_idx"),
            models.Index(fields=["publication", "title_sv"], name="project_pub_title_idx"),
            # The feed's latest changes and the about page's "last updated".
            models.Index(
                fields=["publication", "updated_at", "id"], name="project_pub_updated_idx"
            ),
        ]

    @property
    def body(self):
        return localized(self, "body")

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.slug])


class ProjectParticipant(ParticipationBase):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="project_roles",
        help_text=_("Type a few letters of the name, a former name, the acronym or a code."),
    )

    class Meta(ParticipationBase.Meta):
        constraints = participation_constraints("project_participant", "project")


class ProjectBudget(models.Model):
    """The budget of one year, when a source gives it by year."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="yearly_budgets")
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("For example 2019."))
    amount_sek = models.BigIntegerField(
        _("amount, SEK"), help_text=_("The budget of that year in whole kronor.")
    )

    class Meta:
        verbose_name = _("budget for a year")
        verbose_name_plural = _("budget by year")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="project_budget_one_a_year"),
            models.CheckConstraint(
                condition=Q(amount_sek__gt=0), name="project_budget_year_positive"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2100), name="project_budget_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.amount_sek}"
