"""Addresses that never break: what became of the record that was public at a slug.

A record's page is at its slug, and a slug can change, or the record be unpublished or
deleted. The history every register record keeps (django-simple-history: one row per
save, publication state and slug included, and one per deletion) says what became of a
slug, so no second record of old addresses has to be kept in step with every write path
(admin, actions, import, history revert, commands):

- the record that was last public at the slug is public now at another: MOVED, answered
  with 301 to its address (its slug history may be long; the newest public record at the
  slug wins);
- it was public there and is deleted or no longer public: GONE, answered with 410 and
  only its title as it was when public, its kind and the day it went;
- no public record ever had the slug: None (404).

"Public" in the history is a row whose record was published (models without a
publication state, grant rounds, are public through their programme: for them only a
rename is followed, never a removal, which could show a title that never was public)."""

from dataclasses import dataclass
from datetime import datetime

from core.models import Publication


@dataclass
class Gone:
    title: str
    kind: str
    since: datetime


@dataclass
class Moved:
    record: object


def former_address(queryset, slug):
    """MOVED(record in `queryset`), GONE or None for a slug that `queryset` (the records
    the page may show) does not hold."""
    model = queryset.model
    history = getattr(model, "history", None)
    if history is None or not slug or "\x00" in slug:
        return None
    rows = history.model.objects.filter(slug=slug)
    publishable = any(f.name == "publication" for f in model._meta.fields)
    if publishable:
        rows = rows.filter(publication=Publication.PUBLISHED)
    last_public = rows.order_by("-history_date", "-history_id").first()
    if last_public is None:
        return None
    record = queryset.filter(pk=last_public.id).first()
    if record is not None:
        return Moved(record) if record.slug != slug else None
    if not publishable or model.objects.published().filter(pk=last_public.id).exists():
        return None  # public still, only not on this page (a municipality no longer one)
    after = (
        history.model.objects.filter(id=last_public.id, history_date__gt=last_public.history_date)
        .order_by("history_date", "history_id")
        .first()
    )
    return Gone(
        title=str(last_public.instance),
        kind=str(model._meta.verbose_name),
        since=(after or last_public).history_date,
    )
