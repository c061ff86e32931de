"""Markdown to safe HTML, once, when a post is saved.

Markdown is rendered without raw HTML passing through (escaped first), then nh3 (ammonia) keeps only an
allow-list of tags and attributes: no scripts, no event handlers, no style, no `javascript:` or `data:` URLs.
Links get rel="nofollow ugc noopener". @username mentions of people who exist become links to them."""

import html
import re

import markdown
import nh3
from django.urls import reverse

MENTION_RE = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_][A-Za-z0-9_.+-]{1,149})")

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def mentioned_usernames(text: str) -> list[str]:
    """Usernames after an @, in order, once each (outside code is good enough: a false hit only links)."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text):
        seen.setdefault(match.group(1).rstrip(".-").lower(), None)
    return list(seen)


class _EscapeHtml(markdown.extensions.Extension):
    """Treat raw HTML in the source as text: what a person types is shown, never interpreted."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def _heading_shift(text: str) -> str:
    # A post lives under the page's h1/h2: Markdown headings start at h3.
    return re.sub(r"^(#{1,3})(?=\s)", "###", text, flags=re.MULTILINE)


def render_markdown(text: str, *, mentions: dict[str, str] | None = None) -> str:
    """Render and sanitize. `mentions` maps lower-cased usernames to their display form to link."""
    mentions = mentions or {}
    source = _heading_shift(text)
    if mentions:

        def link(match):
            name = match.group(1).rstrip(".-")
            key = name.lower()
            if key not in mentions:
                return match.group(0)
            url = reverse("forums:person", args=[mentions[key]])
            return f"[@{mentions[key]}]({url}){match.group(1)[len(name) :]}"

        source = MENTION_RE.sub(link, source)
    rendered = markdown.markdown(
        source,
        extensions=[_EscapeHtml(), "fenced_code", "tables", "sane_lists", "nl2br"],
        output_format="html",
    )
    return sanitize(rendered)


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def quote_markdown(*, author: str, body: str, limit: int = 1500) -> str:
    """The text put in a reply box when quoting a post."""
    text = body.strip()
    if len(text) > limit:
        text = text[:limit].rstrip() + " …"
    quoted = "\n".join("> " + line if line else ">" for line in text.splitlines())
    return f"> **{html.escape(author)}**:\n{quoted}\n\n"
