"""18.4, as a kind: unread counts count only posts the reader can see. A reply that is deleted, hidden or removed
for privacy no longer leaves its thread "unread" nor a forum's count one higher, on any surface that shows it:
the forum list, /api/v1/forums, the forum's thread list (page and API), the thread (API) and the home page."""

import re

import pytest
from django.urls import reverse

from forums import services

from .conftest import login

pytestmark = pytest.mark.django_db


def _forum_list(client, forum, thread):
    html = client.get(reverse("forums:my_forums")).content.decode()
    entry = re.search(rf'href="/forums/f/{re.escape(forum.area.code)}/">.*?</li>', html, re.S).group(0)
    match = re.search(r"(\d+) belum dibaca", entry)
    return int(match.group(1)) if match else 0


def _api_forums(client, forum, thread):
    rows = client.get("/api/v1/forums?page_size=100").json()["results"]
    return next(r["unread_count"] for r in rows if r["area"] == forum.area.code)


def _thread_list_page(client, forum, thread):
    html = client.get(reverse("forums:forum", args=[forum.area.code])).content.decode()
    row = re.search(rf'<li class="thread-row[^"]*">(?:(?!</li>).)*?/forums/t/{thread.pk}/', html, re.S).group(
        0
    )
    return int("thread-row unread" in row)


def _thread_list_api(client, forum, thread):
    rows = client.get(f"/api/v1/forums/{forum.area.code}/threads").json()["results"]
    return int(next(r["unread"] for r in rows if r["id"] == thread.pk))


def _thread_api(client, forum, thread):
    return int(client.get(f"/api/v1/threads/{thread.pk}").json()["unread"])


def _home(client, forum, thread):
    html = client.get(reverse("home")).content.decode()
    match = re.search(r"(\d+) topik belum dibaca", html)
    return int(match.group(1)) if match else 0


SURFACES = [_forum_list, _api_forums, _thread_list_page, _thread_list_api, _thread_api, _home]


def _delete(post, world):
    services.post_delete(post=post, actor=post.author)


def _delete_by_moderator(post, world):
    services.post_delete(post=post, actor=world["users"]["fasilitator_jago"])


def _hide(post, world):
    services.post_hide(post=post, actor=world["users"]["fasilitator_jago"], reason="Tidak pantas")


def _purge_delete(post, world):
    services.post_delete(post=post, actor=world["users"]["fasilitator_jago"], privacy=True)


def _purge_hide(post, world):
    services.post_hide(post=post, actor=world["users"]["fasilitator_jago"], reason="Nama anak", privacy=True)


REMOVALS = [_delete, _delete_by_moderator, _hide, _purge_delete, _purge_hide]


@pytest.fixture
def read_thread(world):
    """A dusun thread the cadre has read to its end, and a reply by someone else after that."""
    from tests.factories import make_member

    kader = world["users"]["kader_jago"]
    forum = world["forums"]["dusun"]
    thread = services.thread_create(forum=forum, author=kader, title="Posyandu Kamis", body="Jam sembilan")
    other = make_member(world["dusun"], username="warga_lain")
    reply = services.post_create(thread=thread, author=other, body="Saya ikut, terima kasih")
    return {"client": login(kader), "forum": forum, "thread": thread, "reply": reply}


@pytest.mark.parametrize("surface", SURFACES, ids=lambda f: f.__name__.strip("_"))
def test_a_visible_reply_is_unread_on_every_surface(read_thread, surface):
    t = read_thread
    assert surface(t["client"], t["forum"], t["thread"]) == 1


@pytest.mark.parametrize("surface", SURFACES, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("removal", REMOVALS, ids=lambda f: f.__name__.strip("_"))
def test_a_reply_the_reader_cannot_see_is_not_unread(read_thread, world, removal, surface):
    t = read_thread
    removal(t["reply"], world)
    assert surface(t["client"], t["forum"], t["thread"]) == 0


def test_counts_and_activity_follow_what_is_visible(read_thread, world):
    t = read_thread
    thread = t["thread"]
    thread.refresh_from_db()
    opened_at = thread.posts.get(number=1).created_at
    assert thread.posts_count == 2 and thread.last_visible_number == 2
    _hide(t["reply"], world)
    thread.refresh_from_db()
    assert thread.posts_count == 1 and thread.last_visible_number == 1 and thread.last_post_at == opened_at
    services.post_unhide(post=t["reply"], actor=world["users"]["fasilitator_jago"])
    thread.refresh_from_db()
    assert thread.posts_count == 2 and thread.last_visible_number == 2
    assert _api_forums(t["client"], t["forum"], thread) == 1  # shown again: unread again


def test_unread_redirect_skips_invisible_posts(read_thread, world):
    t = read_thread
    from tests.factories import make_member

    services.thread_mark_read(user=world["users"]["kader_jago"], thread=t["thread"], upto=2, state=None)
    late = services.post_create(
        thread=t["thread"], author=make_member(world["dusun"], username="warga_3"), body="balasan ketiga"
    )
    after = services.post_create(thread=t["thread"], author=late.author, body="balasan keempat")
    _delete(late, world)
    resp = t["client"].get(reverse("forums:thread_unread", args=[t["thread"].pk]))
    assert resp["Location"].endswith(f"#post-{after.number}")
