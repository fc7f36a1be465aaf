"""Data migrations shared by the apps: foreign keys of a record moved into rows of a
participation table with a role, keeping their history (django-simple-history).

Every value a record's foreign key ever had becomes the history of the row that holds
it now: "+" where the record first named an organisation in that role, "~" where it
named another, "-" where it named none any more (or the record was deleted), each at the
time and by the user of the record's own version. Rows that no longer exist keep ids
of their own, past those of the live rows, and the table's sequence is moved past them,
so no later row reuses one."""

from django.db import migrations

REASON = "moved from the record's own field"


def foreign_keys_to_rows(app_label, record, participant, record_field, roles):
    """A RunPython operation: `record`'s foreign keys named in `roles` ({attname: role})
    become rows of `participant` (its foreign key to the record is `record_field`), with
    their history. Reversed, the rows are written back into the foreign keys."""

    def forwards(apps, schema_editor):
        Record = apps.get_model(app_label, record)
        History = apps.get_model(app_label, f"Historical{record}")
        Row = apps.get_model(app_label, participant)
        RowHistory = apps.get_model(app_label, f"Historical{participant}")
        names = list(roles)
        key_name = f"{record_field}_id"

        live = []
        for pk, *organisations in Record.objects.values_list("pk", *names).iterator(2000):
            for name, organisation in zip(names, organisations, strict=True):
                if organisation is not None:
                    live.append(
                        Row(**{key_name: pk}, role=roles[name], organisation_id=organisation)
                    )
        Row.objects.bulk_create(live, batch_size=1000)
        ids = {(r, role): pk for r, role, pk in Row.objects.values_list(key_name, "role", "pk")}
        next_id = max(ids.values(), default=0) + 1

        versions = History.objects.order_by("id", "history_date", "history_id").values_list(
            "id", "history_date", "history_user_id", "history_type", *names
        )
        current, events = {}, []
        for pk, when, user, kind, *organisations in versions.iterator(2000):
            for name, organisation in zip(names, organisations, strict=True):
                key = (pk, roles[name])
                if kind == "-":
                    organisation = None
                before = current.get(key)
                if organisation == before:
                    continue
                if key not in ids:
                    ids[key], next_id = next_id, next_id + 1
                event = "+" if before is None else "-" if organisation is None else "~"
                current[key] = organisation
                events.append((key, when, user, event, organisation or before))
        RowHistory.objects.bulk_create(
            [
                RowHistory(
                    id=ids[key],
                    **{key_name: key[0]},
                    role=key[1],
                    organisation_id=organisation,
                    position=0,
                    history_date=when,
                    history_user_id=user,
                    history_type=event,
                    history_change_reason=REASON,
                )
                for key, when, user, event, organisation in events
            ],
            batch_size=1000,
        )
        if next_id - 1 > max((pk for (pk,) in Row.objects.values_list("pk")), default=0):
            move_sequence(schema_editor, Row._meta.db_table, next_id - 1)
        check_now(schema_editor)

    def backwards(apps, schema_editor):
        Record = apps.get_model(app_label, record)
        Row = apps.get_model(app_label, participant)
        by_role = {role: name for name, role in roles.items()}
        for pk, role, organisation in Row.objects.values_list(
            f"{record_field}_id", "role", "organisation_id"
        ):
            Record.objects.filter(pk=pk).update(**{by_role[role]: organisation})
        check_now(schema_editor)

    return migrations.RunPython(forwards, backwards)


def check_now(schema_editor):
    """PostgreSQL checks the foreign keys of the rows just written now, not at the end of
    the migration's transaction: it alters no table with checks pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def move_sequence(schema_editor, table, last):
    """The next id of `table` comes after `last`."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", (table, last))
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DELETE FROM sqlite_sequence WHERE name = %s", (table,))
        schema_editor.execute(
            "INSERT INTO sqlite_sequence(name, seq) VALUES (%s, %s)", (table, last)
        )
