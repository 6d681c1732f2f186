"""Fact-check bodies, written in Markdown, as HTML a reader's browser can trust.

Two independent layers: markdown-it-py with raw HTML off escapes whatever markup a
writer types, and nh3 then keeps only an explicit allowlist of tags, attributes and
link schemes, so a bug or a missed case in one layer is still caught by the other.
Bodies are also read out of context (feeds, aggregators), which is why only absolute
http(s) and mailto links are kept: a relative link would point nowhere there.
"""

import re
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

BLOCK_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "table"}
)
ALLOWED_TAGS = BLOCK_TAGS | {
    "strong",
    "em",
    "a",
    "code",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
}
# A quotation in the other language can say so on its block; nothing else may set
# attributes (no style, no class, no id, no event handler).
ALLOWED_ATTRIBUTES = {
    # Empty, not absent: nh3 would otherwise allow lang and title on every tag.
    "*": frozenset(),
    **{tag: frozenset({"dir", "lang"}) for tag in BLOCK_TAGS},
    "ol": frozenset({"dir", "lang", "start"}),
    "a": frozenset({"href", "title"}),
}
LINK_REL = "nofollow noopener noreferrer"

DIRECTIONS = frozenset({"ltr", "rtl", "auto"})
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")

# The embedding, override and isolate controls: the characters the storage layer
# refuses (factcheck.fields.FORBIDDEN_CHARS), which a Markdown entity such as
# "&#x202E;" would otherwise bring back into the rendered text.
TEXT_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# In a link every direction mark is spoofing, not typography: it makes the address
# a reader sees differ from where the link goes. Raw and percent-encoded (UTF-8),
# because browsers decode the latter when they show a link's address.
HREF_BIDI_CONTROLS = re.compile(
    "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
    "|%D8%9C|%E2%80%8[EF]|%E2%80%A[A-E]|%E2%81%A[6-9]",
    re.IGNORECASE,
)


def strip_bidi_controls(url: str) -> str:
    return HREF_BIDI_CONTROLS.sub("", url)


def is_allowed_url(url: str) -> bool:
    """An absolute http(s) or mailto link; nothing relative, nothing scriptable."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return False
    return parts.scheme.lower() == "mailto" or bool(parts.netloc)


class _BodyMarkdown(MarkdownIt):
    """CommonMark whose links are checked against the same rules as the sanitiser.

    Refusing a link here leaves the Markdown visible as text, which shows its
    writer in the preview that the link was not accepted, where a link silently
    emptied by the sanitiser would not.
    """

    def normalizeLink(self, url: str) -> str:
        return strip_bidi_controls(super().normalizeLink(url))

    def normalizeLinkText(self, link: str) -> str:
        # An autolink shows its address decoded, bidi controls included.
        return strip_bidi_controls(super().normalizeLinkText(link))

    def validateLink(self, url: str) -> bool:
        return is_allowed_url(url)


def _clamp_headings(state) -> None:
    # The page's headline is its only h1, so "#" and "##" both open a section (h2);
    # the allowlist stops at h4, so deeper levels become h4 rather than plain text.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(max(int(token.tag[1]), 2), 4)
            token.tag = f"h{level}"


def _build_parser() -> MarkdownIt:
    md = _BodyMarkdown("commonmark", {"html": False, "linkify": False})
    md.enable("table")
    # Images would load third-party content into the page (and CSP refuses them):
    # with the rule off, "![text](link)" reads as "!" and a link.
    md.disable("image")
    md.core.ruler.push("clamp_headings", _clamp_headings)
    return md


_parser = _build_parser()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        value = strip_bidi_controls(value)
        return value if is_allowed_url(value) else None
    if attribute == "dir":
        value = value.strip().lower()
        return value if value in DIRECTIONS else None
    if attribute == "lang":
        return value if LANGUAGE_TAG.fullmatch(value) else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=ALLOWED_SCHEMES,
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)


def sanitize_html(html: str) -> SafeString:
    """HTML cut down to the allowlist; also safe to run on its own output."""
    cleaned = TEXT_BIDI_CONTROLS.sub("", _cleaner.clean(html))
    return mark_safe(cleaned)  # noqa: S308 - the allowlist above made it safe


def render_markdown(text: str) -> SafeString:
    """A fact-check body (Markdown) as sanitised HTML, ready for a template."""
    if not text:
        return mark_safe("")
    return sanitize_html(_parser.render(text))
