from django.db.models import Prefetch, Sum
from django.http import HttpResponseRedirect, QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.charts import bar_table, year_panel, year_table
from core.filters import selected
from core.pagination import DETAIL_LIST_SIZE
from core.pdf import PdfMixin
from core.text import quoted
from core.views import FilteredExportView, FilteredListView, PreviewDetailView
from partnerships.exports import (
    grant_dataset,
    grant_export_queryset,
    municipality_dataset,
    partnership_dataset,
)
from partnerships.filters import MunicipalityFilterSet, PartnershipFilterSet
from partnerships.models import Grant, GrantRound, Partnership, granted_sek
from partnerships.quality import CHECKS
from partnerships.queries import (
    MAX_COMPARED,
    comparable_municipalities,
    comparison,
    partnership_counts,
    with_partnership_counts,
)
from reference.models import Organisation


class PartnershipSource:
    filterset_class = PartnershipFilterSet

    def get_queryset(self):
        return Partnership.objects.published().for_list()


class PartnershipListView(PartnershipSource, FilteredListView):
    template_name = "partnerships/partnership_list.html"
    exports = (
        (_("Export CSV"), "partnerships:partnership-export", {}),
        (
            _("Export CSV for Excel (semicolons)"),
            "partnerships:partnership-export",
            {"format": "excel"},
        ),
        (_("Export grants as CSV"), "partnerships:grant-export", {}),
        (
            _("Export grants with 360Giving columns"),
            "partnerships:grant-export",
            {"columns": "360giving"},
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["is_filtered"]:
            # What the sources state about rounds whose partnerships are not recorded.
            context["stated_rounds"] = (
                GrantRound.objects.public().stated().not_recorded().with_statements()
            )
        return context


class PartnershipExportView(PartnershipSource, FilteredExportView):
    filename_stem = "partnerskap"

    def get_dataset(self):
        return partnership_dataset()


class GrantExportView(PartnershipSource, FilteredExportView):
    """The grants of exactly the partnerships the list shows (with columns=360giving, the
    360Giving CSV: opendata.views.GrantExportView)."""

    filename_stem = "bidrag"

    def get_dataset(self):
        return grant_dataset()

    def get_export_queryset(self, records):
        return grant_export_queryset(records)


class PartnershipDetailView(PreviewDetailView):
    model = Partnership
    template_name = "partnerships/partnership_detail.html"
    context_object_name = "partnership"
    quality_checks = CHECKS


class PartnershipPdfView(PdfMixin, PartnershipDetailView):
    """The partnership's page as a PDF (core.pdf); a draft only for those who may preview
    it."""

    pdf_template_name = "partnerships/partnership_pdf.html"

    def pdf_filename_stem(self):
        return self.object.slug


class MunicipalitySource:
    filterset_class = MunicipalityFilterSet

    def get_queryset(self):
        return Organisation.objects.published().swedish_local().order_by("name_sv", "id")


class MunicipalityListView(MunicipalitySource, FilteredListView):
    template_name = "partnerships/municipality_list.html"

    def decorate_page(self, objects):
        """For the page's rows only: partnership counts in one grouped query, and the
        grant rounds each took part in (what is known where no partnership is recorded
        yet) in one more."""
        pks = [m.pk for m in objects]
        counts = partnership_counts(pks)
        rounds = {}
        links = GrantRound.participants.through.objects.filter(organisation_id__in=pks)
        for link in links.select_related("grantround").order_by("grantround__title_sv"):
            rounds.setdefault(link.organisation_id, []).append(link.grantround)
        for m in objects:
            m.n_published = counts.get(m.pk, 0)
            m.round_list = rounds.get(m.pk, [])

    exports = (
        (_("Export CSV"), "partnerships:municipality-export", {}),
        (
            _("Export CSV for Excel (semicolons)"),
            "partnerships:municipality-export",
            {"format": "excel"},
        ),
    )


class MunicipalityExportView(MunicipalitySource, FilteredExportView):
    filename_stem = "kommuner"

    def get_dataset(self):
        return municipality_dataset()

    def get_export_queryset(self, records):
        return with_partnership_counts(records)


class MunicipalityDetailView(PreviewDetailView):
    template_name = "partnerships/municipality_detail.html"
    context_object_name = "municipality"

    def get_queryset(self):
        return (
            Organisation.objects.visible_to(self.request.user)
            .swedish_local()
            .prefetch_related("former_names")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partnerships = (
            Partnership.objects.published()
            .with_swedish_participant([self.object])
            .select_related("country")
            .prefetch_related(
                Prefetch("grants", queryset=Grant.objects.select_related("grant_round"))
            )
        )
        shown = list(partnerships[: DETAIL_LIST_SIZE + 1])
        count = len(shown) if len(shown) <= DETAIL_LIST_SIZE else partnerships.count()
        context.update(
            partnerships=shown[:DETAIL_LIST_SIZE],
            partnership_count=count,
            rounds=GrantRound.objects.public()
            .filter(participants=self.object)
            .with_statements(participants=False),
            panel=self.statistics_panel(),
        )
        return context

    def statistics_panel(self):
        """Its partnerships and their grants by year, as the statistics page counts them
        for ?municipality=<slug> (three grouped queries)."""
        query = QueryDict(mutable=True)
        query["municipality"] = self.object.slug
        filterset = PartnershipFilterSet(query, queryset=Partnership.objects.published())
        # A draft (seen in preview) is no option of the filter: nothing public to count.
        partnerships = selected(filterset).order_by()
        grants = Grant.objects.filter(partnership__in=partnerships.values("pk")).order_by()
        sek = grants.values_list("year").annotate(v=Sum(granted_sek()))
        table = year_table(
            {"partnerships": filterset.facet_year(partnerships)},
            {str(year): value for year, value in sek},
        )
        return year_panel(table, query.urlencode())


class MunicipalityCompareView(TemplateView):
    """Two to five municipalities or regions side by side, ?municipality=a&municipality=b
    in the order given (README, "Site pages, statistics and the map"); fewer: the form to
    choose them. An address with empty or repeated choices moves to the one without."""

    template_name = "partnerships/municipality_compare.html"
    parameter = "municipality"

    def get(self, request, *args, **kwargs):
        given = request.GET.getlist(self.parameter)
        self.slugs = list(dict.fromkeys(value.strip() for value in given if value.strip()))
        if self.slugs != given:
            query = urlencode([(self.parameter, slug) for slug in self.slugs])
            return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["problems"] else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = list(comparable_municipalities())
        by_slug = {m.slug: m for m in choices}
        problems = [
            gettext(
                "No published municipality, county council or region is found under “%(value)s”."
            )
            % {"value": quoted(slug)}
            for slug in self.slugs
            if slug not in by_slug
        ]
        if len(self.slugs) > MAX_COMPARED:
            problems.append(
                gettext("Choose at most five municipalities or regions: the address names %(n)s.")
                % {"n": len(self.slugs)}
            )
        chosen = [by_slug[slug] for slug in self.slugs if slug in by_slug][:MAX_COMPARED]
        compared = comparison(chosen) if len(chosen) >= 2 and not problems else []
        context.update(
            choices=choices,
            selects=[
                (number, chosen[number - 1].slug if number <= len(chosen) else "")
                for number in range(1, MAX_COMPARED + 1)
            ],
            problems=problems,
            too_few=not problems and len(chosen) == 1,
            compared=compared,
            permanent=self.request.build_absolute_uri(
                self.request.path + "?" + urlencode([(self.parameter, s) for s in self.slugs])
            ),
            chart=self.chart(compared),
        )
        return context

    def chart(self, compared):
        """Partnerships and SEK granted of each, as a bar chart with its table; the rows
        link to each one's statistics."""
        rows = [
            (
                column.organisation.name,
                # No grant recorded: no amount, rather than 0 SEK.
                {"partnerships": column.partnerships, "sek": column.sek if column.grants else None},
                f"municipality={column.organisation.slug}",
            )
            for column in compared
        ]
        return bar_table("compare", _("By municipality or region"), rows, ("partnerships", "sek"))
