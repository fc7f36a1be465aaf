from django.db.models import Count, Q


def with_partnership_counts(municipalities):
    """Each municipality with the number of published partnerships it takes part in."""
    return municipalities.annotate(
        n_published=Count(
            "partnerships", filter=Q(partnerships__publication="published"), distinct=True
        )
    )
