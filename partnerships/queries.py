"""Selectors over partnerships for other layers' use (pages, exports, the API): "published
partnerships per municipality" is read here and nowhere else."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.filters import memoised
from core.models import published_at
from core.quality import FACTS, completeness
from partnerships.models import GrantRound, Partnership, PartnershipParticipant, PartnershipTally
from partnerships.quality import CHECKS
from partnerships.tallies import DIMENSIONS, SCOPED, TALLIED_FACTS
from reference.models import Organisation, Role


def swedish_links(**lookups):
    """(partnership, Swedish participant) rows, both published."""
    return PartnershipParticipant.objects.filter(
        role=Role.SWEDISH_PARTICIPANT,
        **published_at("organisation"),
        **published_at("partnership"),
    ).filter(**lookups)


def tallies(holder=None):
    """{dimension: {code: (partnerships, grants, SEK)}} of all published partnerships, from
    the read model (partnerships/tallies.py, which names the dimensions and codes): one
    query, memoised on `holder` (the request, or whatever else asks more than once)."""
    return memoised(holder, "_partnership_tallies", _read_tallies)


def _read_tallies(dimensions=DIMENSIONS):
    result = {}
    rows = PartnershipTally.objects.filter(partnerships__gt=0, dimension__in=dimensions)
    for dimension, code, n, grants, sek in rows.values_list(
        "dimension", "code", "partnerships", "grants", "sek"
    ):
        result.setdefault(dimension, {})[code] = (n, grants, sek)
    return result


def tallied(dimension, holder=None, column=0, key=str, within=None):
    """{key(code): partnerships (column 0), grants (1) or SEK (2)} of `dimension`, of all
    published partnerships or, `within` ("goal", its id) or ("country", its code), of
    those of that one goal or country (tallies.SCOPED says which dimensions it counts)."""
    if within is None:
        rows = tallies(holder).get(dimension, {})
    else:  # every dimension within that goal or country, in one query
        scope, value = within
        names = [f"{name}/{value}" for name in SCOPED[scope].values()]
        read = memoised(holder, f"_tallies_{scope}_{value}", lambda: _read_tallies(names))
        rows = read.get(f"{SCOPED[scope][dimension]}/{value}", {})
    return {key(code): values[column] for code, values in rows.items()}


def published_totals(holder=None, within=None):
    """(partnerships, grants, SEK) of all published partnerships, or `within` ("goal", its
    id) or ("country", its code) of those of that one goal or country (their key's row)."""
    dimension, code = ("total", "") if within is None else (within[0], str(within[1]))
    return tallies(holder).get(dimension, {}).get(code, (0, 0, 0))


def published_completeness(holder=None):
    """What core.quality.completeness gives of all published partnerships (the number of
    them the sources do not state each fact of, and their number), from the tallies."""
    public = [check for check in CHECKS if check.fact]
    if not {check.fact for check in public} <= TALLIED_FACTS:
        return completeness(Partnership.objects.published(), CHECKS)
    holder = SimpleNamespace() if holder is None else holder  # one query for both
    counted = tallied("unstated", holder)
    unstated = [(FACTS[check.fact], counted.get(check.fact, 0)) for check in public]
    return unstated, published_totals(holder)[0]


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


# At most this many municipalities or regions side by side (README, "Site pages").
MAX_COMPARED = 5


def comparable_municipalities():
    """The published Swedish municipalities, county councils and regions, by name: the
    choices of the comparison (a draft is none)."""
    return Organisation.objects.published().swedish_local().order_by("name_sv", "id")


@dataclass
class Compared:
    """One column of the comparison: what is recorded of an organisation's published
    partnerships, and the rounds whose announcement names it."""

    organisation: Organisation
    partnerships: int = 0
    countries: list = field(default_factory=list)  # [(country, partnerships)]
    goals: list = field(default_factory=list)  # [(goal, partnerships)]
    themes: list = field(default_factory=list)  # [(theme, partnerships)]
    partners: list = field(default_factory=list)  # published partner local governments
    grants: int = 0
    sek: int = 0  # the whole of the recorded grants (SEK a year × years)
    without_grant: int = 0  # partnerships with no grant recorded (unstated=grants)
    grant_rounds: list = field(default_factory=list)  # public rounds of the grants
    stated_rounds: list = field(default_factory=list)  # public rounds naming it


def comparison(organisations):
    """[Compared] for published Swedish participants, in the order given, counted as
    their own pages count: their published partnerships as a Swedish participant (those
    of the list ?municipality=<slug>), all the grants of those partnerships (a grant of a
    partnership of two counts in full for each, as on both pages), and the public rounds
    whose announcement names them. Ten queries, whatever the number of organisations."""
    organisations = list(organisations)
    ids = [organisation.pk for organisation in organisations]
    members = defaultdict(set)
    links = swedish_links(organisation_id__in=ids).order_by()
    for organisation_id, partnership_id in links.values_list("organisation_id", "partnership_id"):
        members[organisation_id].add(partnership_id)
    partnerships = {
        partnership.pk: partnership
        for partnership in Partnership.objects.published()
        .filter(pk__in=set().union(*members.values()))
        .for_comparison()
    }
    round_ids = {
        grant.grant_round_id for p in partnerships.values() for grant in p.grants.all()
    } - {None}
    public_rounds = {r.pk: r for r in GrantRound.objects.public().filter(pk__in=round_ids)}
    stated = defaultdict(list)
    named = GrantRound.participants.through.objects.filter(organisation_id__in=ids)
    for grant_round in (
        GrantRound.objects.public().filter(pk__in=named.values("grantround_id")).with_statements()
    ):
        for participant in grant_round.participants.all():
            stated[participant.pk].append(grant_round)
    return [
        _compared(
            organisation,
            [partnerships[pk] for pk in members[organisation.pk] if pk in partnerships],
            public_rounds,
            stated[organisation.pk],
        )
        for organisation in organisations
    ]


def _counted(items, key):
    """[(item, how many times)] ordered by `key`."""
    return sorted(Counter(items).items(), key=lambda pair: key(pair[0]))


def _compared(organisation, partnerships, public_rounds, stated_rounds):
    grants = [grant for p in partnerships for grant in p.grants.all()]
    rounds = {public_rounds[g.grant_round_id] for g in grants if g.grant_round_id in public_rounds}
    partners = {link.organisation for p in partnerships for link in p.partner_list}
    return Compared(
        organisation=organisation,
        partnerships=len(partnerships),
        countries=_counted((p.country for p in partnerships if p.country), lambda c: c.name),
        goals=_counted(
            (goal for p in partnerships for goal in p.goals.all()),
            lambda g: (not g.is_sdg, g.number),
        ),
        themes=_counted((theme for p in partnerships for theme in p.themes.all()), str),
        partners=sorted(partners, key=lambda o: o.name),
        grants=len(grants),
        sek=sum(grant.total_sek for grant in grants),
        without_grant=sum(1 for p in partnerships if not p.grants.all()),
        grant_rounds=sorted(rounds, key=lambda r: (-(r.year or 0), r.title)),
        stated_rounds=stated_rounds,
    )
