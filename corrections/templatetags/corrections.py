from django import template

from corrections.models import public_queryset
from corrections.selectors import corrections_of

register = template.Library()


@register.inclusion_tag("corrections/on_record.html", takes_context=True)
def record_corrections(context):
    """On a public record's page: the link to report an error in it and its corrections.
    Nothing on a draft's preview or on a page about no record that takes reports."""
    record = context.get("object")
    if record is None or context.get("preview") or public_queryset(type(record)) is None:
        return {"record": None}
    return {
        "record": record,
        "address": context["request"].path,
        "corrections": corrections_of(record),
    }
