"""Selectors over partnerships for other layers' use (pages, exports, the API): "published
partnerships per municipality" is read here and nowhere else."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.models import published_at
from partnerships.models import PartnershipParticipant
from reference.models import Role


def swedish_links(**lookups):
    """(partnership, Swedish participant) rows, both published."""
    return PartnershipParticipant.objects.filter(
        role=Role.SWEDISH_PARTICIPANT,
        **published_at("organisation"),
        **published_at("partnership"),
    ).filter(**lookups)


def partnership_counts(organisation_ids):
    """{organisation id: the published partnerships it takes part in as a Swedish
    participant} for a page of organisations, in one grouped query (absent: none)."""
    rows = swedish_links(organisation_id__in=list(organisation_ids))
    return dict(rows.values_list("organisation_id").annotate(n=Count("pk")).order_by())


def with_partnership_counts(organisations):
    """The same number as the annotation `n_published` (exports, sorting by it)."""
    counted = (
        swedish_links(organisation_id=OuterRef("pk"))
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return organisations.annotate(n_published=Coalesce(Subquery(counted), 0))
