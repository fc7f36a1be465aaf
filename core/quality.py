"""Data-quality checks: conditions a record should not meet (no English title, no goals,
a stated status its dates contradict, a draft forgotten for a month …). Each app lists the
checks of its models with these helpers; counting them takes one query per model
(`count_checks`), and the same conditions filter the admin's changelists
(`quality_list_filter`), so a count and the list it links to always agree."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connections
from django.db.models import Count, Exists, F, Func, OuterRef, Q
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PARAMETER = "kvalitet"
OLD_DRAFT_DAYS = 30


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    condition: object  # callable(model) -> Q
    # The fact a reader expects (a key of FACTS) that the check finds unstated; None for
    # checks only editors need (an old draft).
    fact: str | None = None


# The facts a reader expects of a record, as the public pages name them when the sources
# do not state them. Each app's checks name theirs; the lists' filter `unstated` takes
# these keys (one that does not apply to a kind of record selects none of it).
FACTS = {
    "english": _("English text"),
    "period": _("period"),
    "goals": _("global goals"),
    "country": _("country"),
    "source": _("source"),
    "budget": _("budget"),
    "participants": _("participants"),
    "partner": _("partner local government"),
    "grants": _("grants and amounts"),
}


def lacks(relation, **where):
    """No row through `relation` (a many-to-many or reverse foreign key) matching `where`
    (lookups on the linked rows, or on a many-to-many's targets), read from the link
    table alone: NOT EXISTS of the linked rows. Counted over many records (counted())
    each such check is a query's WHERE, where PostgreSQL plans an anti-join, not an
    aggregate's FILTER, where it ran an EXISTS once a row."""

    def condition(model):
        rows, column = _links(model, relation, where)
        return ~Q(Exists(rows.filter(**{column: OuterRef("pk")})))

    return condition


def _links(model, relation, where):
    """(the link rows of `relation` that match `where`, the column naming `model`'s id)."""
    field = model._meta.get_field(relation)
    if field.many_to_many:
        target = field.m2m_reverse_field_name()
        rows = field.remote_field.through.objects.filter(
            **{f"{target}__{lookup}": value for lookup, value in where.items()}
        )
        return rows, field.m2m_field_name()
    return field.related_model._base_manager.filter(**where), field.field.attname


def empty(*fields):
    """Any of the text fields empty."""

    def condition(model):
        result = Q()
        for name in fields:
            result |= Q(**{name: ""})
        return result

    return condition


def missing(field):
    def condition(model):
        return Q(**{f"{field}__isnull": True})

    return condition


def all_of(*conditions):
    """Every one of the conditions."""

    def condition(model):
        result = Q()
        for part in conditions:
            result &= part(model)
        return result

    return condition


def undated(model):
    return Q(start_date__isnull=True, end_date__isnull=True)


def status_contradicted(model):
    """A status stated by a source that the dates now decide otherwise, or "planned" for
    a record whose start has passed."""
    today = timezone.localdate()
    return ~Q(stated_status="") & (
        (Q(end_date__lt=today) & ~Q(stated_status="completed"))
        | (Q(start_date__lte=today) & Q(stated_status="planned"))
        | (Q(start_date__gt=today) & ~Q(stated_status="planned"))
        | (Q(start_date__lte=today, end_date__gte=today) & ~Q(stated_status="ongoing"))
    )


def old_draft(model):
    return Q(
        publication="draft",
        created_at__lt=timezone.now() - timedelta(days=OLD_DRAFT_DAYS),
    )


def _one_row_each(model, condition):
    """Whether a condition (Q) reads only the record's own row and single-valued
    relations (a read model's row, a foreign key): no subquery (Exists, a queryset in
    `__in`) and no lookup through a many-valued relation, which would join several rows
    to a record and count it more than once in an aggregate."""
    if not isinstance(condition, Q):
        return False
    for child in condition.children:
        if isinstance(child, Q):
            if not _one_row_each(model, child):
                return False
        elif not isinstance(child, tuple):
            return False  # an expression: Exists and the like
        else:
            lookup, value = child
            if hasattr(value, "query") or hasattr(value, "resolve_expression"):
                return False
            if not _single_valued(model, lookup):
                return False
    return True


def _single_valued(model, lookup):
    for name in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return True  # a lookup or transform (exact, isnull, year …)
        if field.many_to_many or field.one_to_many:
            return False
        if not field.is_relation:
            return True
        model = field.related_model
    return True


def counted(queryset, conditions):
    """{key: number of records of `queryset` that meet its condition} for a dict of
    conditions (Q), in one query. Conditions on the records' own columns and single-valued
    relations (a read model's row) are FILTERs of one aggregate: one pass over the rows.
    Where a condition checks linked rows (lacks()) the query is a SELECT of one scalar
    subquery per condition, each a plain filtered count: as a WHERE, the check is an
    anti-join on PostgreSQL; as a FILTER of one aggregate it was a hashed NOT IN built
    again in every parallel worker, or an EXISTS per row (the partnerships' completeness
    at 100 000: 208 ms as one aggregate, 145 ms so)."""
    query = queryset.query
    if (
        query.group_by is not None
        or query.distinct
        or query.is_sliced
        or query.combinator
        or any(getattr(a, "contains_aggregate", False) for a in query.annotations.values())
    ):  # grouped, distinct over joins, sliced or combined: count the records themselves
        ids = queryset.order_by().values("pk")
        queryset = queryset.model._base_manager.filter(pk__in=ids)
    if all(_one_row_each(queryset.model, condition) for condition in conditions.values()):
        return queryset.order_by().aggregate(
            **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
        )
    parts, params = [], []
    for condition in conditions.values():
        rows = queryset.filter(condition).order_by()
        rows = rows.annotate(n_=Func(F("pk"), function="COUNT")).values("n_")
        try:
            sql, part_params = rows.query.sql_with_params()
        except EmptyResultSet:  # a selection that is none by construction
            sql, part_params = "SELECT 0", ()
        parts.append(f"({sql})")
        params.extend(part_params)
    if not parts:
        return {}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(conditions, cursor.fetchone(), strict=True))


def count_checks(queryset, checks, many=True):
    """{check key: number of records} in one query; `many=False` for a single record."""
    model = queryset.model
    if many:
        return counted(queryset, {check.key: check.condition(model) for check in checks})
    return queryset.aggregate(
        **{check.key: Count("pk", filter=check.condition(model)) for check in checks}
    )


def unstated(record, checks):
    """The facts (Check.fact) the sources do not state of `record`, by the same conditions
    as the admin's counts and filters, in one query."""
    public = [check for check in checks if check.fact]
    if not public:
        return []
    counts = count_checks(type(record)._base_manager.filter(pk=record.pk), public, many=False)
    return [FACTS[check.fact] for check in public if counts[check.key]]


def completeness(queryset, checks):
    """[(fact, number of records of `queryset` the sources do not state it of)] and the
    number of records, in one query: the about page's sums of what unstated() shows."""
    public = [check for check in checks if check.fact]
    counts = counted(
        queryset, {"total": Q(), **{c.key: c.condition(queryset.model) for c in public}}
    )
    return [(FACTS[check.fact], counts[check.key]) for check in public], counts["total"]


def quality_list_filter(checks):
    """A changelist filter (parameter `kvalitet`) with the same conditions as the counts."""

    class QualityFilter(admin.SimpleListFilter):
        title = _("data quality")
        parameter_name = PARAMETER

        def lookups(self, request, model_admin):
            return [(check.key, check.label) for check in checks]

        def queryset(self, request, queryset):
            for check in checks:
                if self.value() == check.key:
                    return queryset.filter(check.condition(queryset.model))
            return queryset

    return QualityFilter


def record_checks(*, country, goals=None, sources=None):
    """The checks every project and partnership gets; `country` is a check for where,
    `goals` and `sources` for none linked (a model with a read model of its links passes
    conditions that read it)."""
    return [
        Check(
            "no-english",
            _("without an English title or summary"),
            empty("title_en", "summary_en"),
            fact="english",
        ),
        Check("no-period", _("without dates"), undated, fact="period"),
        Check("no-goals", _("without goals"), goals or lacks("goals"), fact="goals"),
        Check("no-country", _("without a country"), country, fact="country"),
        Check("no-source", _("without a source"), sources or lacks("sources"), fact="source"),
        Check(
            "status-contradicted",
            _("with a stated status that the dates contradict"),
            status_contradicted,
        ),
        Check("old-drafts", _("drafts older than 30 days"), old_draft),
    ]
