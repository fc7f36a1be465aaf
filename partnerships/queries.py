"""Selectors over partnerships for other layers' use (pages, exports)."""

from django.db.models import Count, Q

from core.models import published_at
from reference.models import Role


def with_partnership_counts(organisations):
    """Each organisation with the number of published partnerships it takes part in as a
    Swedish participant."""
    return organisations.annotate(
        n_published=Count(
            "partnership_roles__partnership",
            filter=Q(
                partnership_roles__role=Role.SWEDISH_PARTICIPANT,
                **published_at("partnership_roles__partnership"),
            ),
            distinct=True,
        )
    )
