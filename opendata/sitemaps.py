"""sitemap.xml: every published page in both languages, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse

from partnerships.models import GrantRound, Partnership
from projects.models import Project
from reference.models import SWEDISH_LOCAL_KINDS, Country, Goal, Organisation, Programme


class I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(I18nSitemap):
    def items(self):
        return [
            "pages:home",
            "projects:project-list",
            "partnerships:partnership-list",
            "partnerships:municipality-list",
            "pages:goal-list",
            "pages:country-list",
            "pages:accessibility",
            "pages:organisation-list",
            "pages:programme-list",
            "pages:about",
            "pages:statistics",
            "corrections:log",
            "opendata:page",
            "opendata:data-dictionary",
        ]

    def location(self, item):
        return reverse(item)


class RecordSitemap(I18nSitemap):
    def lastmod(self, item):
        return item.updated_at


class ProjectSitemap(RecordSitemap):
    def items(self):
        return Project.objects.published().order_by("id").only("slug", "updated_at")


class PartnershipSitemap(RecordSitemap):
    def items(self):
        return Partnership.objects.published().order_by("id").only("slug", "updated_at")


class MunicipalitySitemap(RecordSitemap):
    def items(self):
        return (
            Organisation.objects.published()
            .swedish_local()
            .order_by("id")
            .only("slug", "kind", "updated_at")
        )


class GoalSitemap(I18nSitemap):
    def items(self):
        return Goal.objects.filter(framework="sdg").order_by("number")


class CountrySitemap(I18nSitemap):
    """Countries with at least one published project or partnership."""

    def items(self):
        projects = Project.countries.through.objects.filter(
            project__in=Project.objects.published().order_by()
        ).values("country_id")
        partnerships = Partnership.objects.published().order_by().values("country_id")
        return Country.objects.filter(Q(code__in=projects) | Q(code__in=partnerships)).order_by(
            "code"
        )


class OrganisationSitemap(RecordSitemap):
    """Organisations other than the Swedish municipalities and regions (their own list)."""

    def items(self):
        return (
            Organisation.objects.published()
            .exclude(kind__in=SWEDISH_LOCAL_KINDS)
            .order_by("id")
            .only("slug", "kind", "updated_at")
        )


class ProgrammeSitemap(RecordSitemap):
    def items(self):
        return Programme.objects.published().order_by("id").only("slug", "updated_at")


class GrantRoundSitemap(RecordSitemap):
    def items(self):
        return GrantRound.objects.public().order_by("id").only("slug", "updated_at")


SITEMAPS = {
    "pages": StaticSitemap,
    "projects": ProjectSitemap,
    "partnerships": PartnershipSitemap,
    "municipalities": MunicipalitySitemap,
    "goals": GoalSitemap,
    "countries": CountrySitemap,
    "organisations": OrganisationSitemap,
    "programmes": ProgrammeSitemap,
    "rounds": GrantRoundSitemap,
}
