from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import (
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


class ProjectQuerySet(PublishableQuerySet):
    def for_list(self):
        return self.select_related("programme").prefetch_related("countries", "goals")

    def for_detail(self):
        return self.select_related("programme", "funder", "implementer").prefetch_related(
            "countries", "goals", "themes", "partners"
        )


class Project(BilingualTitleMixin, PublishableModel):
    """An international project carried out by SALAR International, usually funded by Sida."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    body_sv = models.TextField(_("body (Swedish)"), blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        blank=True,
        db_index=True,
        help_text=_("Leave empty when the sources do not say."),
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("funder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_funded",
    )
    implementer = models.ForeignKey(
        Organisation,
        verbose_name=_("implementer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_implemented",
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partners"), blank=True, related_name="projects_partnered"
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="projects"
    )
    goals = models.ManyToManyField(
        Goal, verbose_name=_("goals"), blank=True, related_name="projects"
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="projects"
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where the facts come from.")
    )

    objects = ProjectQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["title_sv", "id"]
        permissions = [("publish_project", _("Can publish and unpublish projects"))]
        constraints = year_range_constraints("project")
        indexes = [
            models.Index(fields=["start_year", "end_year"], name="project_years_idx"),
            models.Index(fields=["publication", "title_sv"], name="project_pub_title_idx"),
        ]

    @property
    def body(self):
        return localized(self, "body")

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.slug])
