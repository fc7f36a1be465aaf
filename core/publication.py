"""The one way a relation reaches a publishable record while the public is served: a
draft (or unpublished record) at the far end of a foreign key reads as None, so no page,
template, file or feed can name it, however it follows the relation (select_related,
prefetch or a lazy load).

Requests outside the admin are public (core.middleware.PublicRelationsMiddleware); code
that writes public files outside a request (a command) wraps itself in `public_reading()`.
Editors in the admin, imports and management commands see every record as it is."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor

_public = ContextVar("register_public_reading", default=False)


def is_public_reading():
    return _public.get()


def set_public_reading(value):
    _public.set(bool(value))


@contextmanager
def public_reading():
    token = _public.set(True)
    try:
        yield
    finally:
        _public.reset(token)


class PublishedOnlyDescriptor(ForwardManyToOneDescriptor):
    """A foreign key's accessor that gives None for a record that is not published, while
    the public is served."""

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is not None and value is not None and _public.get():
            if not value.is_published:
                return None
        return value


def guard_relations(models, publishable):
    """Puts the published-only accessor on every foreign key of `models` whose target is a
    `publishable` model (called once at start-up, so a foreign key added later is guarded
    without anyone remembering to)."""
    guarded = []
    for model in models:
        for field in model._meta.get_fields():
            if (
                field.many_to_one
                and field.concrete
                and field.related_model is not None
                and not isinstance(field.related_model, str)
                and issubclass(field.related_model, publishable)
                and not isinstance(model.__dict__.get(field.name), PublishedOnlyDescriptor)
            ):
                setattr(model, field.name, PublishedOnlyDescriptor(field))
                guarded.append(f"{model._meta.label}.{field.name}")
    return guarded
