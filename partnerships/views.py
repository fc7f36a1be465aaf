from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from core.views import FilteredListView
from partnerships.filters import MunicipalityFilterSet, PartnershipFilterSet
from partnerships.models import Grant, GrantRound, Municipality, Partnership


class PartnershipListView(FilteredListView):
    template_name = "partnerships/partnership_list.html"
    filterset_class = PartnershipFilterSet

    def get_base_queryset(self):
        return Partnership.objects.published().for_list()


class PartnershipDetailView(TemplateView):
    template_name = "partnerships/partnership_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partnership"] = get_object_or_404(
            Partnership.objects.published().for_detail(), slug=kwargs["slug"]
        )
        return context


class MunicipalityListView(FilteredListView):
    template_name = "partnerships/municipality_list.html"
    filterset_class = MunicipalityFilterSet

    def get_base_queryset(self):
        return (
            Municipality.objects.published()
            .swedish()
            .annotate(
                n_published=Count(
                    "partnerships", filter=Q(partnerships__publication="published"), distinct=True
                )
            )
            .order_by("name", "id")
        )


class MunicipalityDetailView(TemplateView):
    template_name = "partnerships/municipality_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipality = get_object_or_404(Municipality.objects.published(), slug=kwargs["slug"])
        partnerships = (
            Partnership.objects.published()
            .filter(swedish_participants=municipality)
            .select_related("country")
            .prefetch_related(
                Prefetch("grants", queryset=Grant.objects.select_related("grant_round"))
            )
        )
        context.update(
            municipality=municipality,
            partnerships=partnerships,
            rounds=GrantRound.objects.filter(participants=municipality).select_related("programme"),
        )
        return context
