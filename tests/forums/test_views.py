import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums import services
from forums.models import Post, PostFlag, Thread
from portal.notifications.models import Notification
from tests.factories import make_member

from .conftest import login

pytestmark = pytest.mark.django_db


def _token(html: str) -> str:
    return re.search(r'name="once_token" value="([0-9a-f]+)"', html).group(1)


def test_my_forums_lists_forums_with_unread_counts_in_indonesian(world):
    services.thread_create(
        forum=world["forums"]["dusun"],
        author=world["users"]["fasilitator_jago"],
        title="Info posyandu",
        body="Kamis",
    )
    client = login(world["users"]["kader_jago"])
    html = client.get(reverse("forums:my_forums")).content.decode()
    assert "Forum saya" in html
    assert world["forums"]["dusun"].name in html and "Forum Desa Jago" in html
    assert "1 belum dibaca" in html
    assert "Kec. Praya" not in html
    fas = login(world["users"]["fasilitator_jago"]).get(reverse("forums:my_forums")).content.decode()
    assert "Forum di bawah Anda" in fas and "Antrean moderasi" in fas


def test_home_links_my_forums(world):
    html = login(world["users"]["kader_jago"]).get(reverse("home")).content.decode()
    assert reverse("forums:my_forums") in html


def test_new_thread_keeps_input_on_error_and_posts_once(world):
    client = login(world["users"]["kader_jago"])
    url = reverse("forums:thread_new", args=[world["forums"]["dusun"].area.code])
    page = client.get(url).content.decode()
    token = _token(page)
    assert 'value="announcement"' not in page  # members cannot post announcements
    resp = client.post(
        url, {"title": "abc", "body": "Isi pesan yang saya ketik", "kind": "discussion", "once_token": token}
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Judul perlu paling sedikit 5 karakter." in html
    assert "Isi pesan yang saya ketik" in html and 'value="abc"' in html
    data = {
        "title": "Anak belum punya akta",
        "body": "Ibunya di Malaysia",
        "kind": "discussion",
        "once_token": token,
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and second["Location"] == first["Location"]
    assert Thread.objects.filter(title="Anak belum punya akta").count() == 1


def test_reply_with_quote_double_submit_and_locked(world):
    kader, fas = world["users"]["kader_jago"], world["users"]["fasilitator_jago"]
    thread = services.thread_create(
        forum=world["forums"]["dusun"], author=fas, title="Rapat dusun", body="Jam **9**"
    )
    client = login(kader)
    first = thread.posts.get()
    page = client.get(reverse("forums:reply", args=[thread.pk]) + f"?quote={first.pk}").content.decode()
    assert "&gt; **Lalu Ahmad**:" in page and "&gt; Jam **9**" in page
    data = {"body": "Saya datang", "once_token": _token(page)}
    client.post(reverse("forums:reply", args=[thread.pk]), data)
    client.post(reverse("forums:reply", args=[thread.pk]), data)
    assert Post.objects.filter(thread=thread).count() == 2
    services.thread_set_state(thread=thread, actor=fas, locked=True)
    resp = client.post(
        reverse("forums:reply", args=[thread.pk]), {"body": "Masih boleh?", "once_token": "x1"}
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and "Topik ini dikunci" in html and "Masih boleh?" in html


def test_thread_page_shows_posts_new_marks_and_moves_marker(world):
    kader, fas = world["users"]["kader_jago"], world["users"]["fasilitator_jago"]
    thread = services.thread_create(
        forum=world["forums"]["dusun"], author=kader, title="Akta anak", body="Awal"
    )
    services.post_create(thread=thread, author=fas, body="Balasan *penting*")
    client = login(kader)
    resp = client.get(reverse("forums:thread_unread", args=[thread.pk]))
    assert resp["Location"].endswith("#post-2")
    html = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "<em>penting</em>" in html and "Baru" in html
    html = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert 'class="badge new"' not in html


def test_edit_history_delete_flag_hide_pages(world):
    kader, fas = world["users"]["kader_jago"], world["users"]["fasilitator_jago"]
    thread = services.thread_create(
        forum=world["forums"]["dusun"], author=kader, title="Judul awal", body="Teks lama"
    )
    post = thread.posts.get()
    client = login(kader)
    resp = client.post(reverse("forums:post_edit", args=[post.pk]), {"body": ""})
    assert "Pesan tidak boleh kosong." in resp.content.decode()
    client.post(reverse("forums:post_edit", args=[post.pk]), {"body": "Teks baru"})
    html = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "diubah" in html
    history = client.get(reverse("forums:post_history", args=[post.pk])).content.decode()
    assert "Teks lama" in history and "Teks baru" in history
    assert login(fas).get(reverse("forums:post_edit", args=[post.pk])).status_code == 403
    other = make_member(world["dusun"])
    login(other).post(reverse("forums:post_flag", args=[post.pk]), {"reason": "Ada nama anak"})
    assert PostFlag.objects.filter(post=post).exists()
    fas_client = login(fas)
    queue = fas_client.get(reverse("forums:moderation")).content.decode()
    assert "Ada nama anak" in queue
    fas_client.post(reverse("forums:post_hide", args=[post.pk]), {"reason": "Menyebut nama anak"})
    html = login(other).get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "Disembunyikan oleh fasilitator: Menyebut nama anak" in html and "Teks baru" not in html
    assert Notification.objects.filter(kind="forum.post_hidden", recipient=kader).exists()
    reply = services.post_create(thread=thread, author=kader, body="hapus saya")
    client.post(reverse("forums:post_delete", args=[reply.pk]))
    html = login(other).get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "Pesan ini telah dihapus." in html and "hapus saya" not in html


def test_escalate_page_and_needs_attention(world):
    kader, fas = world["users"]["kader_jago"], world["users"]["fasilitator_jago"]
    thread = services.thread_create(
        forum=world["forums"]["dusun"], author=kader, title="Anak tanpa akta", body="x y"
    )
    client = login(fas)
    url = reverse("forums:escalate", args=[thread.pk])
    page = client.get(url).content.decode()
    resp = client.post(url, {"note": "pendek", "once_token": _token(page)})
    assert "Catatan ringkasan perlu paling sedikit 10 karakter." in resp.content.decode()
    client.post(url, {"note": "Anak perlu akta, mohon bantuan desa.", "once_token": _token(page)})
    html = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "Dinaikkan ke Forum Desa Jago" in html
    praya = login(world["users"]["fasilitator_praya"])
    forum_html = praya.get(reverse("forums:forum", args=["52.02.01.2013"])).content.decode()
    assert "Perlu perhatian" in forum_html and "Anak tanpa akta" in forum_html
    assert login(kader).get(url).status_code == 403


def test_move_lock_pin_members_search_pages(world):
    fas = world["users"]["fasilitator_jago"]
    thread = services.thread_create(
        forum=world["forums"]["desa"], author=fas, title="Pindahkan saya", body="isi"
    )
    client = login(fas)
    client.post(reverse("forums:thread_moderate", args=[thread.pk]), {"action": "pin"})
    assert Thread.objects.get(pk=thread.pk).pinned
    page = client.get(reverse("forums:move", args=[thread.pk])).content.decode()
    assert "Dusun Jago Timur" in page
    client.post(reverse("forums:move", args=[thread.pk]), {"area": world["dusun"].code})
    assert Thread.objects.get(pk=thread.pk).forum == world["forums"]["dusun"]
    members_url = reverse("forums:members", args=["52.02.01.2013"])
    resp = client.post(members_url, {"username": "tidak_ada"})
    assert "tidak_ada" in resp.content.decode()
    client.post(members_url, {"username": "kader_sukaraja"})
    html = client.get(members_url).content.decode()
    assert "Inaq Sumiati" in html
    results = client.get(reverse("forums:search"), {"q": "pindahkan"}).content.decode()
    assert "Pindahkan saya" in results
    outsider = login(world["users"]["dinsos_loteng"])
    assert "Pindahkan saya" not in outsider.get(reverse("forums:search"), {"q": "pindahkan"}).content.decode()


def test_english_switch(world):
    client = login(world["users"]["kader_jago"])
    client.cookies["pelita_language"] = "en"
    assert "My forums" in client.get(reverse("forums:my_forums")).content.decode()


def _fill(thread, author, n):
    for i in range(n):
        services.post_create(thread=thread, author=author, body=f"Balasan nomor {i} untuk @kader_jago")


@pytest.mark.parametrize("page", ["forum", "thread"])
def test_hot_pages_use_a_constant_number_of_queries(world, page, settings):
    # The rendering's queries (a page-cache miss); a hit's are asserted in test_pagecache.py (session, user).
    settings.PELITA_PAGE_CACHE = False
    kader, fas = world["users"]["kader_jago"], world["users"]["fasilitator_jago"]
    forum = world["forums"]["dusun"]
    small = services.thread_create(forum=forum, author=fas, title="Lima balasan", body="isi")
    _fill(small, fas, 4)
    client = login(kader)

    def count(url):
        client.get(url)  # the first view moves the read marker (a write); measure the steady state as well
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def url_for(thread):
        if page == "forum":
            return reverse("forums:forum", args=[forum.area.code])
        return reverse("forums:thread", args=[thread.pk]) + "?page=1"

    few = count(url_for(small))
    big = services.thread_create(forum=forum, author=fas, title="Dua ratus balasan", body="isi")
    _fill(big, fas, 199)
    for i in range(40):
        services.thread_create(forum=forum, author=fas, title=f"Thread tambahan {i}", body="isi")
    many = count(url_for(big))
    assert few == many, (few, many)
    assert many <= 10, many


def test_small_actions_mark_read_watch_goto_dismiss_unhide_person(world):
    from forums.models import ThreadUser

    kader, fas = world["users"]["kader_jago"], world["users"]["fasilitator_jago"]
    forum = world["forums"]["dusun"]
    thread = services.thread_create(forum=forum, author=fas, title="Aksi kecil", body="isi @kader_jago")
    for i in range(25):
        services.post_create(thread=thread, author=fas, body=f"balasan {i}")
    client = login(kader)
    # A post number far down opens the page it is on.
    assert client.get(reverse("forums:post_goto", args=[thread.pk, 23]))["Location"].endswith(
        "?page=2#post-23"
    )
    client.post(reverse("forums:watch", args=[thread.pk]), {"level": "mute"})
    assert ThreadUser.objects.get(user=kader, thread=thread).level == "mute"
    forum_url = reverse("forums:forum", args=[forum.area.code])
    assert "/unread/" in client.get(forum_url).content.decode()
    client.post(reverse("forums:forum_mark_read", args=[forum.area.code]))
    assert f'href="/forums/t/{thread.pk}/unread/"' not in client.get(forum_url).content.decode()
    post = thread.posts.get(number=2)
    flag = services.post_flag(post=post, user=kader, reason="tidak pantas")
    fas_client = login(fas)
    fas_client.post(reverse("forums:flag_dismiss", args=[flag.pk]))
    flag.refresh_from_db()
    assert flag.status == "dismissed"
    assert client.post(reverse("forums:flag_dismiss", args=[flag.pk])).status_code == 404
    services.post_hide(post=post, actor=fas, reason="uji sembunyi")
    fas_client.post(reverse("forums:post_unhide", args=[post.pk]))
    post.refresh_from_db()
    assert post.hidden_at is None
    person = client.get(reverse("forums:person", args=["fasilitator_jago"])).content.decode()
    assert "Lalu Ahmad" in person
    assert client.get(reverse("forums:person", args=["tidak_ada"])).status_code == 404
    assert client.get(reverse("forums:search"), {"q": ""}).status_code == 200
