"""Filter building blocks: form fields that turn odd input into messages, subqueries
over link tables, and free-text search with Swedish stemming on PostgreSQL. The filter
contract itself (reference.filters.RegisterFilterSet) is built from these."""

import django_filters
from django import forms
from django.core.validators import validate_slug
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django_countries import countries as country_registry

from core import fulltext

YEAR_MIN, YEAR_MAX = 1900, 2100
Q_MAX_LENGTH = 200


def country_choices():
    return [(code, code) for code, _name in country_registry]


class UpperCaseMultipleChoiceField(forms.MultipleChoiceField):
    def to_python(self, value):
        return [v.strip().upper() for v in super().to_python(value)]


def is_slug(value, longest=100):
    """True for a value that can be a slug or a code: checked before a value from an
    address is looked up (PostgreSQL refuses a NUL byte in a query; no record has 10 000
    characters)."""
    try:
        validate_slug(value)
    except forms.ValidationError:
        return False
    return len(value) <= longest


class SlugModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Checks that every value looks like a slug before asking the database, so that odd
    input (NUL bytes, 10 000 characters) gets a message instead of a database error."""

    def clean(self, value):
        # Nothing chosen: an empty list rather than Django's `queryset.none()`, whose truth
        # value (each filter method's `if not value`) compiles a query before it finds
        # nothing to ask: about 0.4 ms a filter, three a FilterSet, several FilterSets a
        # page (a country page's statistics panel: 9 -> 6.5 ms on SQLite).
        if not self.required and value in self.empty_values:
            return []
        return super().clean(value)

    def _check_values(self, value):
        for item in value:
            if not is_slug(str(item), longest=len(str(item))):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)[:50]},
                )
        return super()._check_values(value)


def is_blank(value):
    """Whether a filter parameter's value is none: missing, empty or only spaces (the
    FilterSets, the statistics and the lists' notices read it the same)."""
    return value is None or (isinstance(value, str) and not value.strip())


def any_given(values):
    """Whether any of a parameter's values is given (is_blank: not)."""
    return not all(map(is_blank, values))


def without_empty(data):
    """A FilterSet's data without its empty values: an empty parameter (?theme=, as a form
    sends a field left empty) is no parameter in every output that reads the filters, as
    the lists read it when they move to the address without it (core.views). The choice
    fields otherwise refused "" as an unknown option, and the statistics, API, feeds and
    open data selected nothing. `data`: a QueryDict, or a dict of values or lists;
    returned as it is when nothing in it is empty."""
    if not data:
        return data
    lists = hasattr(data, "lists")
    items = [
        (key, values if lists or isinstance(values, list | tuple) else [values])
        for key, values in (data.lists() if lists else data.items())
    ]
    if not any(is_blank(value) for _key, values in items for value in values):
        return data
    kept = QueryDict(mutable=True) if lists else {}
    for key, values in items:
        if values := [value for value in values if not is_blank(value)]:
            if lists:
                kept.setlist(key, values)
            else:  # a single value stays single
                kept[key] = values if isinstance(data[key], list | tuple) else values[0]
    return kept


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = UpperCaseMultipleChoiceField


class SlugFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SlugModelMultipleChoiceField


def through_ids(model, field_name, **lookups):
    """Primary keys of `model` rows linked through the many-to-many `field_name` to targets
    matching `lookups` (a subquery, so no duplicate rows and no DISTINCT)."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    return through.objects.filter(**lookups).values(field.m2m_field_name())


def text_search(queryset, fields_sv, fields_en, value):
    """Swedish stemming on PostgreSQL (kommunerna finds kommun); on SQLite its full-text
    index (core.fulltext); any part of a word on both."""
    condition = Q()
    for field in (*fields_sv, *fields_en):
        condition |= Q(**{f"{field}__icontains": value})
    if connection.vendor == "postgresql":
        # The model's stored vector where it has one for these fields (core.fulltext: one
        # table, so PostgreSQL combines its index with the trigram indexes of the icontains
        # above), else the same vector computed on every row.
        stored = fulltext.vector_match(queryset.model, fields_sv, fields_en, value)
        if stored is not None:
            return queryset.filter(stored | condition)
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*fields_sv, config="swedish") + SearchVector(
            *fields_en, config="english"
        )
        query = SearchQuery(value, config="swedish", search_type="websearch") | SearchQuery(
            value, config="english", search_type="websearch"
        )
        return queryset.annotate(_search=vector).filter(Q(_search=query) | condition)
    # SQLite: its full-text index where the model has one (words as prefixes, diacritics
    # folded), besides any part of a word (core.fulltext says why both).
    indexed = fulltext.matching(queryset.model, (*fields_sv, *fields_en), value)
    if indexed is not None:
        condition |= Q(pk__in=indexed)
    return queryset.filter(condition)


def unindexed(field):
    """`field` as an expression no index gives in order, for ordering the records a text
    search matched: by the column itself, PostgreSQL reads its index in order and tests
    each row until a page is full, which is most of the table when the matches sort late
    ("[Syntetisk] Vatten ...": 129-155 ms at 100 000 partnerships), where it finds the
    matches by their own indexes and sorts them instead (18-24 ms)."""
    return Coalesce(field, Value(""))


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def selected(filterset):
    """The records a FilterSet selects: all of its queryset when no parameter is given,
    none when a value cannot be used (the page says which, invalid_values), else the
    filtered ones. The one place that decides it for lists, exports, statistics, feeds
    and open data."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def selection(filterset, params):
    """(records, notices) of a list for the query `params`: what `selected` gives, and a
    notice for each value it cannot use and for each parameter of the filter contract
    the list does not have (?municipality= on the projects selects nothing there, as the
    statistics count it). The lists and their widgets read it."""
    from django.utils.translation import gettext as _

    from core.text import printable

    records = selected(filterset)
    notices = []
    for name, errors in invalid_values(filterset).items():
        label = filterset.filters[name].label if name in filterset.filters else name
        notices.extend(printable(f"{label}: {error}") for error in errors)
    if hasattr(filterset, "selection_notices"):  # values valid but selecting none here
        notices.extend(filterset.selection_notices())
    for name in sorted(set(params) & contract_parameters() - set(filterset.filters)):
        if name not in ("page", "format") and any_given(params.getlist(name)):
            records = filterset.queryset.none()
            notices.append(_("%(name)s: this list has no such filter.") % {"name": name})
    return records, notices


def invalid_values(filterset):
    """{parameter: [message]} for the values a FilterSet cannot use; {} when none."""
    if not filterset.is_bound or filterset.is_valid():
        return {}
    return {name: [str(error) for error in errors] for name, errors in filterset.errors.items()}


# The filter contract's parameter names, registered by the app that declares the contract
# (reference.apps): the page cache stores pages only with these, and a list reports one
# of them that does not apply to it.
_contract_sources = []


def register_contract(source):
    """`source()` gives the names of the filter contract's parameters."""
    _contract_sources.append(source)


def contract_parameters():
    return set().union(*(source() for source in _contract_sources))


def memoised(holder, name, compute):
    """compute(), kept on `holder` under `name` (the request, or whatever else asks more
    than once in one response), so that a response reads it once; computed every time
    without a holder."""
    if holder is None:
        return compute()
    if name not in holder.__dict__:
        holder.__dict__[name] = compute()
    return holder.__dict__[name]
