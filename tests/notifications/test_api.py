"""GET/POST /api/v1/notifications… exactly as API.md, plus ?since= for a reconnecting client."""

import pytest
from django.test import Client

from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.notifications.conftest import logged_in

pytestmark = pytest.mark.django_db


def make(user, n, kind="story.review"):
    for i in range(n):
        notify(recipients=[user], kind=kind, params={"title": f"Cerita {i}"}, url=f"/stories/{i}/")
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_list_newest_first_paginated_with_the_contract_fields(people, token_for):
    ani = people["ani"]
    made = make(ani, 3)
    make(people["ben"], 2)
    auth = token_for(ani)
    body = Client().get("/api/v1/notifications?page_size=2", HTTP_AUTHORIZATION=auth).json()
    assert body["count"] == 3
    assert [r["id"] for r in body["results"]] == [made[2].pk, made[1].pk]
    first = body["results"][0]
    assert set(first) == {"id", "kind", "text", "url", "created_at", "read_at"}
    assert first["text"] == "“Cerita 2” dikirim kepada Anda untuk ditinjau"
    assert first["url"] == "/stories/2/" and first["read_at"] is None
    assert first["created_at"].endswith("+08:00")
    page2 = Client().get("/api/v1/notifications?page_size=2&page=2", HTTP_AUTHORIZATION=auth).json()
    assert [r["id"] for r in page2["results"]] == [made[0].pk]


def test_text_follows_the_recipients_language(people, token_for):
    make(people["ben"], 1)
    body = Client().get("/api/v1/notifications", HTTP_AUTHORIZATION=token_for(people["ben"])).json()
    assert body["results"][0]["text"] == "“Cerita 0” was sent to you for review"


def test_unread_filter_since_and_counts(people, token_for):
    ani = people["ani"]
    made = make(ani, 4)
    client, auth = Client(), token_for(ani)
    assert client.get("/api/v1/notifications/unread-count", HTTP_AUTHORIZATION=auth).json() == {
        "unread_count": 4
    }
    answer = client.post(f"/api/v1/notifications/{made[0].pk}/read", HTTP_AUTHORIZATION=auth)
    assert answer.status_code == 200 and answer.json() == {"unread_count": 3}
    unread = client.get("/api/v1/notifications?unread=true", HTTP_AUTHORIZATION=auth).json()
    assert unread["count"] == 3 and made[0].pk not in [r["id"] for r in unread["results"]]
    read_one = client.get("/api/v1/notifications", HTTP_AUTHORIZATION=auth).json()["results"][-1]
    assert read_one["read_at"] is not None
    since = client.get(f"/api/v1/notifications?since={made[1].pk}", HTTP_AUTHORIZATION=auth).json()
    assert [r["id"] for r in since["results"]] == [made[3].pk, made[2].pk]
    again = client.post(f"/api/v1/notifications/{made[0].pk}/read", HTTP_AUTHORIZATION=auth)
    assert again.json() == {"unread_count": 3}  # idempotent
    answer = client.post("/api/v1/notifications/read-all", HTTP_AUTHORIZATION=auth)
    assert answer.status_code == 200 and answer.json() == {"unread_count": 0}


def test_someone_elses_notification_is_404(people, token_for):
    theirs = make(people["ben"], 1)[0]
    answer = Client().post(
        f"/api/v1/notifications/{theirs.pk}/read", HTTP_AUTHORIZATION=token_for(people["ani"])
    )
    assert answer.status_code == 404 and "detail" in answer.json()
    missing = Client().post("/api/v1/notifications/999999/read", HTTP_AUTHORIZATION=token_for(people["ani"]))
    assert missing.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_anonymous_is_401_and_bad_page_size_422(people, token_for):
    assert Client().get("/api/v1/notifications").status_code == 401
    assert Client().post("/api/v1/notifications/read-all").status_code == 401
    answer = Client().get("/api/v1/notifications?page_size=500", HTTP_AUTHORIZATION=token_for(people["ani"]))
    assert answer.status_code == 422 and "page_size" in answer.json()["errors"]


def test_browser_session_needs_csrf_for_writes(people):
    ani = people["ani"]
    make(ani, 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ani)
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread_count": 1}
    assert client.post("/api/v1/notifications/read-all").status_code in (401, 403)
    client.get("/notifications/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    answer = client.post("/api/v1/notifications/read-all", HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 200 and answer.json() == {"unread_count": 0}


def test_list_is_a_fixed_number_of_queries(people, django_assert_num_queries):
    ani = people["ani"]
    make(ani, 30)
    client = logged_in(ani)
    client.get("/api/v1/notifications/unread-count")  # warm the session
    with django_assert_num_queries(4):  # session, user, count, page
        body = client.get("/api/v1/notifications?page_size=30").json()
    assert len(body["results"]) == 30
