"""Hypothesis against the forums' Markdown renderer and sanitizer: whatever a person types, nothing that a
browser would run comes out: only allow-listed tags, no event handlers or style, links only to http(s),
mailto or a path inside Pelita."""

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forums.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown, sanitize

NASTY = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox(1))",
    '![i](x" onerror="alert(1))',
    "<iframe src=//evil>",
    "<style>*{}</style>",
    '<div style="background:url(javascript:alert(1))">',
    "&lt;script&gt;",
    "&#106;avascript:alert(1)",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "<form action=//evil><input name=x>",
    "<object data=x>",
    '<math><mi xlink:href="javascript:alert(1)">',
    "```\n<script>\n```",
    "`<script>`",
    "<!-- <script> -->",
    "<<script>script>",
    '"><script>',
    "@admin",
    '[a](http://ok.example/ "t" onmouseover=alert(1))',
    '<a href="http://x" onclick="y">z</a>',
    "| a | b |\n|---|---|\n| <script> | x |",
]
SAFE_SCHEMES = ("", "http", "https", "mailto")
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):")


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and value is not None and _scheme(value) not in SAFE_SCHEMES:
                self.problems.append(f"href {value!r}")


def _scheme(url: str) -> str:
    """The scheme a browser would read (WHATWG URL: tabs and newlines removed anywhere, C0 and spaces trimmed);
    "" for a relative URL."""
    url = url.strip("".join(map(chr, range(0x21)))).translate({9: None, 10: None, 13: None}).lower()
    match = SCHEME_RE.match(url)
    return match.group(1) if match else ""


def _problems(html: str) -> list[str]:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser.problems


pieces = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.sampled_from(list("<>\"'=/:&#;()[]!`*_-|\\ \n\tajsvcriptonlerxXS0123")), max_size=40),
    st.text(max_size=20),
)
documents = st.lists(pieces, max_size=8).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_rendered_markdown_is_never_executable(text):
    html = render_markdown(text, mentions={"admin": "admin"})
    assert not _problems(html), (text, html)


@settings(max_examples=200, deadline=None)
@given(documents)
def test_sanitize_alone_strips_everything_executable(text):
    assert not _problems(sanitize(text)), text


def test_the_corpus_itself_is_neutralised():
    for text in NASTY:
        html = render_markdown(text)
        assert not _problems(html), (text, html)
