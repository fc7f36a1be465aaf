"""The archived, read-only register (REGISTER_ARCHIVED_ON, a date).

When the register becomes the archive of record, nothing in it may change any more,
whichever way a write would come: an admin form, a bulk action, the import, a history
revert, a management command, the API. So the refusal sits where the data changes: every
database connection gets a guard (Django's execute wrappers) that refuses INSERT, UPDATE
and DELETE on the register's own tables (those of REGISTER_APPS, their history and
many-to-many tables included) with RegisterReadOnly, a PermissionDenied, which the site
answers with 403 and a message. Sessions, logins and the cache are other tables and keep
working, so staff can still log in and read. Above that, the admin shows every record
read-only and offers no action, and every page says since when the register is archived
(core.context_processors)."""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)', re.IGNORECASE)
_tables = None


class RegisterReadOnly(PermissionDenied):
    def __init__(self):
        super().__init__(_("The register is archived and read-only: nothing in it can be changed."))


def archived():
    """The date the register was archived, or None while it is kept up to date."""
    return settings.REGISTER_ARCHIVED_ON


def register_tables():
    global _tables
    if _tables is None:
        from django.apps import apps

        _tables = {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in settings.REGISTER_APPS
        }
    return _tables


def guard(execute, sql, params, many, context):
    """Refuses a statement that writes a register table while the register is archived."""
    if settings.REGISTER_ARCHIVED_ON:
        match = WRITE.match(sql)
        if match and match.group(1) in register_tables():
            raise RegisterReadOnly()
    return execute(sql, params, many, context)


def install_guard(sender, connection, **kwargs):
    """connection_created: every new connection carries the guard."""
    if guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(guard)
