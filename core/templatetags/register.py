from django import template
from django.http import QueryDict
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from core.text import escaped

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def query_without(context, name, value):
    """The current query string without one value of a repeatable parameter (and page)."""
    params = context["request"].GET.copy()
    values = [v for v in params.getlist(name) if v != value and v.upper() != value]
    params.setlist(name, values)
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def language_url(context, language, absolute=False):
    """This page in another language, with its filters kept; with absolute=True the whole
    address (hreflang alternates: search engines read only absolute ones)."""
    request = context["request"]
    url = translate_url(request.get_full_path(), language)
    return request.build_absolute_uri(url) if absolute else url


@register.simple_tag
def url_in_language(language, name, *args):
    """A named address in a given language: {% url_in_language "en" "pages:home" %}."""
    with translation.override(language):
        return reverse(name, args=args)


@register.filter(is_safe=True)
def markdown(text):
    """Markdown as sanitised HTML (core.text.render_markdown): {{ project.body|markdown }}."""
    from core.text import render_markdown

    return render_markdown(text)


@register.simple_tag
def params(**kwargs):
    return urlencode({k: v for k, v in kwargs.items() if v not in (None, "")})


@register.simple_tag
def facet_checkboxes(name, options):
    """The checkboxes of a facet's options ((value, label, count, selected), ...), one
    line each: built here rather than in the template's loop, since the municipalities'
    facet has some 300 of them on every list."""
    name = escaped(name)
    return mark_safe(
        "\n".join(
            f'<label class="option"><input type="checkbox" name="{name}" '
            f'value="{escaped(value)}"{" checked" if selected else ""}> {escaped(label)} '
            f'<span class="count">({escaped(count)})</span></label>'
            for value, label, count, selected in options
        )
    )


@register.filter
def get_label(filters, name):
    return filters[name].label if name in filters else name


@register.filter
def field_value(form, name):
    return form.data.get(name) if form.is_bound else None


@register.filter
def bi(obj, field):
    """A bilingual field in the page's language; Swedish fallback text on an English page
    is marked lang="sv" (WCAG 3.1.2). Usage: {{ project|bi:"title" }}."""
    from core.models import localized_html

    return localized_html(obj, field)


@register.filter
def bi_text(obj, field):
    """The same as plain text with the language attribute to put on its own element:
    returns ' lang="sv"' when the text is a Swedish fallback on an English page."""
    from core.models import fallback_lang

    return fallback_lang(obj, field)[1]


@register.filter
def narrowed(query, extra):
    """`query` narrowed by the parameters of `extra` (both query strings), or "" when
    `extra` is empty or names a parameter `query` already has: adding a second value
    would widen the selection (values of one parameter are OR-ed), not narrow it, and
    repeat the parameter in the address."""
    if not extra:
        return ""
    given, more = QueryDict(query or ""), QueryDict(extra)
    if set(given) & set(more):
        return ""
    return "&".join(part for part in (given.urlencode(), more.urlencode()) if part)


@register.simple_tag
def search_snippet(record, query):
    """A search result's passage with the query's words marked (core.snippets)."""
    from core.snippets import snippet

    return snippet(record, query)
