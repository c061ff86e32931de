"""The Markdown renderer and its nh3 allow-list against an XSS corpus (OWASP filter-evasion cheat sheet and
friends). Whatever goes in, what comes out has no script, no event handler, no style, no dangerous URL."""

import contextlib
import re
from html.parser import HTMLParser

import pytest

from forums.markup import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    MAX_NESTING,
    NestingTooDeep,
    mentioned_usernames,
    quote_markdown,
    render_markdown,
)

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    '<a href="javascript:alert(1)">klik</a>',
    "[klik](javascript:alert(1))",
    "[klik](JAVASCRIPT:alert(1))",
    "[klik](  javascript:alert(1))",
    "[klik](jav&#x09;ascript:alert(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](vbscript:msgbox(1))",
    '[klik](https://example.org "x\\" onmouseover=\\"alert(1)")',
    "![gambar](javascript:alert(1))",
    '![x](https://example.org/x.png" onerror="alert(1))',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    '<form action="https://evil.example"><button>kirim</button></form>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="position:fixed;top:0">tumpang</p>',
    "<body onload=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    "<<script>script>alert(1)<</script>/script>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "> <script>alert(1)</script>",
    "<a href='https://example.org' onclick='alert(1)'>x</a>",
    "[x](https://example.org)<img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</script>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    "<marquee onstart=alert(1)>x</marquee>",
    "<video><source onerror=alert(1)></video>",
    '<x onclick="alert(1)">x</x>',
    "[a](<javascript:alert(1)>)",
    "[a]: javascript:alert(1)\n\n[link][a]",
    '<http://example.org/"onmouseover="alert(1)>',
]


class _Inspector(HTMLParser):
    """Collects every element and attribute the browser would build from the fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) and name != "rel":
                self.problems.append(f"attribute {name} on {tag}")
            if name == "href":
                url = re.sub(r"[\x00-\x20]", "", value or "").lower()
                if ":" in url.split("/")[0] and not url.startswith(("http:", "https:", "mailto:")):
                    self.problems.append(f"url {value}")


def _problems(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_corpus_is_neutralised(payload):
    html = render_markdown(payload)
    assert _problems(html) == [], html
    assert "<script" not in html.lower()


def test_checker_catches_what_it_must():
    assert _problems('<a href="javascript:alert(1)" onclick="x">x</a><script></script>')


def test_markdown_basics_survive():
    html = render_markdown("**tebal** dan *miring*\n\n- satu\n- dua\n\n> kutipan\n\n`kode`")
    assert "<strong>tebal</strong>" in html and "<em>miring</em>" in html
    assert "<ul>" in html and "<blockquote>" in html and "<code>kode</code>" in html


def test_links_get_rel_and_raw_html_is_shown_as_text():
    html = render_markdown("[Dukcapil](https://dukcapil.example.go.id) <b>tebal</b>")
    assert 'href="https://dukcapil.example.go.id"' in html
    assert 'rel="nofollow ugc noopener"' in html
    assert "&lt;b&gt;tebal&lt;/b&gt;" in html


def test_headings_start_below_the_page_title():
    assert "<h1>" not in render_markdown("# Besar") and "<h3>Besar</h3>" in render_markdown("# Besar")


def test_mentions_link_only_known_people():
    assert mentioned_usernames("Halo @kader_jago dan @Fasilitator_Jago. @kader_jago lagi") == [
        "kader_jago",
        "fasilitator_jago",
    ]
    assert mentioned_usernames("email saya budi@example.org") == []
    html = render_markdown("Halo @kader_jago dan @orang_lain", mentions={"kader_jago": "kader_jago"})
    assert 'href="/forums/people/kader_jago/"' in html and "@orang_lain" in html
    assert "/forums/people/orang_lain/" not in html


def test_quote_escapes_and_prefixes():
    text = quote_markdown(author="A <b>", body="baris satu\nbaris dua")
    assert text.startswith("> **A &lt;b&gt;**:\n> baris satu\n> baris dua")


# --- mentions and code (18.4): code is shown exactly as typed and mentions nobody ------------------------------

CODE_CASES = [
    ("`@kader_jago`", "<code>@kader_jago</code>"),
    (
        "```\n@kader_jago lihat\n# bukan judul\n```",
        "<pre><code>@kader_jago lihat\n# bukan judul\n</code></pre>",
    ),
    ("~~~\n**@kader_jago**\n~~~", "<pre><code>**@kader_jago**\n</code></pre>"),
    ("    @kader_jago di blok kode", "<pre><code>@kader_jago di blok kode\n</code></pre>"),
    ("[@kader_jago](https://example.org)", ">@kader_jago</a>"),
    (r"\@kader_jago", r"\@kader_jago"),
]


@pytest.mark.parametrize(("text", "shown"), CODE_CASES)
def test_a_mention_in_code_or_a_link_is_shown_as_typed_and_mentions_nobody(text, shown):
    assert mentioned_usernames(text) == []
    html = render_markdown(text, mentions={"kader_jago": "kader_jago"})
    assert shown in html and "/forums/people/" not in html


def test_a_mention_outside_code_still_links(db):
    text = "Tolong @kader_jago, lihat `@kader_jago`:\n\n```\n@kader_jago\n```\n\n**@Kader_Jago**."
    assert mentioned_usernames(text) == ["kader_jago"]
    html = render_markdown(text, mentions={"kader_jago": "kader_jago"})
    assert html.count('href="/forums/people/kader_jago/"') == 2
    assert "<code>@kader_jago</code>" in html and "<pre><code>@kader_jago\n</code></pre>" in html


def test_a_mention_in_code_notifies_nobody(world):
    from forums import services
    from forums.models import Mention
    from portal.notifications.models import Notification

    thread = services.thread_create(
        forum=world["forums"]["desa"],
        author=world["users"]["fasilitator_jago"],
        title="Contoh perintah",
        body="Ketik ini:\n\n```\n@kader_jago\n```\n\ndan `@pendamping_jago`.",
    )
    assert not Mention.objects.filter(post__thread=thread).exists()
    assert not Notification.objects.filter(kind="forum.mention").exists()


# --- nesting (18.1): deep Markdown is refused before it is parsed, in the person's language ---------------------

DEEP = {
    "list markers": "* " * 3000 + "x",
    "ordered list markers": "1. " * 3000 + "x",
    "indented lists": "\n".join("    " * i + "* a" for i in range(300)),
    "blockquotes": "> " * 3000 + "x",
    "quote lines": "\n".join(">" * i + " a" for i in range(1, 400)),
    "mixed containers": "> * " * 1500 + "x",
    "brackets": "[" * 3000 + "x" + "](https://a)" * 3000,
    "open brackets": "![" * 3000,
    "just over the cap": "> " * (MAX_NESTING + 1) + "x",
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused(text):
    with pytest.raises(NestingTooDeep) as exc:
        render_markdown(text)
    assert exc.value.errors == {"body": [str(exc.value.message)]}


@pytest.mark.parametrize(
    "text",
    [
        "> " * MAX_NESTING + "x",
        "\n".join("    " * i + "* a" for i in range(MAX_NESTING)),
        "```\n" + "\n".join("    " * i + "* a" for i in range(300)) + "\n```",  # code is never nested
        "*a* " * 3000,
        "[a](https://a) " * 1000,
    ],
)
def test_ordinary_and_code_text_is_not_refused(text):
    render_markdown(text)


def test_every_construct_is_bounded_in_time():
    import time

    for text in [*DEEP.values(), ("[" * MAX_NESTING + "x" + "]" * MAX_NESTING) * 600]:
        start = time.perf_counter()
        with contextlib.suppress(NestingTooDeep):
            render_markdown(text[:20_000])
        assert time.perf_counter() - start < 1.0


def test_quoting_a_quote_never_nests_deeper():
    once = quote_markdown(author="A", body="asli")
    twice = quote_markdown(author="B", body=once + "jawaban")
    assert "> > " not in twice and "> jawaban" in twice


def test_deep_post_is_422_on_the_api_and_a_form_error_on_the_page(world, token_for):
    from django.test import Client
    from django.urls import reverse

    from forums.models import Thread

    from .conftest import login

    kader = world["users"]["kader_jago"]
    resp = Client().post(
        "/api/v1/forums/52.02.01.2013/threads",
        {"title": "Daftar bertingkat", "body": "* " * 3000},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(kader),
    )
    assert resp.status_code == 422
    assert resp.json()["errors"]["body"] == [
        "Teks terlalu bertingkat: daftar, kutipan atau kurung di dalam satu sama lain paling banyak 16 tingkat."
    ]
    client = login(kader)
    url = reverse("forums:thread_new", args=["52.02.01.2013"])
    resp = client.post(url, {"title": "Daftar bertingkat", "body": "> " * 3000, "kind": "discussion"})
    assert resp.status_code == 200 and "Teks terlalu bertingkat" in resp.content.decode()
    assert not Thread.objects.filter(title="Daftar bertingkat").exists()
    thread = Thread.objects.create(
        forum=world["forums"]["desa"], title="Topik", author=kader, last_post_at="2026-11-01T00:00+08:00"
    )
    resp = Client().post(
        f"/api/v1/threads/{thread.pk}/posts",
        {"body": "1. " * 3000},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(kader),
    )
    assert resp.status_code == 422 and "body" in resp.json()["errors"]
