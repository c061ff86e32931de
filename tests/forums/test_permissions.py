"""The permission matrix: every role × own / child / parent / other village's forum × view / post / moderate /
escalate, through the pages and the API. Not visible: 404; visible but not allowed: 403."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from forums import services
from forums.models import Thread
from forums.services import forum_ensure
from portal.agencies.services import agency_liaison_add
from tests.factories import TEST_PASSWORD, make_member, make_user

pytestmark = pytest.mark.django_db

JAGO, PRAYA, SUKARAJA = "52.02.01.2013", "52.02.01", "52.02.06.2001"
RELATIONS = ["own", "child", "parent", "other"]
ACTIONS = ["view", "post", "moderate", "escalate"]

# role -> what each relation allows: "rw" read+write, "mod" all four, "-" nothing (404)
EXPECTED = {
    "anggota": {"own": "rw", "child": "-", "parent": "-", "other": "-"},
    "pendamping": {"own": "rw", "child": "-", "parent": "-", "other": "-"},
    "fasilitator": {"own": "mod", "child": "mod", "parent": "-", "other": "-"},
    "koordinator": {"own": "mod", "child": "mod", "parent": "-", "other": "-"},
    "liaison": {"own": "-", "child": "-", "parent": "-", "other": "-"},
    "editor": {"own": "-", "child": "-", "parent": "-", "other": "-"},
}


def _expected_status(level: str, action: str, *, page: bool) -> int:
    if level == "-":
        return 404
    ok = {"view": 200, "post": 302 if page else 201, "moderate": 302, "escalate": 302 if page else 201}[
        action
    ]
    if level == "mod" or action in ("view", "post"):
        return ok
    return 403


@pytest.fixture
def matrix(demo):
    from portal.areas.models import Area

    jago = Area.objects.get(code=JAGO)
    dusun = demo["hamlets"][JAGO][0]
    forums = {
        "own": forum_ensure(area=jago),
        "child": forum_ensure(area=dusun),
        "parent": forum_ensure(area=Area.objects.get(code=PRAYA)),
        "other": forum_ensure(area=Area.objects.get(code=SUKARAJA)),
    }
    author = demo["users"]["koordinator_ntb"]  # sees every forum of NTB: writes the threads under test
    return {"forums": forums, "jago": jago, "author": author, "agency": next(iter(demo["agencies"].values()))}


def _person(role, matrix):
    if role == "liaison":
        user = make_user()
        agency_liaison_add(agency=matrix["agency"], user=user)
        return user
    if role == "editor":
        return make_user()
    return make_member(matrix["jago"], role)


def _fresh_thread(matrix, relation):
    return services.thread_create(
        forum=matrix["forums"][relation], author=matrix["author"], title="Thread uji izin", body="isi thread"
    )


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_matrix_pages_and_api(matrix, role, token_for):
    user = _person(role, matrix)
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    api = Client(HTTP_AUTHORIZATION=token_for(user))
    got, want = {}, {}
    for relation in RELATIONS:
        forum = matrix["forums"][relation]
        code = forum.area.code
        level = EXPECTED[role][relation]
        for action in ACTIONS:
            thread = _fresh_thread(matrix, relation)
            # pages
            if action == "view":
                status = client.get(reverse("forums:forum", args=[code])).status_code
                thread_status = client.get(reverse("forums:thread", args=[thread.pk])).status_code
                assert thread_status == status, (role, relation, "thread page")
            elif action == "post":
                status = client.post(
                    reverse("forums:thread_new", args=[code]),
                    {"title": "Judul uji baru", "body": "isi", "kind": "discussion", "token": ""},
                ).status_code
                reply = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "balas", "token": ""})
                assert reply.status_code == status, (role, relation, "reply page")
            elif action == "moderate":
                status = client.post(
                    reverse("forums:thread_moderate", args=[thread.pk]), {"action": "pin"}
                ).status_code
                assert Thread.objects.get(pk=thread.pk).pinned == (status == 302)
            else:
                status = client.post(
                    reverse("forums:escalate", args=[thread.pk]),
                    {"note": "Mohon bantuan forum di atas.", "token": ""},
                ).status_code
            got[("page", relation, action)] = status
            want[("page", relation, action)] = _expected_status(level, action, page=True)
            # API (moderation has no API endpoint in API.md: pages only)
            thread = _fresh_thread(matrix, relation)
            if action == "view":
                status = api.get(f"/api/v1/forums/{code}/threads").status_code
                assert api.get(f"/api/v1/threads/{thread.pk}").status_code == status
                assert api.get(f"/api/v1/threads/{thread.pk}/posts").status_code == status
            elif action == "post":
                status = api.post(
                    f"/api/v1/threads/{thread.pk}/posts",
                    json.dumps({"body": "balas"}),
                    content_type="application/json",
                ).status_code
                created = api.post(
                    f"/api/v1/forums/{code}/threads",
                    json.dumps({"title": "Judul uji API", "body": "isi"}),
                    content_type="application/json",
                ).status_code
                assert created == status, (role, relation, "api thread create")
            elif action == "escalate":
                status = api.post(
                    f"/api/v1/threads/{thread.pk}/escalate",
                    json.dumps({"note": "Mohon bantuan forum di atas."}),
                    content_type="application/json",
                ).status_code
            else:
                continue
            got[("api", relation, action)] = status
            want[("api", relation, action)] = _expected_status(level, action, page=False)
    assert got == want


def test_forum_list_api_shows_only_readable_forums(matrix, token_for):
    member = _person("anggota", matrix)
    api = Client(HTTP_AUTHORIZATION=token_for(member))
    body = api.get("/api/v1/forums").json()
    assert body["count"] == 1
    assert body["results"] == [
        {"area": JAGO, "name": "Forum Desa Jago", "role": "anggota", "unread_count": 0}
    ]
    fas = _person("fasilitator", matrix)
    areas = {
        r["area"]: r["role"]
        for r in Client(HTTP_AUTHORIZATION=token_for(fas)).get("/api/v1/forums").json()["results"]
    }
    assert areas[JAGO] == "fasilitator" and areas[matrix["forums"]["child"].area.code] == "fasilitator"
    assert PRAYA not in areas and SUKARAJA not in areas


def test_unknown_area_is_404_and_anonymous_is_redirected_or_401(matrix):
    client = Client()
    assert client.get(reverse("forums:forum", args=[JAGO])).status_code == 302
    assert client.get(f"/api/v1/forums/{JAGO}/threads").status_code == 401
    member = _person("anggota", matrix)
    client.login(username=member.username, password=TEST_PASSWORD)
    assert client.get(reverse("forums:forum", args=["99.99"])).status_code == 404
