"""Formatted text: bodies and descriptions are written in Markdown (paragraphs, subheadings,
lists, links, emphasis, quotations) and shown as HTML that can hold nothing else.

Two guards: markdown-it-py escapes any HTML an editor types (html=False) and refuses
javascript: and similar links, and nh3 (the ammonia sanitiser) then keeps only the tags and
attributes the register allows, links to http, https and mailto only. Headings start at
level 2 (the page's title is the one h1) and end at 4."""

import html

import nh3
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
FIRST_HEADING, LAST_HEADING = 2, 4

_parser = MarkdownIt("commonmark", {"html": False}).disable(["image", "html_block", "html_inline"])


def _heading_levels(tokens):
    """# and ## become h2, ### h3, and anything deeper h4."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(max(int(token.tag[1]), FIRST_HEADING), LAST_HEADING)
            token.tag = f"h{level}"
    return tokens


def render_markdown(text) -> SafeString:
    """Markdown as sanitised HTML, safe to put in a page; "" for no text."""
    if not text or not text.strip():
        return mark_safe("")
    html = _parser.renderer.render(_heading_levels(_parser.parse(text)), _parser.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # sanitised by nh3 just above


def page_language():
    """The page's language as the register writes it: "en" on English pages, else "sv"
    (the one place that asks; Swedish is the default)."""
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def printable(text):
    """Text with each character a page cannot show (a NUL byte, a control character from
    an address) as the replacement character."""
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


def quoted(value, limit=50):
    """A value from an address as a page may quote it: printable and short."""
    return printable(value[:limit]) + ("…" if len(value) > limit else "")


def escaped(value):
    """Django's escape() of a value for HTML, leaving text marked safe as it is
    (conditional_escape), without the check for lazy arguments that escape() makes on
    every call: for markup built in Python with hundreds of values (the facets' checkboxes,
    the statistics' tables), where that check cost more than the escaping."""
    return value if isinstance(value, SafeData) else html.escape(str(value))
