"""The read model of what is stated of each partnership (partnerships.PartnershipFacts):
one row per partnership with the number of rows that state each of four facts — goals
(links to goals), sources (links to sources), partners (participants in the role of
partner local government) and grants. The data-quality checks and the lists' filter
"unstated" read a fact as unstated where its number is 0. Counting them over many
partnerships is then one pass over the partnerships joined to this table by primary key
(core.quality.counted), instead of one anti-join over the link rows a fact (PostgreSQL at
100 000 partnerships: 124 ms before, bench/README.md).

As partnerships/figures.py does for the grants' sums, triggers keep the rows, in the same
statement as every write of a link, a participant, a grant or a partnership, whichever
path writes it (the admin's forms and actions, the import's bulk insert, a cascade, a
history revert, `seed`, `restore`'s loaddata, raw SQL): a partnership's insert adds its
row at 0 (kept if a link came first, as loaddata may do with deferred constraints), a
link's insert adds 1 to its column and its delete takes 1 away (an upsert of a
difference, which stays right when two transactions write links of one partnership at
the same time on PostgreSQL), an update of the partnership or the role does both, and a
partnership's delete removes its row. An update of a partnership's own columns touches
nothing here: none of these facts is a column of it.

On PostgreSQL a migration makes the triggers (`operation()`); on SQLite they are made
after every `migrate` (core.triggers.kept_on_sqlite, which says why)."""

import sys

from django.db.models import Q

from core.triggers import trigger_operation
from reference.models import Role

FACTS = "partnerships_partnershipfacts"
PARTNERSHIPS = "partnerships_partnership"
PREFIX = "partnerships_stated"
MODEL_TABLES = [FACTS]

# column of the read model: (table of the rows that state the fact, condition on such a
# row or "", columns whose update moves a row from one partnership or fact to another)
SOURCES = {
    "goals": ("partnerships_partnership_goals", "", ("partnership_id",)),
    "sources": ("partnerships_partnership_sources", "", ("partnership_id",)),
    "partners": (
        "partnerships_partnershipparticipant",
        f"{{row}}.role = '{Role.PARTNER_GOVERNMENT.value}'",
        ("partnership_id", "role"),
    ),
    "grants": ("partnerships_grant", "", ("partnership_id",)),
}
COLUMNS = ", ".join(SOURCES)


def unstated(column):
    """A data-quality condition (core.quality.Check): no row states this fact of the
    partnership, read from the read model's `column`."""

    def condition(model):
        return Q(**{f"stated__{column}": 0})

    return condition


def _where(column, row):
    condition = SOURCES[column][1]
    return f" AND {condition.format(row=row)}" if condition else ""


def _add(column, row):
    values = ", ".join("1" if name == column else "0" for name in SOURCES)
    return (
        f"INSERT INTO {FACTS} (partnership_id, {COLUMNS}) "
        f"SELECT {row}.partnership_id, {values} WHERE 1 = 1{_where(column, row)} "
        f"ON CONFLICT (partnership_id) DO UPDATE SET {column} = {FACTS}.{column} + 1;"
    )


def _remove(column, row):
    return (
        f"UPDATE {FACTS} SET {column} = {column} - 1 "
        f"WHERE partnership_id = {row}.partnership_id{_where(column, row)};"
    )


def _created(row):
    zeros = ", ".join("0" for _ in SOURCES)
    return (
        f"INSERT INTO {FACTS} (partnership_id, {COLUMNS}) VALUES ({row}.id, {zeros}) "
        "ON CONFLICT (partnership_id) DO NOTHING;"
    )


def _deleted(row):
    return f"DELETE FROM {FACTS} WHERE partnership_id = {row}.id;"


def _fill():
    counts = []
    for table, condition, _columns in SOURCES.values():
        where = f" AND {condition.format(row='s')}" if condition else ""
        counts.append(f"(SELECT COUNT(*) FROM {table} s WHERE s.partnership_id = p.id{where})")
    return [
        f"DELETE FROM {FACTS}",
        f"INSERT INTO {FACTS} (partnership_id, {COLUMNS}) "
        f"SELECT p.id, {', '.join(counts)} FROM {PARTNERSHIPS} p",
    ]


def _name(table):
    return f"{PREFIX}_{table.removeprefix('partnerships_')}"


def sqlite_statements():
    statements = sqlite_drop_statements()
    for column, (table, _condition, columns) in SOURCES.items():
        name = _name(table)
        statements += [
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {_add(column, 'new')} END",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} "
            f"BEGIN {_remove(column, 'old')} END",
            f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"BEGIN {_remove(column, 'old')} {_add(column, 'new')} END",
        ]
    name = _name(PARTNERSHIPS)
    statements += [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {PARTNERSHIPS} BEGIN {_created('new')} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {PARTNERSHIPS} BEGIN {_deleted('old')} END",
    ]
    return statements + _fill()


def sqlite_drop_statements():
    return [
        f"DROP TRIGGER IF EXISTS {_name(table)}_{event}"
        for table in [*(source[0] for source in SOURCES.values()), PARTNERSHIPS]
        for event in ("insert", "delete", "update")
    ]


def pg_statements():
    statements = pg_drop_statements()
    for column, (table, _condition, columns) in SOURCES.items():
        name = _name(table)
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_remove(column, 'OLD')} END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_add(column, 'NEW')} END IF; "
            "RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {', '.join(columns)} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    name = _name(PARTNERSHIPS)
    statements += [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_created('NEW')} ELSE {_deleted('OLD')} END IF; "
        "RETURN NULL; END $$",
        f"CREATE TRIGGER {name} AFTER INSERT OR DELETE ON {PARTNERSHIPS} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]
    # Filled after the triggers exist, in the migration's transaction.
    return statements + _fill()


def pg_drop_statements():
    statements = []
    for table in [*(source[0] for source in SOURCES.values()), PARTNERSHIPS]:
        statements += [
            f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}",
            f"DROP FUNCTION IF EXISTS {_name(table)}()",
        ]
    return statements


def trigger_names(vendor):
    """The triggers the read model needs on `vendor`'s database."""
    if vendor == "postgresql":
        return {_name(table) for table in [*(s[0] for s in SOURCES.values()), PARTNERSHIPS]}
    names = {
        f"{_name(source[0])}_{event}"
        for source in SOURCES.values()
        for event in ("insert", "delete", "update")
    }
    return names | {f"{_name(PARTNERSHIPS)}_{event}" for event in ("insert", "delete")}


def operation():
    """A migration operation that creates the read model's triggers (again) and fills it
    from the tables, and drops the triggers when reversed."""
    return trigger_operation(sys.modules[__name__])


def counted_afresh():
    """{partnership id: (goals, sources, partners, grants)}: the rows stating each fact of
    every partnership, counted from the tables now; what the read model must hold (the
    tests compare the two after every path that writes)."""
    from partnerships.models import Grant, Partnership, PartnershipParticipant

    counts = {pk: [0] * len(SOURCES) for pk in Partnership.objects.values_list("pk", flat=True)}
    partners = PartnershipParticipant.objects.filter(role=Role.PARTNER_GOVERNMENT)
    for position, rows in enumerate(
        [
            Partnership.goals.through.objects,
            Partnership.sources.through.objects,
            partners,
            Grant.objects,
        ]
    ):
        for pk in rows.values_list("partnership_id", flat=True):
            counts[pk][position] += 1
    return {pk: tuple(n) for pk, n in counts.items()}


def held():
    """{partnership id: (goals, sources, partners, grants)} as the read model holds them."""
    from partnerships.models import PartnershipFacts

    return {
        pk: tuple(n) for pk, *n in PartnershipFacts.objects.values_list("partnership_id", *SOURCES)
    }
