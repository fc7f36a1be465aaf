"""The read model of what the published partnerships of each Swedish participant cover
(partnerships.GoalCoverage, ThemeCoverage, CountryCoverage): for an organisation and a
goal (theme, partner country), the number of published partnerships in which it is a
Swedish participant and which have that goal. The municipalities' list counts its facets
as rows of these tables (a municipality is counted under a goal where n > 0) and filters
by them, instead of joining every Swedish participant to every goal, theme and
partnership and counting the distinct municipalities (the three facets: PostgreSQL at
100 000 partnerships 45–79 ms each, SQLite at 10 000 14–21 ms each; bench/README.md).

As partnerships/figures.py and facts.py, triggers keep the rows in the same statement as
every write, whichever path writes: a Swedish participant added to (removed from) a
published partnership adds 1 to (takes 1 from) each of the partnership's goals, themes
and country for its organisation; a goal or theme linked to (unlinked from) a published
partnership does so for each of its Swedish participants; a partnership published,
withdrawn or given another country, inserted or deleted, does so for all of its pairs.
Each (organisation, goal) pair occurs once in a partnership (a participant holds a role
once), so the differences are exact. A pair depends on rows of three tables, so on
PostgreSQL the trigger of a participant or a link first locks its partnership's row
(FOR NO KEY UPDATE, which the partnership's own update also takes): two transactions that
write one partnership's participants, links or publication at the same time take turns,
and the second sees what the first committed. A row that comes to 0 stays, and is not
counted.

On PostgreSQL a migration makes the triggers (`operation()`); on SQLite they are made
after every `migrate` (core.triggers.kept_on_sqlite, which says why)."""

import sys

from core.models import Publication
from core.triggers import (
    sqlite_row_trigger_drops,
    sqlite_row_triggers,
    trigger_name,
    trigger_operation,
)
from reference.models import Role

PARTNERSHIPS = "partnerships_partnership"
PARTICIPANTS = "partnerships_partnershipparticipant"
PREFIX = "partnerships_coverage"
PUBLISHED = f"'{Publication.PUBLISHED.value}'"
SWEDISH = f"'{Role.SWEDISH_PARTICIPANT.value}'"

# coverage: (its table, its key column, the link table of the key or None where the key is
# a column of the partnership)
TABLES = {
    "goal": ("partnerships_goalcoverage", "goal_id", "partnerships_partnership_goals"),
    "theme": ("partnerships_themecoverage", "theme_id", "partnerships_partnership_themes"),
    "country": ("partnerships_countrycoverage", "country_id", None),
}
MODEL_TABLES = [table for table, _key, _links in TABLES.values()]


def _upsert(table, key, select):
    return (
        f"INSERT INTO {table} (organisation_id, {key}, n) {select} "
        f"ON CONFLICT (organisation_id, {key}) DO UPDATE SET n = {table}.n + 1;"
    )


def published(partnership_id):
    """SQL: whether the partnership whose id is `partnership_id` is published."""
    return (
        f"EXISTS (SELECT 1 FROM {PARTNERSHIPS} pub WHERE pub.id = {partnership_id} "
        f"AND pub.publication = {PUBLISHED})"
    )


def _keys(name, partnership_id):
    """SQL of the keys `name` covers of a partnership."""
    _table, key, links = TABLES[name]
    if links:
        return f"SELECT k.{key} FROM {links} k WHERE k.partnership_id = {partnership_id}"
    return f"SELECT k.country_id FROM {PARTNERSHIPS} k WHERE k.id = {partnership_id}"


def _swedish(partnership_id):
    return (
        f"SELECT s.organisation_id FROM {PARTICIPANTS} s "
        f"WHERE s.partnership_id = {partnership_id} AND s.role = {SWEDISH}"
    )


def participant_add(name, row):
    table, key, _links = TABLES[name]
    select = (
        f"SELECT {row}.organisation_id, k.{key}, 1 FROM ({_keys(name, f'{row}.partnership_id')}) k "
        f"WHERE k.{key} IS NOT NULL AND {row}.role = {SWEDISH} "
        f"AND {published(f'{row}.partnership_id')}"
    )
    return _upsert(table, key, select)


def participant_remove(name, row):
    table, key, _links = TABLES[name]
    return (
        f"UPDATE {table} SET n = n - 1 WHERE organisation_id = {row}.organisation_id "
        f"AND {key} IN ({_keys(name, f'{row}.partnership_id')}) AND {row}.role = {SWEDISH} "
        f"AND {published(f'{row}.partnership_id')};"
    )


def link_add(name, row):
    table, key, _links = TABLES[name]
    select = (
        f"SELECT s.organisation_id, {row}.{key}, 1 FROM ({_swedish(f'{row}.partnership_id')}) s "
        f"WHERE {published(f'{row}.partnership_id')}"
    )
    return _upsert(table, key, select)


def link_remove(name, row):
    table, key, _links = TABLES[name]
    return (
        f"UPDATE {table} SET n = n - 1 WHERE {key} = {row}.{key} "
        f"AND organisation_id IN ({_swedish(f'{row}.partnership_id')}) "
        f"AND {published(f'{row}.partnership_id')};"
    )


def _changed(name):
    """On an update of a partnership: whether its pairs of `name` change."""
    changed = "OLD.publication <> NEW.publication"
    if name == "country":
        changed += " OR COALESCE(OLD.country_id, '') <> COALESCE(NEW.country_id, '')"
    return f"({changed})"


def partnership_add(name, row, condition="1 = 1"):
    """All pairs of a partnership (`row`, as it is after the write)."""
    table, key, links = TABLES[name]
    if links:
        keys = f"SELECT k.{key} FROM {links} k WHERE k.partnership_id = {row}.id"
    else:
        keys = f"SELECT {row}.country_id AS {key}"
    select = (
        f"SELECT s.organisation_id, k.{key}, 1 FROM ({_swedish(f'{row}.id')}) s, ({keys}) k "
        f"WHERE k.{key} IS NOT NULL AND {row}.publication = {PUBLISHED} AND {condition}"
    )
    return _upsert(table, key, select)


def partnership_remove(name, row, condition="1 = 1"):
    """All pairs of a partnership (`row`, as it was before the write)."""
    table, key, links = TABLES[name]
    if links:
        keys = f"{key} IN (SELECT k.{key} FROM {links} k WHERE k.partnership_id = {row}.id)"
    else:
        keys = f"{key} = {row}.country_id"
    return (
        f"UPDATE {table} SET n = n - 1 WHERE {keys} "
        f"AND organisation_id IN ({_swedish(f'{row}.id')}) "
        f"AND {row}.publication = {PUBLISHED} AND {condition};"
    )


def _statements(old, new):
    """{(table, event): [SQL of the trigger's body]} with `old`/`new` the rows' names."""
    body = {}
    for name, (_table, _key, links) in TABLES.items():
        sources = [(PARTICIPANTS, participant_add, participant_remove)]
        if links:
            sources.append((links, link_add, link_remove))
        for table, add, remove in sources:
            body.setdefault((table, "insert"), []).append(add(name, new))
            body.setdefault((table, "delete"), []).append(remove(name, old))
            body.setdefault((table, "update"), []).extend([remove(name, old), add(name, new)])
        body.setdefault((PARTNERSHIPS, "insert"), []).append(partnership_add(name, new))
        body.setdefault((PARTNERSHIPS, "delete"), []).append(partnership_remove(name, old))
        body.setdefault((PARTNERSHIPS, "update"), []).extend(
            [
                partnership_remove(name, old, _changed(name)),
                partnership_add(name, new, _changed(name)),
            ]
        )
    return body


# The columns whose update can move a pair (an update of any other leaves them).
UPDATED = {
    PARTICIPANTS: "partnership_id, organisation_id, role",
    PARTNERSHIPS: "publication, country_id",
    "partnerships_partnership_goals": "partnership_id, goal_id",
    "partnerships_partnership_themes": "partnership_id, theme_id",
}


def _name(table):
    return trigger_name(PREFIX, table)


def sqlite_statements():
    body = _statements("old", "new")
    return [*sqlite_drop_statements(), *sqlite_row_triggers(PREFIX, body, UPDATED), *_fill()]


def sqlite_drop_statements():
    return sqlite_row_trigger_drops(PREFIX, UPDATED)


def pg_statements():
    statements = pg_drop_statements()
    body = _statements("OLD", "NEW")
    for table in UPDATED:
        name = _name(table)
        parts = " ".join(
            f"IF TG_OP = '{event.upper()}' THEN {' '.join(body[table, event])} END IF;"
            for event in ("insert", "delete", "update")
        )
        if table != PARTNERSHIPS:
            parts = (
                f"{_lock_partnership('OLD', 'DELETE')} {_lock_partnership('NEW', 'INSERT')} {parts}"
            )
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {parts} "
            "RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {UPDATED[table]} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    return statements + _fill()


def _lock_partnership(row, event):
    """PL/pgSQL: lock the partnership of `row` (on `event` or an update)."""
    return (
        f"IF TG_OP IN ('UPDATE', '{event}') THEN PERFORM 1 FROM {PARTNERSHIPS} "
        f"WHERE id = {row}.partnership_id FOR NO KEY UPDATE; END IF;"
    )


def pg_drop_statements():
    statements = []
    for table in UPDATED:
        statements += [
            f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}",
            f"DROP FUNCTION IF EXISTS {_name(table)}()",
        ]
    return statements


def _fill():
    statements = []
    for table, key, links in TABLES.values():
        if links:
            pairs = (
                f"SELECT s.organisation_id, k.{key} FROM {PARTICIPANTS} s, {links} k, "
                f"{PARTNERSHIPS} p WHERE k.partnership_id = s.partnership_id "
                f"AND p.id = s.partnership_id"
            )
        else:
            pairs = (
                f"SELECT s.organisation_id, p.country_id AS {key} FROM {PARTICIPANTS} s, "
                f"{PARTNERSHIPS} p WHERE p.id = s.partnership_id AND p.country_id IS NOT NULL"
            )
        statements += [
            f"DELETE FROM {table}",
            f"INSERT INTO {table} (organisation_id, {key}, n) "
            f"SELECT organisation_id, {key}, COUNT(*) FROM ({pairs} AND s.role = {SWEDISH} "
            f"AND p.publication = {PUBLISHED}) pairs GROUP BY organisation_id, {key}",
        ]
    return statements


def trigger_names(vendor):
    """The triggers the read model needs on `vendor`'s database."""
    if vendor == "postgresql":
        return {_name(table) for table in UPDATED}
    return {f"{_name(table)}_{event}" for table, event in _statements("old", "new")}


def operation():
    """A migration operation that creates the read model's triggers (again) and fills it
    from the tables, and drops the triggers when reversed."""
    return trigger_operation(sys.modules[__name__])


def counted_afresh():
    """{name: {(organisation id, key): published partnerships}} counted from the tables
    now: what the read model must hold where n > 0 (the tests compare the two)."""
    from partnerships.models import Partnership, PartnershipParticipant

    links = PartnershipParticipant.objects.filter(
        role=Role.SWEDISH_PARTICIPANT, partnership__publication=Publication.PUBLISHED
    ).values_list("organisation_id", "partnership_id")
    covered = {"goal": {}, "theme": {}, "country": {}}
    keys = {
        "goal": Partnership.goals.through.objects.values_list("partnership_id", "goal_id"),
        "theme": Partnership.themes.through.objects.values_list("partnership_id", "theme_id"),
        "country": Partnership.objects.exclude(country=None).values_list("pk", "country_id"),
    }
    for name, pairs in keys.items():
        by_partnership = {}
        for pk, key in pairs:
            by_partnership.setdefault(pk, []).append(key)
        for organisation_id, pk in links:
            for key in by_partnership.get(pk, ()):
                pair = (organisation_id, key)
                covered[name][pair] = covered[name].get(pair, 0) + 1
    return covered


def held():
    """The same as the read model holds it (the rows with n > 0)."""
    from partnerships.models import CountryCoverage, GoalCoverage, ThemeCoverage

    return {
        name: {
            (organisation_id, key): n
            for organisation_id, key, n in model.objects.filter(n__gt=0).values_list(
                "organisation_id", f"{name}_id", "n"
            )
        }
        for name, model in (
            ("goal", GoalCoverage),
            ("theme", ThemeCoverage),
            ("country", CountryCoverage),
        )
    }
