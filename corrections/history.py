"""What changed in a record since a moment, read from its django-simple-history rows:
the fields a reader sees, old and new. Foreign keys are named but their values left out
(the far end may be a draft, which the public never sees)."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# Fields that say nothing a reader sees: bookkeeping, publication, image renditions.
NOT_SHOWN = {
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "publication",
    "published_at",
    "image_renditions",
    "image_width",
    "image_height",
}
SHOWN_LENGTH = 300


def _stored(value):
    if value is None or isinstance(value, bool):
        return value
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _shown(field, value):
    """A stored value as a reader reads it, in the page's language."""
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def described(changes, model):
    """(field's name in the page's language, old, new, language of the values or "") of
    stored changes; a foreign key's values are not shown (None)."""
    rows = []
    for change in changes:
        try:
            field = model._meta.get_field(change["field"])
        except FieldDoesNotExist:  # a field removed since
            continue
        if change["old"] is None and change["new"] is None:  # a link, or values withheld
            rows.append((capfirst(field.verbose_name), None, None, ""))
        else:
            rows.append(
                (
                    capfirst(field.verbose_name),
                    _shown(field, change["old"]),
                    _shown(field, change["new"]),
                    change["field"][-2:] if change["field"][-3:] in ("_sv", "_en") else "",
                )
            )
    return rows


def changes_since(record, moment):
    """[{"field", "old", "new"}] between the record as it was at `moment` and now; empty
    when the history does not reach back that far."""
    history = getattr(record, "history", None)
    if history is None:
        return []
    before = history.filter(history_date__lte=moment).order_by("-history_date").first()
    after = history.order_by("-history_date").first()
    if before is None or after is None or before.pk == after.pk:
        return []
    found = []
    for change in after.diff_against(before).changes:
        if change.field in NOT_SHOWN:
            continue
        field = record._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField) or not field.editable:
            continue
        if field.is_relation:
            found.append({"field": change.field, "old": None, "new": None})
        else:
            found.append(
                {
                    "field": change.field,
                    "old": _stored(change.old),
                    "new": _stored(change.new),
                }
            )
    return found
