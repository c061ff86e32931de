import json

import pytest
from django.test import Client

from forums import services
from forums.models import Thread

pytestmark = pytest.mark.django_db

DESA = "52.02.01.2013"


def _post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def api(world, token_for):
    def make(username):
        return Client(HTTP_AUTHORIZATION=token_for(world["users"][username]))

    return make


def test_thread_lifecycle_through_the_api(world, api):
    kader, fas = api("kader_jago"), api("fasilitator_jago")
    dusun = world["dusun"].code
    resp = _post(
        kader,
        f"/api/v1/forums/{dusun}/threads",
        {"title": "Anak belum punya akta", "body": "Ibunya di **Malaysia**"},
    )
    assert resp.status_code == 201
    thread = resp.json()
    assert thread["kind"] == "discussion" and thread["case"] is None and thread["author"] == "kader_jago"
    assert thread["forum"] == dusun and thread["escalated_to"] is None and thread["escalated_from"] is None
    assert set(thread) >= {
        "id",
        "title",
        "kind",
        "author",
        "created_at",
        "last_post_at",
        "posts_count",
        "unread",
        "pinned",
        "locked",
        "case",
    }
    reply = _post(fas, f"/api/v1/threads/{thread['id']}/posts", {"body": "Saya bantu @kader_jago"})
    assert reply.status_code == 201
    assert set(reply.json()) >= {"id", "author", "body", "body_html", "created_at", "edited_at"}
    listing = kader.get(f"/api/v1/forums/{dusun}/threads").json()
    assert listing["count"] == 1 and listing["results"][0]["unread"] is True
    posts = kader.get(f"/api/v1/threads/{thread['id']}/posts").json()
    assert [p["author"] for p in posts["results"]] == ["kader_jago", "fasilitator_jago"]
    assert "<strong>Malaysia</strong>" in posts["results"][0]["body_html"]
    assert kader.get(f"/api/v1/forums/{dusun}/threads").json()["results"][0]["unread"] is False
    esc = _post(fas, f"/api/v1/threads/{thread['id']}/escalate", {"note": "Mohon bantuan desa untuk akta."})
    assert esc.status_code == 201
    new_id = esc.json()["thread"]
    assert Thread.objects.get(pk=new_id).forum.area.code == DESA
    assert fas.get(f"/api/v1/threads/{thread['id']}").json()["escalated_to"] == new_id
    assert fas.get(f"/api/v1/threads/{new_id}").json()["escalated_from"] == thread["id"]
    again = _post(fas, f"/api/v1/threads/{thread['id']}/escalate", {"note": "Mohon bantuan desa untuk akta."})
    assert again.status_code == 409 and "Forum Desa Jago" in again.json()["detail"]


def test_validation_errors_are_422_with_fields_in_indonesian(world, api):
    kader = api("kader_jago")
    resp = _post(
        kader, f"/api/v1/forums/{DESA}/threads", {"title": "", "body": "x" * 20_001, "kind": "gosip"}
    )
    assert resp.status_code == 422
    body = resp.json()
    assert set(body["errors"]) == {"title", "body", "kind"}
    assert body["errors"]["title"] == ["Judul tidak boleh kosong."]
    resp = _post(
        kader, f"/api/v1/forums/{DESA}/threads", {"title": "Kasus anak", "body": "isi", "kind": "case"}
    )
    assert resp.status_code == 422 and "case" in resp.json()["errors"]
    resp = _post(
        kader,
        f"/api/v1/forums/{DESA}/threads",
        {"title": "Pengumuman", "body": "isi", "kind": "announcement"},
    )
    assert resp.status_code == 403


def test_locked_thread_is_409_and_province_cannot_escalate(world, api):
    fas = world["users"]["fasilitator_jago"]
    thread = services.thread_create(forum=world["forums"]["desa"], author=fas, title="Ditutup", body="isi")
    services.thread_set_state(thread=thread, actor=fas, locked=True)
    resp = _post(api("kader_jago"), f"/api/v1/threads/{thread.pk}/posts", {"body": "boleh?"})
    assert resp.status_code == 409 and resp.json()["detail"] == "Topik ini dikunci: tidak bisa dibalas lagi."
    coord = world["users"]["koordinator_ntb"]
    from portal.areas.models import Area

    province = services.forum_ensure(area=Area.objects.get(code="52"))
    top = services.thread_create(forum=province, author=coord, title="Tingkat provinsi", body="isi")
    resp = _post(
        api("koordinator_ntb"),
        f"/api/v1/threads/{top.pk}/escalate",
        {"note": "Tidak bisa lebih tinggi lagi."},
    )
    assert resp.status_code == 409


def test_unknown_things_are_404(world, api):
    kader = api("kader_jago")
    assert kader.get("/api/v1/forums/99.99.99/threads").status_code == 404
    assert kader.get("/api/v1/threads/999999").status_code == 404
    assert _post(kader, "/api/v1/threads/999999/posts", {"body": "x y"}).status_code == 404


def test_pagination_and_idempotency_key(world, api):
    fas = api("fasilitator_jago")
    for i in range(3):
        _post(fas, f"/api/v1/forums/{DESA}/threads", {"title": f"Thread nomor {i}", "body": "isi"})
    page = fas.get(f"/api/v1/forums/{DESA}/threads?page=2&page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 1
    assert fas.get(f"/api/v1/forums/{DESA}/threads?page_size=101").status_code == 422
    first = _post(
        fas,
        f"/api/v1/forums/{DESA}/threads",
        {"title": "Sekali saja", "body": "isi"},
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    second = _post(
        fas,
        f"/api/v1/forums/{DESA}/threads",
        {"title": "Sekali saja", "body": "isi"},
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert first.json()["id"] == second.json()["id"]


def test_hidden_post_body_is_withheld_from_other_members(world, api):
    kader, fas = world["users"]["kader_jago"], world["users"]["fasilitator_jago"]
    thread = services.thread_create(
        forum=world["forums"]["desa"], author=kader, title="Judul thread", body="isi rahasia"
    )
    services.post_hide(post=thread.posts.get(), actor=fas, reason="menyebut nama anak")
    other = api("pendamping_jago").get(f"/api/v1/threads/{thread.pk}/posts").json()["results"][0]
    assert other["hidden"] is True and other["body"] == "" and other["body_html"] == ""
    mine = api("kader_jago").get(f"/api/v1/threads/{thread.pk}/posts").json()["results"][0]
    assert mine["body"] == "isi rahasia"
