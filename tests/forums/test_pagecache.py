"""The cached thread and forum pages (portal/core/pagecache.py, forums/pagecache.py) are never stale and never
someone else's.

THE CORRECTNESS TABLE: for every public function of forums.services (enumerated, so a new write service fails
here until it is in ROWS or in NOT_PAGES), the pages it can change are rendered warm for two or more viewers (the
second request must be a cache hit: a fixed few queries), the write is made, and the pages rendered again must
show the change. Rows for the writers outside forums.services (a person's name, a role) follow the same path."""

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums import services
from forums.markup import quote_markdown
from forums.models import PostRevision, ThreadUser
from portal.core.pagecache import MARKS
from tests.factories import make_member, make_user

from . import test_case_updates
from .conftest import login

CHILD = test_case_updates.CHILD
linked = test_case_updates.linked  # the fixture: a child's case, an escalated thread linked to it

pytestmark = pytest.mark.django_db

# A hit reads the session and the user (and nothing else of the database); a case thread's hit also asks
# whether the viewer may open the case now (the case and its team: referrals decide, not a version).
HIT_QUERIES = 2
CASE_CHECK_QUERIES = 4

# Public functions of forums.services that change no cached page (helpers, checks, or writes not shown).
NOT_PAGES = {
    "new_client_token": "a helper",
    "require": "a check",
    "clean_title": "a check",
    "clean_body": "a check",
    "clean_case_code": "a check",
    "thread_url": "a helper",
    "escalation_refusal": "a check",
    "post_edit_refusal": "a check",
    "can_see_history": "a check",
    "forum_ensure": "a new forum is on no existing page; its grants bump its people (forum_member_* rows)",
    "post_flag": "flags are shown in the moderation queue, which is not cached",
    "flag_dismiss": "flags are shown in the moderation queue, which is not cached",
}


def _fetch(client, url):
    resp = client.get(url)
    return resp.status_code, resp.content.decode() if resp.status_code == 200 else ""


def _has(text):
    return lambda before, after: text not in before[1] and text in after[1]


def _gone(text):
    return lambda before, after: text in before[1] and text not in after[1]


def _changed(before, after):
    return _norm(before[1]) != _norm(after[1]) or before[0] != after[0]


def _same(before, after):
    return _norm(before[1]) == _norm(after[1])


def _norm(html):
    """A page without its per-request parts (CSRF and one-time tokens, the bell)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r'name="once_token" value="[0-9a-f]+"', "ONCE", html)
    return re.sub(r'<a class="notif-bell".*?</a>', "BELL", html, flags=re.S)


@dataclass
class Row:
    service: str
    act: Callable
    checks: list  # (viewer, page, predicate(before, after))
    setup: Callable | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def _reply(ctx, author, body):
    return services.post_create(thread=ctx["t"], author=ctx[author], body=body)


def _escalate(ctx):
    ctx["e"] = services.thread_escalate(thread=ctx["t"], actor=ctx["M"], note="Mohon dibantu di desa ya.")


def _hide(ctx):
    services.post_hide(post=ctx["p2"], actor=ctx["M"], reason="Tidak pantas")


def _redact_setup(ctx):
    services.post_edit(post=ctx["p1"], editor=ctx["A"], body="Pembuka yang baru")
    quote = quote_markdown(author=ctx["A"].shown_name, body=ctx["first"])
    services.post_create(thread=ctx["t"], author=ctx["B"], body=quote + "\n\nSetuju")


def _redact(ctx):
    revision = PostRevision.objects.filter(post=ctx["p1"]).latest("created_at")
    services.post_revision_redact(post=ctx["p1"], revision_id=revision.pk, actor=ctx["A"])


def _desa_thread(ctx):
    ctx["t2"] = services.thread_create(
        forum=ctx["forums"]["desa"], author=ctx["M"], title=f"Topik desa {ctx['n']}", body="isi topik desa"
    )


def _add_outsider(ctx):
    ctx["membership"] = services.forum_member_add(forum=ctx["dusun_forum"], actor=ctx["M"], username="luar")


def _remove_outsider(ctx):
    services.forum_member_remove(forum=ctx["dusun_forum"], actor=ctx["M"], membership_id=ctx["membership"].pk)


def _rename(ctx):
    ctx["B"].display_name = f"Nama Baru {ctx['n']}"
    ctx["B"].save(update_fields=["display_name"])


def _promote(ctx):
    from portal.people.services import membership_add

    membership_add(user=ctx["A"], area=ctx["dusun_forum"].area, role="fasilitator")


def _dusun_listed(before, after):
    """The dusun forum's link was not on "my forums" and is now."""
    link = 'href="/forums/f/52.02.01.2013.01/"'
    return link not in before[1] and link in after[1]


def _second_gone(before, after):
    """The second post's text ("Balasan kedua") was shown and is no longer."""
    return "Balasan kedua" in before[1] and "Balasan kedua" not in after[1]


ROWS = [
    Row(
        "thread_create",
        lambda c: services.thread_create(
            forum=c["dusun_forum"], author=c["B"], title=f"Judul baru {c['n']}", body="isi"
        ),
        [
            ("A", "forum", lambda b, a: "Judul baru" in a[1] and "Judul baru" not in b[1]),
            ("M", "forum", _changed),
            # The forum's shared part (rows, needs attention) is kept once for every reader: each sees the change.
            ("B", "forum", lambda b, a: "Judul baru" in a[1] and "Judul baru" not in b[1]),
            ("A", "my", _changed),  # one more unread thread in the dusun forum
            ("M", "my", _changed),
        ],
    ),
    Row(
        "post_create",
        lambda c: _reply(c, "B", "Isi balasan baru"),
        [
            ("A", "thread", _has("Isi balasan baru")),
            ("M", "thread", _has("Isi balasan baru")),
            ("A", "forum", _changed),
            ("M", "forum", _changed),
        ],
    ),
    Row(
        "post_create",
        lambda c: _reply(c, "B", "Balasan untuk daftar"),
        # "My forums": one more unread thread in the dusun forum (A had read it when the page was stored; A does
        # not open the thread page in this row, which would read it again).
        [("A", "my", _changed)],
        setup=lambda c: _fetch(login(c["A"]), _url(c, "thread")),
    ),
    Row(
        "thread_post_system",
        lambda c: services.thread_post_system(
            thread=c["t"],
            event={"case": "APM-5202-00001", "service": "akta-kelahiran", "agency": "X", "action": "send"},
        ),
        [("A", "thread", _has('class="post system"')), ("M", "thread", _has('class="post system"'))],
    ),
    Row(
        "post_edit",
        lambda c: services.post_edit(post=c["p1"], editor=c["A"], body="Teks yang diubah"),
        [("B", "thread", _has("Teks yang diubah")), ("A", "thread", _has("Teks yang diubah"))],
    ),
    Row(
        "post_delete",
        lambda c: services.post_delete(post=c["p2"], actor=c["B"]),
        [("A", "thread", _second_gone), ("M", "thread", _second_gone), ("A", "forum", _changed)],
    ),
    Row(
        "post_hide",
        _hide,
        [
            ("A", "thread", _has("Tidak pantas")),
            ("A", "thread", _second_gone),
            ("M", "thread", _has("Tidak pantas")),
        ],
    ),
    Row(
        "post_unhide",
        lambda c: services.post_unhide(post=c["p2"], actor=c["M"]),
        [("A", "thread", _gone("Tidak pantas")), ("M", "thread", _gone("Tidak pantas"))],
        setup=_hide,
    ),
    Row(
        "post_revision_redact",
        _redact,
        [
            ("A", "thread", lambda b, a: "Pembuka topik" in b[1] and "Pembuka topik" not in a[1]),
            ("B", "thread", _changed),
        ],
        setup=_redact_setup,
    ),
    Row(
        "thread_set_state",
        lambda c: services.thread_set_state(thread=c["t"], actor=c["M"], locked=True, pinned=True),
        [
            ("A", "thread", _has("Topik ini dikunci")),
            ("B", "thread", _has("Topik ini dikunci")),
            ("A", "forum", _has("Disematkan")),
            ("M", "forum", _has("Disematkan")),
            ("B", "forum", _has("Disematkan")),
        ],
    ),
    Row(
        "thread_resolve",
        lambda c: services.thread_resolve(thread=c["e"], actor=c["M"]),
        [("A", "thread", _has("selesai")), ("M", "escalated", _changed), ("M", "desa_forum", _changed)],
        setup=_escalate,
    ),
    Row(
        "thread_move",
        lambda c: services.thread_move(thread=c["t2"], actor=c["M"], area_code=c["dusun_forum"].area.code),
        [
            ("M", "desa_thread", _changed),
            ("A", "forum", lambda b, a: "Topik desa" in a[1] and "Topik desa" not in b[1]),
            ("M", "desa_forum", _changed),
        ],
        setup=_desa_thread,
    ),
    Row(
        "thread_escalate",
        _escalate,
        [
            ("A", "thread", _has("Dinaikkan ke")),
            ("M", "forum", _changed),
            ("M", "desa_forum", _changed),
            ("W", "desa_forum", _changed),  # its "needs attention", shared by every reader of the forum
        ],
    ),
    Row(
        "thread_link_case",
        lambda c: services.thread_link_case(thread=c["t2"], actor=c["W"], code=c["case"].code),
        [("W", "desa_thread", "case+"), ("M", "desa_thread", "case+"), ("M", "desa_forum", _changed)],
        setup=_desa_thread,
    ),
    Row(
        "thread_unlink_case",
        lambda c: services.thread_unlink_case(thread=c["t2"], actor=c["W"]),
        [("W", "desa_thread", "case-"), ("M", "desa_thread", "case-"), ("M", "desa_forum", _changed)],
        setup=lambda c: (
            _desa_thread(c),
            services.thread_link_case(thread=c["t2"], actor=c["W"], code=c["case"].code),
        ),
    ),
    Row(
        "thread_mark_read",
        lambda c: services.thread_mark_read(
            user=c["A"], thread=c["t"], upto=2, state=ThreadUser.objects.get(user=c["A"], thread=c["t"])
        ),
        [("A", "forum", "unread-"), ("B", "forum", _same), ("A", "my", _changed), ("B", "my", _same)],
        note="the thread page itself moves the marker when viewed: only the forum page is warmed",
    ),
    Row(
        "thread_set_level",
        lambda c: services.thread_set_level(user=c["A"], thread=c["t"], level="mute"),
        [("A", "thread", _has('value="mute" selected')), ("B", "thread", _same)],
    ),
    Row(
        "forum_mark_read",
        lambda c: services.forum_mark_read(forum=c["dusun_forum"], user=c["A"]),
        [("A", "forum", "unread-"), ("B", "forum", _same), ("A", "my", _changed), ("B", "my", _same)],
    ),
    Row(
        "forum_member_add",
        _add_outsider,
        [("O", "forum", lambda b, a: b[0] == 404 and a[0] == 200), ("O", "my", _dusun_listed)],
    ),
    Row(
        "forum_member_remove",
        _remove_outsider,
        [
            ("O", "thread", lambda b, a: b[0] == 200 and a[0] == 404),
            ("O", "forum", lambda b, a: b[0] == 200 and a[0] == 404),
            ("O", "my", lambda b, a: _dusun_listed(a, b)),
        ],
        setup=_add_outsider,
    ),
    # Writers outside forums.services.
    Row(
        "(people) display name",
        _rename,
        [
            ("A", "thread", _has("Nama Baru")),
            ("M", "forum", _has("Nama Baru")),
            ("A", "forum", _has("Nama Baru")),
        ],
        setup=lambda c: services.thread_create(
            forum=c["dusun_forum"], author=c["B"], title="Topik B", body="isi"
        ),
    ),
    Row(
        "(people) role",
        _promote,
        [
            ("A", "thread", _has("mod-tools")),
            ("A", "forum", _changed),
            ("A", "my", _has("/forums/moderation/")),
        ],
    ),
]


@pytest.fixture
def world_pc(linked):
    u = linked["users"]
    make_user("luar")
    return {
        **linked,
        "A": u["kader_jago"],
        "B": make_member(linked["forums"]["dusun"].area, username="kader_b"),
        "M": u["fasilitator_jago"],
        "W": linked["worker"],
        "O": None,
        "dusun_forum": linked["forums"]["dusun"],
    }


def _fresh(world, n):
    ctx = {**world, "n": n}
    from django.contrib.auth import get_user_model

    ctx["O"] = get_user_model().objects.get(username="luar")
    ctx["first"] = f"Pembuka topik {n}"
    ctx["t"] = services.thread_create(
        forum=ctx["dusun_forum"], author=ctx["A"], title=f"Topik {n} cache", body=ctx["first"]
    )
    ctx["p1"] = ctx["t"].posts.get(number=1)
    ctx["p2"] = services.post_create(thread=ctx["t"], author=ctx["B"], body=f"Balasan kedua {n}")
    return ctx


def _url(ctx, page):
    return {
        "thread": lambda: reverse("forums:thread", args=[ctx["t"].pk]),
        "forum": lambda: reverse("forums:forum", args=[ctx["dusun_forum"].area.code]),
        "escalated": lambda: reverse("forums:thread", args=[ctx["e"].pk]),
        "desa_thread": lambda: reverse("forums:thread", args=[ctx["t2"].pk]),
        "desa_forum": lambda: reverse("forums:forum", args=[ctx["forums"]["desa"].area.code]),
        "my": lambda: reverse("forums:my_forums"),
    }[page]()


def _predicate(ctx, check):
    if callable(check):
        return check
    code = ctx["case"].code
    unread = reverse("forums:thread_unread", args=[ctx["t"].pk])
    return {
        "case+": lambda b, a: code not in b[1] and code in a[1],
        "case-": lambda b, a: code in b[1] and code not in a[1],
        "unread-": lambda b, a: unread in b[1] and unread not in a[1],
    }[check]


def _warm(client, url, allow=HIT_QUERIES):
    """Render until stored (a first view may move the reader's marker: never stored); the next must be a hit
    (no query beyond the session and the user)."""
    _fetch(client, url)
    first = _fetch(client, url)
    with CaptureQueriesContext(connection) as ctx:
        second = _fetch(client, url)
    if first[0] == 200:
        assert len(ctx.captured_queries) <= allow, (url, [q["sql"][:120] for q in ctx.captured_queries])
    return second


def _public_services():
    return {
        name
        for name, func in inspect.getmembers(services, inspect.isfunction)
        if func.__module__ == services.__name__ and not name.startswith("_")
    }


def test_every_write_service_is_in_the_table():
    covered = {r.service for r in ROWS} | set(NOT_PAGES)
    missing = _public_services() - covered
    assert not missing, f"forums.services functions neither in ROWS nor in NOT_PAGES: {sorted(missing)}"


def _run(world, rows, start=0) -> list[str]:
    failures = []
    clients = {}
    for n, row in enumerate(rows, start):
        ctx = _fresh(world, n)
        if row.setup:
            row.setup(ctx)
        before = {}
        for viewer, page, _check in row.checks:
            client = clients.get(viewer) or clients.setdefault(viewer, login(ctx[viewer]))
            allow = HIT_QUERIES + (CASE_CHECK_QUERIES if page == "desa_thread" else 0)
            before[(viewer, page)] = _warm(client, _url(ctx, page), allow)
        row.act(ctx)
        for viewer, page, check in row.checks:
            after = _fetch(clients[viewer], _url(ctx, page))
            if not _predicate(ctx, check)(before[(viewer, page)], after):
                failures.append(f"{row.service}: {viewer}'s {page} page did not show the change")
    return failures


def test_the_correctness_table(world_pc):
    failures = _run(world_pc, ROWS)
    assert not failures, "\n".join(failures)


def test_a_forgotten_bump_fails_the_table(world_pc, monkeypatch):
    """The table can fail: with the thread bump of forums.services switched off, lock/pin and an edit are
    reported stale (the pages were served from the cache)."""
    from forums import pagecache

    monkeypatch.setattr(pagecache, "touch_thread", lambda *args, **kwargs: None)
    rows = [r for r in ROWS if r.service in ("thread_set_state", "post_edit")]
    failures = _run(world_pc, rows, start=200)
    assert any(f.startswith("thread_set_state: A's thread") for f in failures), failures
    assert any(f.startswith("post_edit: B's thread") for f in failures), failures


def test_a_hit_is_the_page_a_miss_renders_and_nobody_sees_anothers(world_pc, settings):
    ctx = _fresh(world_pc, 99)
    thread, forum = _url(ctx, "thread"), _url(ctx, "forum")
    a, b, m = login(ctx["A"]), login(ctx["B"]), login(ctx["M"])
    pages = {}
    for who, client in (("A", a), ("B", b), ("M", m)):
        for page, url in (("thread", thread), ("forum", forum)):
            _fetch(client, url)  # the first view moves the marker
            pages[(who, page)] = _warm(client, url)[1]
    for html in pages.values():
        assert MARKS.CSRF not in html and MARKS.ONCE not in html and MARKS.BELL not in html
        assert 'id="notif-bell"' in html and 'name="csrfmiddlewaretoken"' in html
        assert CHILD not in html  # a forum page never carries a child's identity
    edit_a = f"/forums/p/{ctx['p1'].pk}/edit/"
    assert "mod-tools" in pages[("M", "thread")] and "mod-tools" not in pages[("A", "thread")]
    assert "mod-tools" not in pages[("B", "thread")]
    assert edit_a in pages[("A", "thread")] and edit_a not in pages[("B", "thread")]
    assert f'data-user="{ctx["A"].pk}"' in pages[("A", "thread")]
    assert f'data-user="{ctx["A"].pk}"' not in pages[("B", "thread")]
    # "New" marks are the viewer's own: B's reply is new to M (who had not read it), never to B.
    services.post_create(thread=ctx["t"], author=ctx["B"], body="Balasan ketiga")
    m_page, b_page = _fetch(m, thread)[1], _fetch(b, thread)[1]
    assert "is-new" in m_page and "is-new" not in b_page
    # Each response gets its own tokens; the page is the one a miss renders.
    one, two = _fetch(a, thread)[1], _fetch(a, thread)[1]
    tokens = re.findall(r'name="once_token" value="([0-9a-f]+)"', one + two)
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    cached_forum = _warm(a, forum)[1]
    settings.PELITA_PAGE_CACHE = False
    assert _norm(_fetch(a, thread)[1]) == _norm(two)
    assert _norm(_fetch(a, forum)[1]) == _norm(cached_forum)


def test_a_flash_message_is_shown_once_and_never_cached(world_pc):
    ctx = _fresh(world_pc, 98)
    client = login(ctx["M"])
    thread = _url(ctx, "thread")
    _fetch(client, thread)
    _warm(client, thread)
    resp = client.post(reverse("forums:thread_moderate", args=[ctx["t"].pk]), {"action": "pin"}, follow=True)
    assert 'class="messages"' in resp.content.decode()
    assert 'class="messages"' not in _fetch(client, thread)[1]


def test_the_bell_is_live_on_a_hit(world_pc, django_capture_on_commit_callbacks):
    ctx = _fresh(world_pc, 97)
    client = login(ctx["A"])
    thread = _url(ctx, "thread")
    _fetch(client, thread)
    before = _warm(client, thread)[1]
    with django_capture_on_commit_callbacks(execute=True):
        # Not A's page (M's watch level), but A's bell: a notification for A.
        services.thread_set_level(user=ctx["M"], thread=ctx["t"], level="mute")
        from portal.notifications.services import notify

        notify(
            recipients=[ctx["A"]],
            kind="forum.reply",
            params={"actor": "x", "thread": "y", "forum": "z"},
            url=thread,
        )
    with CaptureQueriesContext(connection) as queries:
        after = _fetch(client, thread)[1]
    assert not any("forums_post" in q["sql"] for q in queries.captured_queries)  # still a hit
    last = re.compile(r'data-last-id="(\d*)"')
    assert last.search(before).group(1) != last.search(after).group(1)


def test_the_response_says_hit_or_miss_and_a_zero_lifetime_keeps_nothing(world_pc, settings):
    """`X-Page-Cache` lets a load run count its hit ratio (bench/reliability/load.py); with
    PELITA_PAGE_CACHE_SECONDS=0 every view is a miss that still pays the lookup and the store (`make bench`'s
    miss rows)."""
    ctx = _fresh(world_pc, 96)
    client = login(ctx["A"])
    for name in ("thread", "forum", "my"):
        url = _url(ctx, name)
        client.get(url)  # a thread's first view moves the marker: not stored
        states = [client.get(url).headers.get("X-Page-Cache") for _ in range(3)]
        assert states[1:] == ["hit", "hit"], (name, states)
        services.thread_set_state(
            thread=ctx["t"], actor=ctx["M"], pinned=(name != "forum")
        )  # a change each time
        assert client.get(url).headers.get("X-Page-Cache") == "miss", name
    settings.PELITA_PAGE_CACHE_SECONDS = 0
    url = _url(ctx, "thread")
    assert [client.get(url).headers.get("X-Page-Cache") for _ in range(3)] == ["miss"] * 3
    settings.PELITA_PAGE_CACHE = False
    assert "X-Page-Cache" not in client.get(url).headers


def test_the_forum_pages_shared_part_never_carries_one_readers_page_to_another(world_pc, settings):
    """The forum page's shared part (needs attention, meetings, the rows without the reader's marks) is kept
    once per forum version: a reader whose own page misses (their marker moved) takes it and adds their own
    marks and links. Whoever stored it, each reader's page is the one rendered for them with the cache off, the
    facilitator's links never reach a member, and a hidden post shows on no forum page."""
    ctx = _fresh(world_pc, 95)
    services.post_hide(post=ctx["p2"], actor=ctx["M"], reason="Alasan tersembunyi")
    other = services.thread_create(
        forum=ctx["dusun_forum"], author=ctx["M"], title="Belum dibaca A", body="isi"
    )
    forum = _url(ctx, "forum")
    members = reverse("forums:members", args=[ctx["dusun_forum"].area.code])
    unread = reverse("forums:thread_unread", args=[other.pk])
    clients = {who: login(ctx[who]) for who in ("A", "B", "M")}
    _fetch(clients["M"], reverse("forums:thread", args=[other.pk]))  # M has read it, A and B not
    _fetch(clients["M"], forum)  # the view learns the forum's id for its code (ids of earlier tests differ)
    for first in (["M", "A", "B"], ["A", "M", "B"]):
        services.thread_set_state(thread=other, actor=ctx["M"], pinned=first[0] == "A")  # a new forum version
        pages = {}
        for who in first:
            with CaptureQueriesContext(connection) as queries:
                pages[who] = _fetch(clients[who], forum)[1]
            if who != first[0]:  # the shared part was taken: no thread list, count or "needs attention" query
                sql = " ".join(q["sql"] for q in queries.captured_queries)
                # (The thread list orders by pinned, "needs attention" by escalated_at; other parts of the page,
                # the header's unread total, may read threads too.)
                assert '"forums_thread"."pinned" DESC' not in sql, who
                assert '"forums_thread"."escalated_at" ASC' not in sql, who
        assert members in pages["M"] and members not in pages["A"] and members not in pages["B"]
        assert unread in pages["A"] and unread in pages["B"] and unread not in pages["M"]
        for html in pages.values():
            assert "Alasan tersembunyi" not in html and "Balasan kedua" not in html and CHILD not in html
        settings.PELITA_PAGE_CACHE = False
        for who in first:
            assert _norm(_fetch(clients[who], forum)[1]) == _norm(pages[who]), (first, who)
        settings.PELITA_PAGE_CACHE = True


def test_my_forums_is_each_persons_own(world_pc, settings):
    """ "My forums" is cached per person: the moderation link and the unread counts are the viewer's own, a hit
    is the page a miss renders, and it asks the database nothing beyond the session and the user."""
    ctx = _fresh(world_pc, 94)
    url = _url(ctx, "my")
    pages = {who: _warm(login(ctx[who]), url)[1] for who in ("M", "A", "B")}
    assert "/forums/moderation/" in pages["M"]
    assert "/forums/moderation/" not in pages["A"] and "/forums/moderation/" not in pages["B"]
    assert _norm(pages["A"]) != _norm(pages["B"])  # B has not read A's thread: one more unread
    settings.PELITA_PAGE_CACHE = False
    for who, html in pages.items():
        assert _norm(_fetch(login(ctx[who]), url)[1]) == _norm(html), who
