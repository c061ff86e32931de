"""18.4, as a kind: no forum page, action or API operation crashes on an object in an unusual state.

Every URL pattern of forums/urls.py (read from the resolver, so a new page is covered without anyone listing it)
and every forum operation of the OpenAPI document is requested with GET and POST, as each kind of person, on
threads that are open, locked, resolved, moved, escalated (both ends), in the province forum, and on posts that
are visible, hidden, deleted, purged for privacy, edited with a redacted version, and written by Pelita. Each
POST runs in a transaction that is rolled back, so every combination meets the same states. Any 5xx fails."""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver

from forums import services
from forums.models import Post, PostFlag, PostRevision
from forums.urls import urlpatterns
from tests.factories import make_member

from .conftest import login

pytestmark = pytest.mark.django_db

PROVINCE = "52"
FORM_DATA = {
    "title": "Judul topik yang cukup",
    "body": "Balasan yang cukup panjang",
    "kind": "discussion",
    "token": "tok-states",
    "reason": "Alasan yang jelas",
    "note": "Catatan ringkasan yang cukup panjang",
    "action": "lock",
    "level": "watch",
    "username": "kader_jago",
    "case": "APM-5202-00001",
    "privacy": "on",
    "q": "akta",
}


def _states(world):
    """Threads and posts in every state a forum object can be in. Returns ({name: thread}, {name: post}, flag)."""
    u, f = world["users"], world["forums"]
    kader, fas, member = u["kader_jago"], u["fasilitator_jago"], make_member(world["dusun"], username="warga")
    mk = lambda forum, author, title, **kw: services.thread_create(  # noqa: E731
        forum=f[forum], author=author, title=title, body="Isi pembuka topik", **kw
    )
    threads = {"open": mk("dusun", kader, "Topik terbuka")}
    threads["locked"] = services.thread_set_state(
        thread=mk("dusun", kader, "Topik dikunci"), actor=fas, locked=True
    )
    source = mk("dusun", kader, "Topik dinaikkan")
    threads["escalated_source"] = source
    threads["escalated_target"] = services.thread_resolve(
        thread=services.thread_escalate(thread=source, actor=fas, note="Mohon bantuan forum desa."), actor=fas
    )
    moved = mk("desa", kader, "Topik dipindah")
    threads["moved"] = services.thread_move(thread=moved, actor=fas, area_code=world["dusun"].code)
    province_forum = services.forum_ensure(area=world["areas"][PROVINCE])
    threads["province"] = services.thread_create(
        forum=province_forum, author=u["koordinator_ntb"], title="Topik provinsi", body="Isi provinsi"
    )

    thread = threads["open"]
    reply = lambda who, body: services.post_create(thread=thread, author=who, body=body)  # noqa: E731
    posts = {"opening": thread.posts.get(number=1), "visible": reply(member, "Balasan biasa")}
    posts["hidden"] = services.post_hide(
        post=reply(member, "Akan disembunyikan"), actor=fas, reason="Tidak sopan"
    )
    posts["deleted"] = services.post_delete(post=reply(member, "Akan dihapus"), actor=member)
    posts["purged"] = services.post_delete(post=reply(member, "Nama anak Budi"), actor=fas, privacy=True)
    edited = reply(kader, "Versi pertama")
    services.post_edit(post=edited, editor=kader, body="Versi kedua")
    services.post_edit(post=edited, editor=kader, body="Versi ketiga")
    revision = PostRevision.objects.filter(post=edited).order_by("pk").first()
    services.post_revision_redact(post=edited, revision_id=revision.pk, actor=kader)
    posts["edited"] = edited
    posts["system"] = services.thread_post_system(
        thread=thread,
        event={
            "case": "APM-5202-00001",
            "service": "akta-kelahiran",
            "agency": "Dukcapil",
            "action": "complete",
        },
    )
    posts["locked_thread"] = threads["locked"].posts.get(number=1)
    flag = services.post_flag(post=posts["visible"], user=kader, reason="Perlu dicek")
    roles = {
        "author": kader,
        "member": member,
        "moderator": fas,
        "outsider": u["kader_sukaraja"],
        "no_forum": u["dukcapil_loteng_1"],
    }
    return threads, posts, flag, roles


def _patterns(patterns=urlpatterns, prefix="/forums/"):
    for p in patterns:
        if isinstance(p, URLResolver):  # pragma: no cover (forums has none today)
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def _fill(route: str, threads, posts, flag, people):
    """Every concrete URL of a route, one per object of the kind its parameters name."""
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)

    def sub(route, **values):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)

    if not params:
        return [route]
    if route.startswith("/forums/t/") and "number" in params:
        return [sub(route, pk=t.pk, number=n) for t in threads.values() for n in (1, 3, 10**6)]
    if route.startswith("/forums/t/"):
        return [sub(route, pk=t.pk) for t in threads.values()] + [sub(route, pk=10**20)]
    if route.startswith("/forums/p/"):
        return [sub(route, pk=p.pk) for p in posts.values()] + [sub(route, pk=10**20)]
    if route.startswith("/forums/moderation/flags/"):
        return [sub(route, pk=flag.pk), sub(route, pk=10**20)]
    if params == ["code"]:
        codes = {t.forum.area.code for t in threads.values()} | {"99.99", "x\u202e"}
        return [sub(route, code=c) for c in sorted(codes)]
    if params == ["username"]:
        return [sub(route, username=n) for n in (*people, "nobody", "a" * 200)]
    raise AssertionError(f"{route}: parameters {params} are not covered by this table; extend _fill")


def _post_data(url, posts):
    data = dict(FORM_DATA)
    for post in posts.values():
        for rev in post.revisions.all():
            data["redact"] = str(rev.pk)
    if "/members/" in url:
        data["remove"] = "1"
    return data


def test_every_forum_page_and_action_in_every_state_answers_without_5xx(world):
    threads, posts, flag, roles = _states(world)
    routes = list(_patterns())
    assert len(routes) >= 25
    clients = {name: login(user) for name, user in roles.items()}
    clients["anonymous"] = Client()
    for client in clients.values():
        client.raise_request_exception = False  # a crash is a 500 here: collect them all, then fail
    failures, requests = [], 0
    for route, _name in routes:
        for url in _fill(route, threads, posts, flag, [u.username for u in roles.values()]):
            for role, client in clients.items():
                requests += 1
                resp = client.get(url)
                if resp.status_code >= 500:
                    failures.append(f"GET {url} as {role}: {resp.status_code}")
                with transaction.atomic():
                    resp = client.post(url, _post_data(url, posts))
                    transaction.set_rollback(True)
                if resp.status_code >= 500:
                    failures.append(f"POST {url} as {role}: {resp.status_code}")
    assert failures == [], "\n".join(failures)
    assert requests > 900


def test_every_forum_api_operation_in_every_state_answers_without_5xx(world, token_for):
    threads, posts, flag, roles = _states(world)
    schema = Client().get("/api/v1/openapi.json").json()
    operations = [
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if "/forums" in path or "/threads" in path
    ]
    assert len(operations) >= 8
    headers = {name: {"HTTP_AUTHORIZATION": token_for(user)} for name, user in roles.items()}
    failures = []
    for method, path in operations:
        urls = [path]
        if "{thread_id}" in path:
            urls = [path.replace("{thread_id}", str(t.pk)) for t in threads.values()] + [
                path.replace("{thread_id}", str(2**63))
            ]
        elif "{area}" in path:
            urls = [path.replace("{area}", c) for c in {t.forum.area.code for t in threads.values()} | {"9x"}]
        for url in urls:
            for role, auth in headers.items():
                with transaction.atomic():
                    resp = getattr(Client(raise_request_exception=False), method)(
                        url, data=FORM_DATA, content_type="application/json", **auth
                    )
                    transaction.set_rollback(True)
                if resp.status_code >= 500:
                    failures.append(f"{method.upper()} {url} as {role}: {resp.status_code}")
    assert failures == [], "\n".join(failures)


def test_locked_thread_reply_page_says_locked_with_the_form_disabled(world):
    threads, posts, flag, roles = _states(world)
    locked = threads["locked"]
    html = login(roles["member"]).get(f"/forums/t/{locked.pk}/reply/").content.decode()
    assert "Topik ini dikunci: tidak bisa dibalas lagi." in html
    assert re.search(r"<fieldset[^>]*disabled", html)
    # What was typed is kept when the thread was locked between opening the page and sending.
    resp = login(roles["member"]).post(f"/forums/t/{locked.pk}/reply/", {"body": "Teks saya", "token": "t1"})
    assert resp.status_code == 200 and "Teks saya" in resp.content.decode()
    assert not Post.objects.filter(thread=locked, body="Teks saya").exists()
    # A moderator may still reply.
    html = login(roles["moderator"]).get(f"/forums/t/{locked.pk}/reply/").content.decode()
    assert not re.search(r"<fieldset[^>]*disabled", html)


@pytest.mark.parametrize(
    ("thread_name", "message"),
    [
        ("province", "tidak dapat dinaikkan lebih tinggi"),
        ("escalated_source", "sudah dinaikkan ke Forum Desa Jago"),
    ],
)
def test_escalate_page_explains_why_not_with_the_form_disabled(world, thread_name, message):
    threads, posts, flag, roles = _states(world)
    fas = login(world["users"]["koordinator_ntb"] if thread_name == "province" else roles["moderator"])
    html = fas.get(f"/forums/t/{threads[thread_name].pk}/escalate/").content.decode()
    assert message in html and re.search(r"<fieldset[^>]*disabled", html)


@pytest.mark.parametrize(
    ("post_name", "path", "message"),
    [
        ("hidden", "edit", "tidak dapat diubah"),
        ("locked_thread", "edit", "dikunci"),
        ("deleted", "flag", "telah dihapus"),
        ("system", "flag", "pesan dari Pelita"),
        ("deleted", "hide", "telah dihapus"),
    ],
)
def test_post_pages_explain_why_not_with_the_form_disabled(world, post_name, path, message):
    threads, posts, flag, roles = _states(world)
    post = posts[post_name]
    who = {"edit": post.author, "flag": roles["moderator"], "hide": roles["moderator"]}[path]
    if path == "flag" and post.author_id == roles["moderator"].pk:  # pragma: no cover
        who = roles["member"]
    html = login(who).get(f"/forums/p/{post.pk}/{path}/").content.decode()
    assert message in html and re.search(r"<fieldset[^>]*disabled", html)
    assert not PostFlag.objects.filter(post=post, user=who).exists()
