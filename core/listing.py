"""The line of a record in a list (<li class="record">), built in Python: a country page
lists a hundred records, and the same markup as an included template took about 0.2 ms
of template lookups a record (19 of 51 ms of the page). The apps' template tags
(project_item, partnership_item) say what goes into it; the markup is here once."""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from core.models import fallback_lang, localized_html

SUMMARY_WORDS = 40


def joined(parts, separator=" · "):
    """Escaped `parts` (strings or safe HTML), the empty ones left out, joined."""
    return mark_safe(separator.join(conditional_escape(part) for part in parts if part))


def record_item(record, meta, badges):
    """The list line of `record`: its title linking to its page, a line of facts (`meta`,
    safe HTML), its summary cut at SUMMARY_WORDS words (marked lang="sv" where a Swedish
    text stands on an English page) and its goals (`badges`, safe HTML)."""
    summary, lang = fallback_lang(record, "summary")
    if summary:
        words = Truncator(summary).words(SUMMARY_WORDS, truncate=" …")
        summary = format_html("<p{}>{}</p>", lang, words)
    return format_html(
        '<li class="record">\n  <h3><a href="{}">{}</a></h3>\n  <p class="meta">{}</p>\n'
        "  {}\n  {}\n</li>\n",
        record.get_absolute_url(),
        localized_html(record, "title"),
        meta,
        summary,
        badges,
    )
