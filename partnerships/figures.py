"""The read model of the grants (partnerships.PartnershipFigures): each partnership's
number of grants and SEK granted, kept by the database itself.

Triggers on the grants' table add a grant's figures to its partnership's row on insert,
take them away on delete, and both on an update of the partnership, the amount or the
years: every path that writes a grant (the admin's forms and actions, the import's bulk
insert, a cascade from a deleted partnership, a history revert, `seed`, `restore`'s
loaddata, raw SQL) changes the row in the same statement, so in the same transaction,
and no path can forget it. The triggers add differences rather than count again (an
upsert of +1 grant and +SEK), which stays right when two transactions write grants of
one partnership at the same time on PostgreSQL: the second waits for the row and adds
to what the first committed. A row whose last grant goes is deleted.

The SQL is the same on both databases but the trigger's frame. On PostgreSQL a migration
makes the triggers (`operation()`); on SQLite they are made after every `migrate`
(core.triggers.kept_on_sqlite, which says why)."""

import sys

from django.db.models import Count, Sum

from core.triggers import trigger_operation

GRANTS = "partnerships_grant"
FIGURES = "partnerships_partnershipfigures"
TRIGGER = f"{GRANTS}_figures"
MODEL_TABLES = [FIGURES]
# Columns whose change moves a grant's figures (an update of any other leaves them).
COLUMNS = ("partnership_id", "amount_sek_per_year", "duration_years")


def _sek(row):
    # bigint: SEK a year (up to 2 147 483 647) × years (up to 10) overflows an integer.
    return f"CAST({row}.amount_sek_per_year AS BIGINT) * {row}.duration_years"


def _add(row):
    return (
        f"INSERT INTO {FIGURES} (partnership_id, grants, sek) "
        f"VALUES ({row}.partnership_id, 1, {_sek(row)}) "
        f"ON CONFLICT (partnership_id) DO UPDATE SET grants = {FIGURES}.grants + 1, "
        f"sek = {FIGURES}.sek + excluded.sek;"
    )


def _remove(row):
    return (
        f"UPDATE {FIGURES} SET grants = grants - 1, sek = sek - {_sek(row)} "
        f"WHERE partnership_id = {row}.partnership_id; "
        f"DELETE FROM {FIGURES} WHERE partnership_id = {row}.partnership_id AND grants <= 0;"
    )


FILL = (
    f"INSERT INTO {FIGURES} (partnership_id, grants, sek) "
    f"SELECT partnership_id, COUNT(*), SUM({_sek(GRANTS)}) FROM {GRANTS} GROUP BY partnership_id"
)


def sqlite_statements():
    columns = ", ".join(COLUMNS)
    return [
        *sqlite_drop_statements(),
        f"CREATE TRIGGER {TRIGGER}_insert AFTER INSERT ON {GRANTS} BEGIN {_add('new')} END",
        f"CREATE TRIGGER {TRIGGER}_delete AFTER DELETE ON {GRANTS} BEGIN {_remove('old')} END",
        f"CREATE TRIGGER {TRIGGER}_update AFTER UPDATE OF {columns} ON {GRANTS} "
        f"BEGIN {_remove('old')} {_add('new')} END",
        f"DELETE FROM {FIGURES}",
        FILL,
    ]


def sqlite_drop_statements():
    return [f"DROP TRIGGER IF EXISTS {TRIGGER}_{event}" for event in ("insert", "delete", "update")]


def pg_statements():
    columns = ", ".join(COLUMNS)
    return [
        *pg_drop_statements(),
        f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_remove('OLD')} END IF; "
        f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_add('NEW')} END IF; "
        "RETURN NULL; END $$",
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR DELETE OR UPDATE OF {columns} "
        f"ON {GRANTS} FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
        # Filled after the trigger exists (in the migration's transaction): no other
        # row's table is altered after rows are written.
        f"DELETE FROM {FIGURES}",
        FILL,
    ]


def pg_drop_statements():
    return [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {GRANTS}", f"DROP FUNCTION IF EXISTS {TRIGGER}()"]


def operation():
    """A migration operation that creates the read model's triggers (again) and fills it
    from the tables, and drops the triggers when reversed."""
    return trigger_operation(sys.modules[__name__])


def counted_afresh():
    """{partnership id: (grants, SEK)} counted from the grants now: what the read model
    must hold (the tests compare the two after every path that writes)."""
    from partnerships.models import Grant, granted_sek

    rows = Grant.objects.order_by().values_list("partnership_id")
    rows = rows.annotate(n=Count("pk"), sek=Sum(granted_sek()))
    return {pk: (n, sek) for pk, n, sek in rows}


def held():
    """{partnership id: (grants, SEK)} as the read model holds them."""
    from partnerships.models import PartnershipFigures

    rows = PartnershipFigures.objects.values_list("partnership_id", "grants", "sek")
    return {pk: (n, sek) for pk, n, sek in rows}
