"""Markdown to safe HTML, once, when a post is saved. Also used by anything else in Pelita that renders what
people type as Markdown (meetings' minutes): the same nesting rule, the same allow-list.

- Raw HTML in the source is shown as text (escaped), then nh3 (ammonia) keeps only an allow-list of tags and
  attributes: no scripts, no event handlers, no style, no `javascript:` or `data:` URLs. Links get
  rel="nofollow ugc noopener".
- Nesting is capped (MAX_NESTING levels of lists, quotes or brackets): Python-Markdown recurses once per level
  (3,000 nested `* ` markers exhaust Python's stack) and nested brackets cost quadratic time. Deeper text raises
  `NestingTooDeep` (an InvalidInput: 422 on the API, a form error on pages) before any parsing.
- @username mentions are found in the parsed document, never inside code (inline or fenced) or links, so code
  is shown exactly as typed and mentions nobody. Headings start at h3 (a post lives under the page's h1/h2),
  also done on the parsed document so that a `# comment` line inside code stays as typed."""

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field

import markdown
import nh3
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.core.errors import InvalidInput

# "@name" not preceded by a word character, @, / or . (e-mail addresses, paths) nor by a backslash (an escape).
MENTION_RE = re.compile(r"(?<![\w@/.\\])@([A-Za-z0-9_][A-Za-z0-9_.+-]{1,149})")

# Lists, quotes and brackets nested deeper than this are refused (Discourse's and GitHub's renderers cap
# nesting too; no post needs more than a handful of levels).
MAX_NESTING = 16

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Elements whose text is never scanned for mentions.
_NO_MENTIONS = {"code", "pre", "a"}
# A container marker at the start of what is left of a line: a quote (>) or a list item (*, +, -, 1., 1)).
_CONTAINER = re.compile(r"(?:>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$))")
# A fence that opens or closes a fenced code block (whose content the renderer never nests).
_FENCE = re.compile(r"^(`{3,}|~{3,})")


class NestingTooDeep(InvalidInput):
    """The text nests lists, quotes or brackets deeper than MAX_NESTING levels."""


def _too_deep(field_name: str) -> NestingTooDeep:
    message = _(
        "The text is too deeply nested: lists, quotes or brackets inside each other at most %(n)s levels deep."
    ) % {"n": MAX_NESTING}
    return NestingTooDeep(message, errors={field_name: [message]})


def nesting_depth(text: str) -> int:
    """How deeply the text nests, without parsing it (linear time): per line, the container markers at its start,
    each also counting the indentation before it in steps of four spaces (how Markdown nests lists); and the
    deepest run of open brackets. Lines inside fenced code blocks do not count. An upper bound of what the
    renderer would nest."""
    deepest = 0
    fence = ""
    prose = []
    for line in text.expandtabs(4).splitlines():
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        prose.append(line)
        depth, rest = 0, line
        while True:
            stripped = rest.lstrip(" ")
            match = _CONTAINER.match(stripped)
            if not match:
                break
            depth += 1 + (len(rest) - len(stripped)) // 4
            rest = stripped[match.end() :]
        deepest = max(deepest, depth)
    open_brackets = 0
    escaped = False
    for char in "\n".join(prose):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            open_brackets += 1
            deepest = max(deepest, open_brackets)
        elif char == "]" and open_brackets:
            open_brackets -= 1
    return deepest


def check_nesting(text: str, *, field_name: str = "body") -> None:
    """Raise NestingTooDeep (errors={field_name: [message]}, in the active language) when the text nests deeper
    than MAX_NESTING levels."""
    if nesting_depth(text or "") > MAX_NESTING:
        raise _too_deep(field_name)


class _EscapeHtml(markdown.extensions.Extension):
    """Treat raw HTML in the source as text: what a person types is shown, never interpreted."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


@dataclass
class _Mentions:
    resolve: Callable[[list[str]], dict[str, str]] | None
    found: list[str] = field(default_factory=list)  # lower-cased, in order, once each
    linked: dict[str, str] = field(default_factory=dict)  # lower-cased -> username as stored


def _candidate(match) -> tuple[str, str]:
    """(the name as typed without trailing punctuation, what trails it)."""
    raw = match.group(1)
    name = raw.rstrip(".-")
    return name, raw[len(name) :]


def _text_nodes(root):
    """(element, 'text' | 'tail') for every piece of text outside code, pre and links, in document order.
    Iterative: a deeply nested document must not exhaust the stack here."""
    nodes = []
    stack = [(root, False)]
    while stack:
        element, skip = stack.pop()
        if element is None:  # a marker: the tail of `skip` (the child) comes after its subtree
            nodes.append((skip, "tail"))
            continue
        inside = skip or element.tag in _NO_MENTIONS
        if not inside and element.text:
            nodes.append((element, "text"))
        for child in reversed(list(element)):
            if not inside and child.tail:
                stack.append((None, child))
            stack.append((child, inside))
    return nodes


class _DocumentTreeprocessor(markdown.treeprocessors.Treeprocessor):
    """After inline parsing: shift headings to h3, find mentions outside code and links, link the known ones."""

    def __init__(self, md, mentions: _Mentions):
        super().__init__(md)
        self.mentions = mentions

    def run(self, root):
        for element in root.iter():
            if element.tag in ("h1", "h2"):
                element.tag = "h3"
        nodes = list(_text_nodes(root))
        seen: dict[str, None] = {}
        for element, attr in nodes:
            for match in MENTION_RE.finditer(getattr(element, attr)):
                seen.setdefault(_candidate(match)[0].lower(), None)
        self.mentions.found = list(seen)
        if not seen or self.mentions.resolve is None:
            return None
        self.mentions.linked = {k.lower(): v for k, v in self.mentions.resolve(list(seen)).items()}
        if not self.mentions.linked:
            return None
        parents = {child: parent for parent in root.iter() for child in parent}
        urls = {key: reverse("forums:person", args=[name]) for key, name in self.mentions.linked.items()}
        for element, attr in nodes:
            self._link(element, attr, parents, urls)
        return None

    def _link(self, element, attr, parents, urls) -> None:
        text = getattr(element, attr)
        pieces: list = []  # str or Element
        last = 0
        for match in MENTION_RE.finditer(text):
            name, _trail = _candidate(match)
            username = self.mentions.linked.get(name.lower())
            if username is None:
                continue
            pieces.append(text[last : match.start()])
            link = etree.Element("a", {"href": urls[name.lower()], "class": "mention"})
            link.text = markdown.util.AtomicString("@" + username)
            pieces.append(link)
            last = match.start() + 1 + len(name)
        if not pieces:
            return
        pieces.append(text[last:])
        before, links = pieces[0], pieces[1:]
        if attr == "text":
            element.text = before
            host, index = element, 0
        else:
            element.tail = before
            host = parents[element]
            index = list(host).index(element) + 1
        # links is [a, str, a, str, ..., str]: each string is the tail of the link before it.
        for i in range(0, len(links) - 1, 2):
            link, tail = links[i], links[i + 1]
            link.tail = tail
            host.insert(index, link)
            index += 1


class _Document(markdown.extensions.Extension):
    def __init__(self, mentions: _Mentions):
        super().__init__()
        self.mentions = mentions

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        # After "inline" (20): the tree holds the inline elements (code spans, links); before "prettify" (10).
        md.treeprocessors.register(_DocumentTreeprocessor(md, self.mentions), "pelita_document", 15)


@dataclass(frozen=True)
class Rendered:
    html: str
    mentioned: list[str]  # lower-cased usernames after an @ outside code, in order, once each
    linked: dict[str, str]  # of those, the ones `resolve` knew: lower-cased -> username


def render(text: str, *, resolve=None, field_name: str = "body") -> Rendered:
    """Render and sanitize. `resolve(names) -> {lower-cased name: username}` says which mentioned names are
    people to link (called once, only when the text mentions someone). Raises NestingTooDeep."""
    check_nesting(text, field_name=field_name)
    mentions = _Mentions(resolve=resolve)
    try:
        rendered = markdown.markdown(
            text,
            extensions=[_EscapeHtml(), _Document(mentions), "fenced_code", "tables", "sane_lists", "nl2br"],
            output_format="html",
        )
    except RecursionError:  # a construct the pre-check does not measure: refuse it the same way
        raise _too_deep(field_name) from None
    return Rendered(html=sanitize(rendered), mentioned=mentions.found, linked=mentions.linked)


def render_markdown(text: str, *, mentions: dict[str, str] | None = None, field_name: str = "body") -> str:
    """Render and sanitize. `mentions` maps lower-cased usernames to their stored form to link."""
    known = {k.lower(): v for k, v in (mentions or {}).items()}
    return render(
        text, resolve=lambda names: {n: known[n] for n in names if n in known}, field_name=field_name
    ).html


def mentioned_usernames(text: str) -> list[str]:
    """Usernames after an @ outside code and links, lower-cased, in order, once each."""
    return render(text).mentioned


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


QUOTE_LIMIT = 1500


def quoted_lines(body: str, *, limit: int = QUOTE_LIMIT) -> str:
    """The quoted part of a quote of `body`: its lines after "> ". Quotes inside the quoted post are left out
    (as Discourse does), so quoting a quote never nests deeper than one level. Also how the services find the
    quotes of a text that is purged for privacy."""
    lines = [line for line in body.strip().splitlines() if not line.lstrip().startswith(">")]
    text = "\n".join(lines).strip()
    if len(text) > limit:
        text = text[:limit].rstrip() + " …"
    return "\n".join("> " + line if line else ">" for line in text.splitlines())


def quote_markdown(*, author: str, body: str, limit: int = QUOTE_LIMIT) -> str:
    """The text put in a reply box when quoting a post."""
    return f"> **{html.escape(author)}**:\n{quoted_lines(body, limit=limit)}\n\n"
