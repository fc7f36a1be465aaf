"""The read model of what all published partnerships add up to (partnerships.
PartnershipTally): for each key of a dimension (a goal, a theme, a partner country, a
programme, a Swedish participant, a Swedish county, or the one key of the total), the
number of published partnerships that have it, and their grants and SEK granted (from
the grants' read model, partnerships/figures.py); and for each year of decision
("grantyear") the published partnerships' grants decided that year and their SEK (its
rows count grants, in both columns). The lists, the home page and the statistics read
these rows where they count every published partnership, instead of counting the link
tables again on each request (at 100 000 partnerships on PostgreSQL the partnership
list's facets took 13-67 ms each, the home page's goal counts and totals 33-41 ms;
bench/README.md).

Some dimensions are counted within each goal and each partner country too (SCOPED): a
goal's or a country's page, and a list or the statistics filtered by that one value
alone (FilterSet.tally_scope), read them instead of counting a quarter of the
partnerships (goal 11 at 100 000). Any other filtered selection is counted from the
tables, as before.

As the other read models, triggers keep the rows in the same statement as every write,
whichever path writes, by adding differences:
- a partnership published (withdrawn, inserted, deleted) adds 1 to (takes 1 from) every
  key it has, with its grants and SEK; one given another country or programme moves
  from the old key to the new one;
- a goal or theme linked to (unlinked from) a published partnership, or a Swedish
  participant added to (removed from) one, adds (takes) it for that key;
- a change of a published partnership's grants (its row of figures) adds the difference
  of grants and SEK to every key it has.
Each key occurs once in a partnership (a goal is linked once, a participant holds a role
once), so the differences are exact. A county is the exception: a partnership counts
once in a county where any of its Swedish participants is a published organisation, and
one statement may add or remove several of them (PostgreSQL fires the row triggers after
the whole statement, when each sees the others' rows). So the participants of each
partnership in each county are counted first (partnerships.PartnershipCounty, kept by
the participants' and the organisations' triggers), and a county's tally changes where
that number comes to 1 from 0 or to 0. A row that comes to 0 stays, and is not read.

Every write to a published partnership changes a few shared rows (the total, its
goals), so on PostgreSQL each statement that writes these tables first takes one lock of
the transaction (pg_advisory_xact_lock): transactions that write partnerships take turns
as a whole, before they lock any row, and cannot deadlock over the shared rows in
different orders (the grants and source links, which reach the tallies through the other
read models, take it too). The register has a handful of editors; an import holds the
others' saves until it commits. SQLite lets one transaction write at a time anyway.

On PostgreSQL a migration makes the triggers (`operation()`); on SQLite they are made
after every `migrate` (core.triggers.kept_on_sqlite, which says why)."""

import sys
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core.triggers import (
    sqlite_row_trigger_drops,
    sqlite_row_triggers,
    trigger_name,
    trigger_operation,
)
from partnerships.coverage import PARTICIPANTS, PARTNERSHIPS, PUBLISHED, SWEDISH, published

FIGURES = "partnerships_partnershipfigures"
GRANTS = "partnerships_grant"
FACTS = "partnerships_partnershipfacts"
GOALS = "partnerships_partnership_goals"
THEMES = "partnerships_partnership_themes"
ORGANISATIONS = "reference_organisation"
TALLY = "partnerships_partnershiptally"
# For each partnership and Swedish county, its Swedish participants there
# (partnerships.PartnershipCounty): a partnership counts once in a county however many of
# its participants are there, and one statement may add or remove several of them.
COUNTIES = "partnerships_partnershipcounty"
MODEL_TABLES = [COUNTIES, TALLY]
PREFIX = "partnerships_tally"
# The one key of the dimension "total".
TOTAL = ("total", "")

# Link tables: (table, dimension, key column).
LINKS = [(GOALS, "goal", "goal_id"), (THEMES, "theme", "theme_id")]
DIMENSIONS = (
    "total",
    "goal",
    "theme",
    "country",
    "programme",
    "participant",
    "county",
    "unstated",
    "period",
    "grantyear",
)
# The dimensions counted within one goal or one partner country (the selection of a goal's
# or a country's page, and of a list or the statistics filtered by that one value): the
# years of each partnership's period, and the grants by year of decision, each dimension
# named with the goal's id or the country's code after "/" ("goal_period/11",
# "ctry_year/KE"; codes as the dimension's in all).
# Within a country, the partnerships' own keys of COPIED too (a list filtered by one
# country counts its facets from them, the statistics of one country its tables by goal,
# theme, programme and Swedish county): "ctry_goal/KE", "ctry_theme/KE", ...
COPIED = ("goal", "theme", "programme", "participant", "unstated", "county")
SCOPED = {
    "goal": {"period": "goal_period", "grantyear": "goal_year"},
    "country": {
        "period": "ctry_period",
        "grantyear": "ctry_year",
        **{dimension: f"ctry_{dimension}" for dimension in COPIED},
    },
}
# The facts (core.quality.FACTS) a partnership's sources do not state, as the checks of
# partnerships/quality.py find them: from the partnership's columns, and from the counts
# of what is stated (partnerships/facts.py). tests/test_read_model.py holds them to the
# checks.
UNSTATED_COLUMNS = {
    "english": "{p}.title_en = '' OR {p}.summary_en = ''",
    "period": "{p}.start_date IS NULL AND {p}.end_date IS NULL",
    "country": "{p}.country_id IS NULL",
}
UNSTATED_FACTS = {"goals": "goals", "source": "sources", "partner": "partners", "grants": "grants"}
TALLIED_FACTS = {*UNSTATED_COLUMNS, *UNSTATED_FACTS}


def _text(expression):
    return f"CAST({expression} AS TEXT)"


def _county(o):
    """SQL: the code of the dimension "county" of organisation `o`: its county's code and
    name (the statistics group by both), as "code|name"."""
    return f"{o}.county_code || '|' || {o}.county_name"


def _in_a_county(o):
    """SQL: whether organisation `o` counts under its county: published, with a county."""
    return f"{o}.publication = {PUBLISHED} AND {o}.county_name <> ''"


def _counties(pid):
    """SQL: the counties of the partnership `pid` (COUNTIES: each once)."""
    return f"SELECT 'county', c.code FROM {COUNTIES} c WHERE c.partnership_id = {pid} AND c.n > 0"


def _year(date, vendor):
    if vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {date}) AS INTEGER)"
    return f"CAST(SUBSTR({date}, 1, 4) AS INTEGER)"  # SQLite keeps dates as ISO text


def _period(p, vendor):
    """SQL: the code of the dimension "period" of partnership `p`: the years of its start
    and end, as "start|end" ('' for a date not given). The year facet counts the years a
    partnership is active from these pairs (the current year for an open end), so a
    tally of them stays right as the years pass."""
    start, end = (
        f"COALESCE({_text(_year(f'{p}.{column}', vendor))}, '')"
        for column in ("start_date", "end_date")
    )
    return f"{start} || '|' || {end}"


def _partnership_columns(p, vendor):
    """SQL: the (dimension, code) pairs of partnership `p` that its own columns give."""
    return [
        f"SELECT 'country', {p}.country_id{{pid}} {{from}} WHERE {{at}} {p}.country_id IS NOT NULL",
        f"SELECT 'programme', {_text(f'{p}.programme_id')}{{pid}} {{from}} "
        f"WHERE {{at}} {p}.programme_id IS NOT NULL",
        f"SELECT 'period', {_period(p, vendor)}{{pid}} {{from}} WHERE {{at}} 1 = 1",
        f"SELECT 'ctry_period/' || {p}.country_id, {_period(p, vendor)}{{pid}} {{from}} "
        f"WHERE {{at}} {p}.country_id IS NOT NULL",
        *(
            f"SELECT 'unstated', '{fact}'{{pid}} {{from}} WHERE {{at}} ({condition.format(p=p)})"
            for fact, condition in UNSTATED_COLUMNS.items()
        ),
    ]


def _unstated_facts(f):
    """SQL: the facts that the counts of what is stated (row `f` of FACTS) leave unstated."""
    return [
        f"SELECT 'unstated', '{fact}'{{pid}} {{from}} WHERE {{at}} {f}.{column} = 0"
        for fact, column in UNSTATED_FACTS.items()
    ]


def _placed(selects, table=None, where=None, pid=""):
    """`selects` (of _partnership_columns or _unstated_facts) reading `table` (as its
    alias in them) where `where` holds, or the trigger's row (no table); with `pid`, a
    column more."""
    if table is None:
        return [sql.format(**{"from": "", "at": "", "pid": pid}) for sql in selects]
    alias = "f" if table == FACTS else "p"
    return [
        sql.format(**{"from": f"FROM {table} {alias}", "at": f"{where} AND", "pid": pid})
        for sql in selects
    ]


def _named(selects):
    """The UNION ALL of `selects`, its columns named dimension and code."""
    return " UNION ALL ".join(["SELECT '' AS dimension, '' AS code WHERE 1 = 0", *selects])


def _keys(pid, vendor, row=None, facts=True):
    """SQL of the (dimension, code) pairs of the partnership whose id is `pid`: its links
    and Swedish participants from their tables, its own columns from `row` (a trigger's
    OLD or NEW partnership) or else from the partnerships' table, and, with `facts`, the
    facts that its row of FACTS leaves unstated."""
    if row:
        columns = _placed(_partnership_columns(row, vendor))
        goal_periods = f"SELECT {_goal_period(row, vendor)} FROM {GOALS} l"
    else:
        columns = _placed(_partnership_columns("p", vendor), PARTNERSHIPS, f"p.id = {pid}")
        goal_periods = (
            f"SELECT {_goal_period('p', vendor)} FROM {GOALS} l "
            f"JOIN {PARTNERSHIPS} p ON p.id = l.partnership_id"
        )
    if facts:
        columns += _placed(_unstated_facts("f"), FACTS, f"f.partnership_id = {pid}")
    parts = [
        f"SELECT '{TOTAL[0]}' AS dimension, '{TOTAL[1]}' AS code",
        *(
            f"SELECT '{dimension}', {_text(f'l.{column}')} FROM {table} l "
            f"WHERE l.partnership_id = {pid}"
            for table, dimension, column in LINKS
        ),
        f"{goal_periods} WHERE l.partnership_id = {pid}",
        *columns,
        f"SELECT 'participant', {_text('s.organisation_id')} FROM {PARTICIPANTS} s "
        f"WHERE s.partnership_id = {pid} AND s.role = {SWEDISH}",
        _counties(pid),
    ]
    return " UNION ALL ".join(parts)


def _goal_period(p, vendor):
    """SQL: the dimension and code of the years of partnership `p`'s period within the
    goal of link `l` (SCOPED)."""
    return f"'goal_period/' || {_text('l.goal_id')}, {_period(p, vendor)}"


def _granted(g):
    """SQL: the SEK of grant `g` (SEK a year × years, as partnerships/figures.py)."""
    return f"CAST({g}.amount_sek_per_year AS BIGINT) * {g}.duration_years"


def _grant_keys(g, pid):
    """SQL: the (dimension, code, sek) of grant `g` (the trigger's row) of partnership
    `pid` by its year of decision: in all, within each goal of the partnership, and
    within its country."""
    year, sek = _text(f"{g}.year"), _granted(g)
    return (
        f"SELECT 'grantyear' AS dimension, {year} AS code, {sek} AS sek "
        f"UNION ALL SELECT 'goal_year/' || {_text('l.goal_id')}, {year}, {sek} "
        f"FROM {GOALS} l WHERE l.partnership_id = {pid} "
        f"UNION ALL SELECT 'ctry_year/' || p.country_id, {year}, {sek} FROM {PARTNERSHIPS} p "
        f"WHERE p.id = {pid} AND p.country_id IS NOT NULL"
    )


def _add_grants(keys, sign, condition):
    """Adds the grants of `keys` (dimension, code, sek: a row for each grant and key),
    counted and summed by key, where `condition` holds. The dimensions of the years of
    decision count grants, not partnerships, in both columns."""
    return (
        f"INSERT INTO {TALLY} (dimension, code, partnerships, grants, sek) "
        f"SELECT * FROM (SELECT k.dimension, k.code, {sign}COUNT(*) AS n, "
        f"{sign}COUNT(*) AS grants, {sign}SUM(k.sek) AS sek FROM ({keys}) k "
        f"WHERE {condition} GROUP BY k.dimension, k.code) y WHERE 1 = 1 "
        f"ON CONFLICT (dimension, code) DO UPDATE SET "
        f"partnerships = {TALLY}.partnerships + excluded.partnerships, "
        f"grants = {TALLY}.grants + excluded.grants, sek = {TALLY}.sek + excluded.sek;"
    )


def _grants_of(where, country, joined=""):
    """SQL: the (dimension, code, sek) of each grant `g` in GRANTS (with `joined` tables)
    where `where` holds, by its year of decision: in all, within each goal of its
    partnership, and within `country` (its partnership's country, or NULL)."""
    year, sek = _text("g.year"), _granted("g")
    grants = f"FROM {GRANTS} g{joined}"
    return (
        f"SELECT 'grantyear' AS dimension, {year} AS code, {sek} AS sek {grants} "
        f"WHERE {where} UNION ALL SELECT 'goal_year/' || {_text('l.goal_id')}, {year}, "
        f"{sek} {grants} JOIN {GOALS} l ON l.partnership_id = g.partnership_id WHERE {where} "
        f"UNION ALL SELECT 'ctry_year/' || {country}, {year}, {sek} {grants} "
        f"WHERE {where} AND {country} IS NOT NULL"
    )


def _grant_years(row, sign, condition):
    """The grants of partnership `row` counted in or out of the years they were decided,
    in all, within its goals and within its country."""
    keys = _grants_of(f"g.partnership_id = {row}.id", f"{row}.country_id")
    return _add_grants(keys, sign, f"{row}.publication = {PUBLISHED} AND {condition}")


def _goal_link(row, sign, vendor):
    """A goal linked to (unlinked from) a published partnership (`row`): its key, the
    years of the partnership's period within the goal, and its grants by year of
    decision within the goal."""
    pid = f"{row}.partnership_id"
    goal = _text(f"{row}.goal_id")
    keys = (
        f"SELECT 'goal' AS dimension, {goal} AS code UNION ALL "
        f"SELECT 'goal_period/' || {goal}, {_period('p', vendor)} FROM {PARTNERSHIPS} p "
        f"WHERE p.id = {pid}"
    )
    grants = (
        f"SELECT 'goal_year/' || {goal} AS dimension, {_text('g.year')} AS code, "
        f"{_granted('g')} AS sek FROM {GRANTS} g WHERE g.partnership_id = {pid}"
    )
    return [
        _add(
            keys,
            f"{sign}1",
            f"{sign}{_figure('grants', pid)}",
            f"{sign}{_figure('sek', pid)}",
            published(pid),
            _country_of(pid),
        ),
        _add_grants(grants, sign, published(pid)),
    ]


def _grant(row, sign):
    """A grant (`row`) counted in or out of the year it was decided (in all, within its
    partnership's goals and country), where its partnership is published."""
    pid = f"{row}.partnership_id"
    return _add_grants(_grant_keys(row, pid), sign, published(pid))


def _figure(column, pid):
    return f"COALESCE((SELECT f.{column} FROM {FIGURES} f WHERE f.partnership_id = {pid}), 0)"


def _country_of(pid):
    """SQL: the partner country of partnership `pid`, from the partnerships' table."""
    return f"(SELECT c.country_id FROM {PARTNERSHIPS} c WHERE c.id = {pid})"


def _add(keys, partnerships, grants, sek, condition, country=None):
    """Adds the differences to the rows of `keys` where `condition` holds; with `country`
    (SQL of the partnership's country), to their copies within that country too (those
    of COPIED)."""
    if country is not None:
        copied = ", ".join(f"'{dimension}'" for dimension in COPIED)
        keys = (
            f"SELECT k0.dimension, k0.code FROM ({keys}) k0 UNION ALL "
            f"SELECT 'ctry_' || k1.dimension || '/' || {country}, k1.code FROM ({keys}) k1 "
            f"WHERE {country} IS NOT NULL AND k1.dimension IN ({copied})"
        )
    return (
        f"INSERT INTO {TALLY} (dimension, code, partnerships, grants, sek) "
        f"SELECT k.dimension, k.code, {partnerships}, {grants}, {sek} FROM ({keys}) k "
        f"WHERE {condition} ON CONFLICT (dimension, code) DO UPDATE SET "
        f"partnerships = {TALLY}.partnerships + excluded.partnerships, "
        f"grants = {TALLY}.grants + excluded.grants, sek = {TALLY}.sek + excluded.sek;"
    )


def _partnership(row, sign, vendor, condition="1 = 1", facts=True):
    """A partnership (`row`) counted in (sign "+") or out ("-") under all of its keys; with
    `facts` those its row of FACTS gives too."""
    pid = f"{row}.id"
    return _add(
        _keys(pid, vendor, row, facts),
        f"{sign}1",
        f"{sign}{_figure('grants', pid)}",
        f"{sign}{_figure('sek', pid)}",
        f"{row}.publication = {PUBLISHED} AND {condition}",
        f"{row}.country_id",
    )


def _one_key(dimension, row, column, sign, condition="1 = 1"):
    """One key of the partnership of `row` (a link or a participant) counted in or out."""
    pid = f"{row}.partnership_id"
    return _add(
        f"SELECT '{dimension}' AS dimension, {_text(f'{row}.{column}')} AS code",
        f"{sign}1",
        f"{sign}{_figure('grants', pid)}",
        f"{sign}{_figure('sek', pid)}",
        f"{condition} AND {published(pid)}",
        _country_of(pid),
    )


def _county_of_participant(row, sign):
    """A Swedish participant (`row`) counted in (sign "+") or out ("-") of its
    partnership's row of COUNTIES for its organisation's county."""
    if sign == "+":
        return (
            f"INSERT INTO {COUNTIES} (partnership_id, code, n) "
            f"SELECT {row}.partnership_id, {_county('o')}, 1 FROM {ORGANISATIONS} o "
            f"WHERE o.id = {row}.organisation_id AND {_in_a_county('o')} "
            f"AND {row}.role = {SWEDISH} ON CONFLICT (partnership_id, code) "
            f"DO UPDATE SET n = {COUNTIES}.n + 1;"
        )
    return (
        f"UPDATE {COUNTIES} SET n = n - 1 WHERE partnership_id = {row}.partnership_id "
        f"AND {row}.role = {SWEDISH} AND code IN (SELECT {_county('o')} "
        f"FROM {ORGANISATIONS} o WHERE o.id = {row}.organisation_id AND {_in_a_county('o')});"
    )


def _county_of_organisation(row, sign, condition):
    """Every Swedish participation of organisation `row` (as it was, sign "-", or is, "+")
    counted in or out of its partnership's row of COUNTIES for its county."""
    mine = (
        f"SELECT s.partnership_id FROM {PARTICIPANTS} s "
        f"WHERE s.organisation_id = {row}.id AND s.role = {SWEDISH}"
    )
    if sign == "+":
        return (
            f"INSERT INTO {COUNTIES} (partnership_id, code, n) "
            f"SELECT m.partnership_id, {_county(row)}, 1 FROM ({mine}) m "
            f"WHERE {_in_a_county(row)} AND {condition} ON CONFLICT (partnership_id, code) "
            f"DO UPDATE SET n = {COUNTIES}.n + 1;"
        )
    return (
        f"UPDATE {COUNTIES} SET n = n - 1 WHERE code = {_county(row)} "
        f"AND {_in_a_county(row)} AND {condition} AND partnership_id IN ({mine});"
    )


def _county_counted(row, sign):
    """A partnership's row of COUNTIES (`row`) counted in or out of the tally of its
    county, where it holds a participant and the partnership is published."""
    pid = f"{row}.partnership_id"
    return _add(
        f"SELECT 'county' AS dimension, {row}.code AS code",
        f"{sign}1",
        f"{sign}{_figure('grants', pid)}",
        f"{sign}{_figure('sek', pid)}",
        f"{row}.n > 0 AND {published(pid)}",
        _country_of(pid),
    )


def _figures(row, sign, vendor):
    """A partnership's figures (`row`) added to (taken from) all of its keys."""
    pid = f"{row}.partnership_id"
    return _add(
        _keys(pid, vendor),
        "0",
        f"{sign}{row}.grants",
        f"{sign}{row}.sek",
        published(pid),
        _country_of(pid),
    )


def _facts_counted(row, sign):
    """A partnership's row of FACTS (`row`) counted in or out of the facts it leaves
    unstated, where the partnership is published."""
    pid = f"{row}.partnership_id"
    return _add(
        _named(_placed(_unstated_facts(row))),
        f"{sign}1",
        f"{sign}{_figure('grants', pid)}",
        f"{sign}{_figure('sek', pid)}",
        published(pid),
        _country_of(pid),
    )


def _statements(old, new, vendor):
    """{(table, event): [SQL of the trigger's body]} with `old`/`new` the rows' names. The
    delete of a partnership runs before the row goes (BEFORE): where nothing deleted its
    row of FACTS first (Django's cascade does), facts.py's trigger deletes it after the
    partnership, when its facts could no longer be found published."""
    differ = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    moved = " OR ".join(
        f"{old}.{column} {differ} {new}.{column}" for column in UPDATED[PARTNERSHIPS].split(", ")
    )
    moved = f"({moved})"
    body = {
        # A partnership inserted has no row of FACTS yet: its insert counts them.
        (PARTNERSHIPS, "insert"): [
            _partnership(new, "+", vendor, facts=False),
            _grant_years(new, "+", "1 = 1"),
        ],
        (PARTNERSHIPS, "delete"): [
            _partnership(old, "-", vendor),
            _grant_years(old, "-", "1 = 1"),
        ],
        (PARTNERSHIPS, "update"): [
            _partnership(old, "-", vendor, moved),
            _partnership(new, "+", vendor, moved),
            _grant_years(old, "-", moved),
            _grant_years(new, "+", moved),
        ],
        (GRANTS, "insert"): [_grant(new, "+")],
        (GRANTS, "delete"): [_grant(old, "-")],
        (GRANTS, "update"): [_grant(old, "-"), _grant(new, "+")],
        (FIGURES, "insert"): [_figures(new, "+", vendor)],
        (FIGURES, "delete"): [_figures(old, "-", vendor)],
        (FIGURES, "update"): [_figures(old, "-", vendor), _figures(new, "+", vendor)],
        (FACTS, "insert"): [_facts_counted(new, "+")],
        (FACTS, "delete"): [_facts_counted(old, "-")],
        (FACTS, "update"): [_facts_counted(old, "-"), _facts_counted(new, "+")],
    }
    sources = [(table, dimension, column, False) for table, dimension, column in LINKS]
    sources.append((PARTICIPANTS, "participant", "organisation_id", True))
    for table, dimension, column, by_role in sources:
        removed, added = (
            _one_key(dimension, row, column, sign, f"{row}.role = {SWEDISH}" if by_role else "1=1")
            for row, sign in ((old, "-"), (new, "+"))
        )
        body[table, "insert"] = [added]
        body[table, "delete"] = [removed]
        body[table, "update"] = [removed, added]
    # A goal counts within itself too (SCOPED).
    removed, added = (_goal_link(row, sign, vendor) for row, sign in ((old, "-"), (new, "+")))
    body[GOALS, "insert"] = added
    body[GOALS, "delete"] = removed
    body[GOALS, "update"] = [*removed, *added]
    in_county, out_county = (
        _county_of_participant(row, sign) for row, sign in ((new, "+"), (old, "-"))
    )
    body[PARTICIPANTS, "insert"].append(in_county)
    body[PARTICIPANTS, "delete"].append(out_county)
    body[PARTICIPANTS, "update"][1:1] = [out_county, in_county]
    # An organisation published, withdrawn or moved to another county; one inserted has
    # no participants yet, and one deleted has lost them first (a cascade).
    changed = (
        f"({old}.publication <> {new}.publication OR {old}.county_code <> {new}.county_code "
        f"OR {old}.county_name <> {new}.county_name)"
    )
    body[ORGANISATIONS, "update"] = [
        _county_of_organisation(old, "-", changed),
        _county_of_organisation(new, "+", changed),
    ]
    body[COUNTIES, "insert"] = [_county_counted(new, "+")]
    body[COUNTIES, "delete"] = [_county_counted(old, "-")]
    body[COUNTIES, "update"] = [_county_counted(old, "-"), _county_counted(new, "+")]
    return body


# The columns whose update can move a count (an update of any other leaves them).
UPDATED = {
    PARTNERSHIPS: "publication, country_id, programme_id, start_date, end_date, title_en, "
    "summary_en",
    FIGURES: "partnership_id, grants, sek",
    GRANTS: "partnership_id, year, amount_sek_per_year, duration_years",
    GOALS: "partnership_id, goal_id",
    THEMES: "partnership_id, theme_id",
    PARTICIPANTS: "partnership_id, organisation_id, role",
    ORGANISATIONS: "publication, county_code, county_name",
    COUNTIES: "partnership_id, code, n",
    FACTS: f"partnership_id, {', '.join(UNSTATED_FACTS.values())}",
}
# Tables whose writes reach the tallies through another read model's triggers (source
# links through the facts): on PostgreSQL a statement on them takes the lock first too,
# before it locks rows of its own.
LOCKED_TOO = ["partnerships_partnership_sources"]
# The triggers that run before their row is written (_statements says why).
BEFORE = {(PARTNERSHIPS, "delete")}


def _name(table):
    return trigger_name(PREFIX, table)


def sqlite_statements():
    body = _statements("old", "new", "sqlite")
    return [
        *sqlite_drop_statements(),
        *_fill("sqlite"),
        *sqlite_row_triggers(PREFIX, body, UPDATED, BEFORE),
    ]


def sqlite_drop_statements():
    return sqlite_row_trigger_drops(PREFIX, UPDATED)


# The lock every writer of these tables takes first on PostgreSQL (the module says why).
LOCK = f"PERFORM pg_advisory_xact_lock(hashtext('{TALLY}'));"
# A setting of the transaction that makes the row triggers stand aside on PostgreSQL
# (counted_at_the_end).
DEFERRED = "skr.tallies_deferred"


def _unless_deferred(returned):
    return f"IF current_setting('{DEFERRED}', true) = 'on' THEN RETURN {returned}; END IF;"


@contextmanager
def counted_at_the_end(using=DEFAULT_DB_ALIAS):
    """For a write in bulk, in a transaction: on PostgreSQL the tallies' row triggers
    stand aside until the end of the block, where the tallies are counted afresh from the
    tables, in the same transaction. Row by row, every one of thousands of rows written
    in one transaction changes the same few rows (the total, each goal), and PostgreSQL
    keeps every version of a row its own open transaction has changed, which each next
    change walks through: the time grows as the square of the rows (generate_demo 10 000
    partnerships: 11.7 s without the tallies, over 4 minutes with them row by row).
    SQLite changes a row in place and needs nothing of this."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("counted_at_the_end() writes in a transaction only")
    # A savepoint: an error raised in the block, and caught outside it, takes back the
    # block's rows and, on PostgreSQL, the setting, so no later write goes uncounted.
    with transaction.atomic(using=using):
        deferring = connection.vendor == "postgresql"
        if deferring:
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting(%s, true)", [DEFERRED])
                # Within another such block, that one counts at its end.
                deferring = cursor.fetchone()[0] != "on"
                if deferring:
                    cursor.execute("SELECT set_config(%s, 'on', true)", [DEFERRED])
        yield
        if deferring:
            with connection.cursor() as cursor:
                for sql in _fill("postgresql"):  # the new rows of COUNTIES fire no trigger
                    cursor.execute(sql)
                cursor.execute("SELECT set_config(%s, 'off', true)", [DEFERRED])


def pg_statements():
    # Filled before the triggers are made: the rows of COUNTIES would each fire one.
    statements = [*pg_drop_statements(), *_fill("postgresql")]
    body = _statements("OLD", "NEW", "postgresql")
    statements.append(
        f"CREATE FUNCTION {PREFIX}_lock() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {LOCK} "
        "RETURN NULL; END $$"
    )
    for table, event in BEFORE:
        name = f"{_name(table)}_{event}"
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{_unless_deferred('OLD')} {' '.join(body.pop((table, event)))} RETURN OLD; END $$",
            f"CREATE TRIGGER {name} BEFORE {event.upper()} ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION {name}()",
        ]
    for table in UPDATED:
        name = _name(table)
        events = [e for e in ("insert", "delete", "update") if (table, e) in body]
        locked = [
            e for e in ("insert", "delete", "update") if (table, e) in body or (table, e) in BEFORE
        ]
        parts = " ".join(
            f"IF TG_OP = '{event.upper()}' THEN {' '.join(body[table, event])} END IF;"
            for event in events
        )
        on = _events(table, events)
        statements += [
            # Any update of a partnership locks its row: the lock comes first. An
            # organisation's row is locked by no other write of these tables.
            f"CREATE TRIGGER {name}_lock BEFORE "
            f"{_events(table, locked) if table == ORGANISATIONS else _events(None, locked)} "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}_lock()",
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{_unless_deferred('NULL')} {parts} RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER {on} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    for table in LOCKED_TOO:
        statements.append(
            f"CREATE TRIGGER {_name(table)}_lock BEFORE INSERT OR DELETE OR UPDATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}_lock()"
        )
    return statements


def _events(table, events):
    """SQL of a trigger's events; with `table`, an update's only of the columns that move
    a count."""
    return " OR ".join(
        f"UPDATE OF {UPDATED[table]}" if event == "update" and table else event.upper()
        for event in events
    )


def pg_drop_statements():
    statements = []
    for table in UPDATED:
        statements += [
            f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}",
            f"DROP TRIGGER IF EXISTS {_name(table)}_lock ON {table}",
            f"DROP FUNCTION IF EXISTS {_name(table)}()",
        ]
    for table, event in BEFORE:
        name = f"{_name(table)}_{event}"
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"DROP FUNCTION IF EXISTS {name}()",
        ]
    statements += [f"DROP TRIGGER IF EXISTS {_name(table)}_lock ON {table}" for table in LOCKED_TOO]
    return [*statements, f"DROP FUNCTION IF EXISTS {PREFIX}_lock()"]


def _fill(vendor):
    public = f"p.publication = {PUBLISHED}"
    joined = f" JOIN {PARTNERSHIPS} p ON p.id = g.partnership_id"
    keyed = [
        f"SELECT '{TOTAL[0]}' AS dimension, '{TOTAL[1]}' AS code, p.id AS pid "
        f"FROM {PARTNERSHIPS} p WHERE {public}",
        *(
            f"SELECT '{dimension}', {_text(f'l.{column}')}, p.id FROM {table} l "
            f"JOIN {PARTNERSHIPS} p ON p.id = l.partnership_id WHERE {public}"
            for table, dimension, column in LINKS
        ),
        f"SELECT {_goal_period('p', vendor)}, p.id FROM {GOALS} l "
        f"JOIN {PARTNERSHIPS} p ON p.id = l.partnership_id WHERE {public}",
        *_placed(_partnership_columns("p", vendor), PARTNERSHIPS, public, ", p.id"),
        *_placed(
            _unstated_facts("f"),
            FACTS,
            f"f.partnership_id IN (SELECT p.id FROM {PARTNERSHIPS} p WHERE {public})",
            ", f.partnership_id",
        ),
        f"SELECT 'participant', {_text('s.organisation_id')}, p.id FROM {PARTICIPANTS} s "
        f"JOIN {PARTNERSHIPS} p ON p.id = s.partnership_id "
        f"WHERE {public} AND s.role = {SWEDISH}",
        f"SELECT 'county', c.code, p.id FROM {COUNTIES} c "
        f"JOIN {PARTNERSHIPS} p ON p.id = c.partnership_id WHERE {public} AND c.n > 0",
    ]
    all_keys = " UNION ALL ".join(keyed)
    copied = ", ".join(f"'{dimension}'" for dimension in COPIED)
    copies = (
        f"SELECT 'ctry_' || c.dimension || '/' || p.country_id, c.code, c.pid "
        f"FROM ({all_keys}) c JOIN {PARTNERSHIPS} p ON p.id = c.pid "
        f"WHERE p.country_id IS NOT NULL AND c.dimension IN ({copied})"
    )
    return [
        f"DELETE FROM {COUNTIES}",
        f"INSERT INTO {COUNTIES} (partnership_id, code, n) "
        f"SELECT s.partnership_id, {_county('o')}, COUNT(*) FROM {PARTICIPANTS} s "
        f"JOIN {ORGANISATIONS} o ON o.id = s.organisation_id "
        f"WHERE s.role = {SWEDISH} AND {_in_a_county('o')} "
        f"GROUP BY s.partnership_id, {_county('o')}",
        f"DELETE FROM {TALLY}",
        f"INSERT INTO {TALLY} (dimension, code, partnerships, grants, sek) "
        f"SELECT k.dimension, k.code, COUNT(*), COALESCE(SUM(f.grants), 0), "
        f"COALESCE(SUM(f.sek), 0) FROM ({all_keys} UNION ALL {copies}) k "
        f"LEFT JOIN {FIGURES} f ON f.partnership_id = k.pid GROUP BY k.dimension, k.code",
        f"INSERT INTO {TALLY} (dimension, code, partnerships, grants, sek) "
        f"SELECT k.dimension, k.code, COUNT(*), COUNT(*), SUM(k.sek) FROM "
        f"({_grants_of(public, 'p.country_id', joined)}) k "
        "GROUP BY k.dimension, k.code",
    ]


def trigger_names(vendor):
    """The triggers the read model needs on `vendor`'s database."""
    if vendor == "postgresql":
        names = {f"{_name(table)}{suffix}" for table in UPDATED for suffix in ("", "_lock")}
        names |= {f"{_name(table)}_lock" for table in LOCKED_TOO}
        return names | {f"{_name(table)}_{event}" for table, event in BEFORE}
    return {f"{_name(table)}_{event}" for table, event in _statements("old", "new", vendor)}


def operation(make=True):
    """A migration operation that creates the read model's triggers (again) and fills it
    from the tables (with `make`), and drops the triggers when reversed."""
    return trigger_operation(sys.modules[__name__], make)


def counted_afresh():
    """{(dimension, code): (partnerships, grants, sek)} counted from the tables now: what
    the read model must hold where partnerships > 0 (the tests compare the two)."""
    from core.models import Publication
    from partnerships.models import (
        Grant,
        Partnership,
        PartnershipFigures,
        PartnershipParticipant,
        granted_sek,
    )
    from reference.models import Role

    public = Partnership.objects.filter(publication=Publication.PUBLISHED)
    figures = {
        pk: (grants, sek)
        for pk, grants, sek in PartnershipFigures.objects.filter(
            partnership__in=public
        ).values_list("partnership_id", "grants", "sek")
    }
    pairs = [(TOTAL, pk) for pk in public.values_list("pk", flat=True)]
    for pk, country, programme in public.values_list("pk", "country_id", "programme_id"):
        if country:
            pairs.append((("country", country), pk))
        if programme:
            pairs.append((("programme", str(programme)), pk))
    for _table, dimension, column in LINKS:
        through = Partnership.goals.through if dimension == "goal" else Partnership.themes.through
        rows = through.objects.filter(partnership__in=public)
        pairs += [((dimension, str(k)), pk) for pk, k in rows.values_list("partnership_id", column)]
    participants = PartnershipParticipant.objects.filter(
        partnership__in=public, role=Role.SWEDISH_PARTICIPANT
    ).values_list("partnership_id", "organisation_id")
    pairs += [(("participant", str(k)), pk) for pk, k in participants]
    in_counties = PartnershipParticipant.objects.filter(
        partnership__in=public,
        role=Role.SWEDISH_PARTICIPANT,
        organisation__publication=Publication.PUBLISHED,
    ).exclude(organisation__county_name="")
    counties = in_counties.values_list(
        "partnership_id", "organisation__county_code", "organisation__county_name"
    )
    pairs += [(("county", f"{code}|{name}"), pk) for pk, code, name in set(counties)]
    # What is unstated, as the data-quality checks select it (one description of each).
    from partnerships.quality import CHECKS
    from reference.filters import year_of

    for check in CHECKS:
        if check.fact in (*UNSTATED_COLUMNS, *UNSTATED_FACTS):
            lacking = public.filter(check.condition(Partnership)).values_list("pk", flat=True)
            pairs += [(("unstated", check.fact), pk) for pk in lacking]
    years = public.values_list("pk", year_of("start_date"), year_of("end_date"), "country_id")
    period_of, country_of = {}, {}
    for pk, start, end, country in years:
        period_of[pk] = f"{'' if start is None else start}|{'' if end is None else end}"
        country_of[pk] = country
        pairs.append((("period", period_of[pk]), pk))
        if country:
            pairs.append(((f"ctry_period/{country}", period_of[pk]), pk))
    goals_of = {}
    for pk, goal in Partnership.goals.through.objects.filter(partnership__in=public).values_list(
        "partnership_id", "goal_id"
    ):
        goals_of.setdefault(pk, []).append(goal)
        pairs.append(((f"goal_period/{goal}", period_of[pk]), pk))
    pairs += [
        ((f"ctry_{dimension}/{country_of[pk]}", code), pk)
        for (dimension, code), pk in pairs
        if dimension in COPIED and country_of[pk]
    ]
    counted = {}
    for key, pk in pairs:
        n, grants, sek = counted.get(key, (0, 0, 0))
        more_grants, more_sek = figures.get(pk, (0, 0))
        counted[key] = (n + 1, grants + more_grants, sek + more_sek)
    # The grants by year of decision: in all, within each goal and within the country.
    granted = Grant.objects.filter(partnership__in=public).annotate(sek=granted_sek())
    for pk, year, sek in granted.values_list("partnership_id", "year", "sek"):
        keys = [("grantyear", str(year))]
        keys += [(f"goal_year/{goal}", str(year)) for goal in goals_of.get(pk, [])]
        if country_of[pk]:
            keys.append((f"ctry_year/{country_of[pk]}", str(year)))
        for key in keys:
            n, _grants, total = counted.get(key, (0, 0, 0))
            counted[key] = (n + 1, n + 1, total + sek)
    return counted


def held():
    """The same as the read model holds it (the rows with partnerships > 0)."""
    from partnerships.models import PartnershipTally

    rows = PartnershipTally.objects.filter(partnerships__gt=0)
    return {
        (dimension, code): (n, grants, sek)
        for dimension, code, n, grants, sek in rows.values_list(
            "dimension", "code", "partnerships", "grants", "sek"
        )
    }
