"""A search result's snippet: a short passage of its own text around the first place the
query's words occur, with them marked (<mark>), in the page's language where the record
has text in it, else in Swedish (marked lang="sv" on an English page). A record found
another way (by its country's name, or by Swedish stemming on PostgreSQL) shows the start
of its text, with nothing marked. Markdown is read as the page shows it, without markup."""

import html
import re

from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe

from core.text import page_language, render_markdown

WIDTH = 200  # characters of text in a snippet
BEFORE = 60  # of them before the first match
FIELDS = ("summary", "body", "description")


def words_pattern(query):
    """A case-insensitive pattern of the query's words (two letters or more), or None."""
    words = sorted({w for w in re.findall(r"\w{2,}", query)}, key=len, reverse=True)[:10]
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def plain(text):
    """The text as the page shows it, without markup (entities read back as characters:
    marked() escapes them once)."""
    return " ".join(html.unescape(strip_tags(render_markdown(text))).split())


def window(text, start):
    """(begin, end) of about WIDTH characters around `start`, cut between words."""
    begin = max(0, start - BEFORE)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    end = min(len(text), begin + WIDTH)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    return begin, end


def marked(text, pattern):
    """`text` escaped, with the pattern's matches in <mark>."""
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # every piece escaped above


def snippet(record, query):
    """The snippet of `record` for `query` as a <p class="snippet">, or "" when the
    record has no text of its own."""
    language = page_language()
    languages = [language, *(other for other in ("sv", "en") if other != language)]
    texts = [
        (lang, value)
        for lang in languages
        for field in FIELDS
        if (value := getattr(record, f"{field}_{lang}", ""))
    ]
    if not texts:
        return ""
    pattern = words_pattern(query)
    found = None
    for lang, value in texts:
        text = plain(value)
        match = pattern.search(text) if pattern else None
        if match:
            found = lang, text, match.start()
            break
    if found is None:
        lang, value = texts[0]
        found = lang, plain(value), 0
    lang, text, start = found
    begin, end = window(text, start)
    html = marked(text[begin:end], pattern)
    html = format_html("{}{}{}", "… " if begin else "", html, " …" if end < len(text) else "")
    attribute = format_html(' lang="{}"', lang) if lang != language else ""
    return format_html('<p class="snippet"{}>{}</p>', attribute, html)
