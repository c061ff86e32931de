"""The permission matrix: every role × every object kind × every surface that exists, table-driven.

Each row names an object kind, a surface, a request, and for every role the expected outcome:

    OK      the person may see or do it (2xx, or a redirect where a page answers with one);
    HIDDEN  404, with exactly the same status and body as for an object that does not exist;
    DENIED  403: the person sees the object but may not take this action;
    LOGIN   anonymous: the page redirects to the login form, the API answers 401;
    NOT_OK  any refusal (used only for the Wagtail admin, whose refusals are Wagtail's own).

A row may also name a `marker` (a title, a code) that must appear in the answer for `marker_roles` only: this is
how lists, search and exports are checked (everyone gets a 200, but not everyone sees the object in it).

On top of the table, every response any role receives is searched for the child's name, NIK and caregiver: they
may only appear to the roles entitled to the child's identity (the case team and the receiving agency).

To add a kind that lands later: add a Row to ROWS (or a small test below for surfaces that need set-up)."""

import re
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.test import Client

from tests.security.conftest import CAREGIVER, CHILD_NAME

OK, HIDDEN, DENIED, LOGIN, NOT_OK = "ok", "hidden", "denied", "login", "not ok"

ROLES = {
    "anonymous": None,
    "member": "kader_jago",
    "member_other_area": "kader_sukaraja",
    "facilitator": "fasilitator_jago",
    "case_worker": "pendamping_jago",
    "case_worker_other_area": "pendamping_sukaraja",
    "liaison_receiving": "dukcapil_loteng_1",
    "liaison_other_agency": "dinsos_loteng",
    "editor": "editor",
    "moderator": "moderator",
    "coordinator": "koordinator_ntb",
    "coordinator_other_province": "koordinator_bali",
    "superuser": "admin",
}
# Who may see the child's identity: the case team, and the receiving agency while the referral is open.
IDENTITY_ROLES = {"case_worker", "liaison_receiving"}
MISSING_ID = 987654321
MISSING_CODE = "APM-5202-99999"


def everyone_else(value, **given):
    """{role: outcome} with `value` for every role not named."""
    out = {role: value for role in ROLES}
    out["anonymous"] = LOGIN
    out.update(given)
    return out


@dataclass
class Row:
    kind: str
    surface: str  # page, api, search, export
    method: str
    url: str  # formatted with the world's ids: {forum}, {thread}, {post}, {case}, {referral}, {notification}
    missing_url: str  # the same request for an object that does not exist
    expect: dict
    data: dict = field(default_factory=dict)
    marker: str = ""  # formatted like url
    marker_roles: frozenset = frozenset()


FORUM_READERS = {"member": OK, "facilitator": OK, "case_worker": OK, "coordinator": OK, "superuser": OK}
LOGGED_IN = everyone_else(OK)
NOBODY = everyone_else(HIDDEN, anonymous=HIDDEN)
CASE_TEAM_AND_AGENCY = {"case_worker": OK, "liaison_receiving": OK}

ROWS = [
    # forum: the Desa Jago forum
    Row(
        "forum",
        "page",
        "get",
        "/forums/f/{forum}/",
        "/forums/f/99.99.99/",
        everyone_else(HIDDEN, **FORUM_READERS),
    ),
    Row(
        "forum",
        "api",
        "get",
        "/api/v1/forums/{forum}/threads",
        "/api/v1/forums/99.99.99/threads",
        everyone_else(HIDDEN, **FORUM_READERS),
    ),
    # thread and post
    Row(
        "thread",
        "page",
        "get",
        "/forums/t/{thread}/",
        f"/forums/t/{MISSING_ID}/",
        everyone_else(HIDDEN, **FORUM_READERS),
    ),
    Row(
        "thread",
        "api",
        "get",
        "/api/v1/threads/{thread}",
        f"/api/v1/threads/{MISSING_ID}",
        everyone_else(HIDDEN, **FORUM_READERS),
    ),
    Row(
        "post",
        "api",
        "get",
        "/api/v1/threads/{thread}/posts",
        f"/api/v1/threads/{MISSING_ID}/posts",
        everyone_else(HIDDEN, **FORUM_READERS),
    ),
    Row(
        "post",
        "page",
        "get",
        "/forums/p/{post}/history/",
        f"/forums/p/{MISSING_ID}/history/",
        # 19.4: the edit history is the author's (a facilitator here) and the forum's moderators' only.
        everyone_else(HIDDEN, facilitator=OK, coordinator=OK, superuser=OK),
    ),
    Row(
        "post",
        "api",
        "post",
        "/api/v1/threads/{thread}/posts",
        f"/api/v1/threads/{MISSING_ID}/posts",
        everyone_else(HIDDEN, **FORUM_READERS),
        data={"body": "Matrix reply"},
    ),
    # case: the team sees the identity; the receiving agency what the referral shares; the overseers of the
    # case's desa (its facilitators, the coordinator) only its code.
    Row(
        "case",
        "page",
        "get",
        "/cases/{case}/",
        f"/cases/{MISSING_CODE}/",
        everyone_else(HIDDEN, **CASE_TEAM_AND_AGENCY, facilitator=OK, coordinator=OK),
    ),
    Row(
        "case",
        "api",
        "get",
        "/api/v1/cases/{case}",
        f"/api/v1/cases/{MISSING_CODE}",
        everyone_else(HIDDEN, **CASE_TEAM_AND_AGENCY, facilitator=OK, coordinator=OK),
    ),
    # consent: only the case team records it; those who see the case are refused, others see nothing
    Row(
        "consent",
        "api",
        "post",
        "/api/v1/cases/{case}/consents",
        f"/api/v1/cases/{MISSING_CODE}/consents",
        everyone_else(
            HIDDEN, case_worker=OK, liaison_receiving=DENIED, facilitator=DENIED, coordinator=DENIED
        ),
        data={"given_by": "Ibu", "relation": "ibu", "agencies": "{agency}"},
    ),
    # referral and its private thread: the case team and the receiving agency only
    Row(
        "referral",
        "page",
        "get",
        "/cases/referrals/{referral}/",
        f"/cases/referrals/{MISSING_ID}/",
        everyone_else(HIDDEN, **CASE_TEAM_AND_AGENCY),
    ),
    Row(
        "referral",
        "api",
        "get",
        "/api/v1/referrals/{referral}",
        f"/api/v1/referrals/{MISSING_ID}",
        everyone_else(HIDDEN, **CASE_TEAM_AND_AGENCY),
    ),
    Row(
        "referral",
        "api",
        "post",
        "/api/v1/referrals/{referral}/transitions",
        f"/api/v1/referrals/{MISSING_ID}/transitions",
        # Only the receiving agency accepts; the sending team sees the referral but may not accept it.
        everyone_else(HIDDEN, case_worker=DENIED, liaison_receiving=OK),
        data={"action": "accept", "note": ""},
    ),
    Row(
        "referral message",
        "api",
        "get",
        "/api/v1/referrals/{referral}/messages",
        f"/api/v1/referrals/{MISSING_ID}/messages",
        everyone_else(HIDDEN, **CASE_TEAM_AND_AGENCY),
    ),
    Row(
        "referral message",
        "api",
        "post",
        "/api/v1/referrals/{referral}/messages",
        f"/api/v1/referrals/{MISSING_ID}/messages",
        everyone_else(HIDDEN, **CASE_TEAM_AND_AGENCY),
        data={"body": "Matrix message"},
    ),
    # issue 20: the thread's new messages, claims, the facilitator's page for an overdue referral
    Row(
        "referral message",
        "page",
        "get",
        "/cases/referrals/{referral}/messages.json",
        f"/cases/referrals/{MISSING_ID}/messages.json",
        everyone_else(HIDDEN, **CASE_TEAM_AND_AGENCY),
    ),
    Row(
        "referral claim",
        "page",
        "post",
        "/cases/referrals/{referral}/claim/",
        f"/cases/referrals/{MISSING_ID}/claim/",
        # The receiving agency's liaisons claim; the sending team sees the referral but may not.
        everyone_else(HIDDEN, case_worker=DENIED, liaison_receiving=OK),
        data={"what": "claim"},
    ),
    Row(
        "referral attention",
        "page",
        "get",
        "/cases/attention/{referral}/",
        f"/cases/attention/{MISSING_ID}/",
        # The facilitators and coordinators above the child's desa (never the child's identity).
        everyone_else(HIDDEN, facilitator=OK, coordinator=OK),
    ),
    Row(
        "referral attention",
        "page",
        "post",
        "/cases/attention/{referral}/remind/",
        f"/cases/attention/{MISSING_ID}/remind/",
        everyone_else(HIDDEN, facilitator=OK, coordinator=OK),
    ),
    # a person's page (break-it 20): only for whom the person can be mentioned to (who reads a forum the viewer
    # reads); for anyone else the very 404 of an unknown username, so usernames cannot be enumerated
    Row(
        "person page",
        "page",
        "get",
        "/forums/people/{person}/",
        "/forums/people/no_such_person_x/",
        everyone_else(HIDDEN, **FORUM_READERS),
    ),
    # notification: only its recipient
    Row(
        "notification",
        "api",
        "post",
        "/api/v1/notifications/{notification}/read",
        f"/api/v1/notifications/{MISSING_ID}/read",
        everyone_else(HIDDEN, liaison_receiving=OK),
    ),
    Row(
        "notification",
        "page",
        "get",
        "/notifications/{notification}/",
        f"/notifications/{MISSING_ID}/",
        everyone_else(HIDDEN, liaison_receiving=OK),
    ),
    # audit trail of a case: the case team
    Row(
        "audit trail",
        "page",
        "get",
        "/cases/{case}/audit/",
        f"/cases/{MISSING_CODE}/audit/",
        everyone_else(
            HIDDEN, case_worker=OK, liaison_receiving=DENIED, facilitator=DENIED, coordinator=DENIED
        ),
    ),
    # identity correction (issue 20): the case team only
    Row(
        "identity correction",
        "page",
        "get",
        "/cases/{case}/identity/",
        f"/cases/{MISSING_CODE}/identity/",
        everyone_else(
            HIDDEN, case_worker=OK, liaison_receiving=DENIED, facilitator=DENIED, coordinator=DENIED
        ),
    ),
    # lists and search: everyone gets a page, only the entitled find the object in it
    Row(
        "forum",
        "api",
        "get",
        "/api/v1/forums",
        "/api/v1/forums",
        LOGGED_IN,
        marker='"area":"{forum}"',
        marker_roles=frozenset(FORUM_READERS),
    ),
    Row(
        "thread",
        "search",
        "get",
        "/forums/search/?q=akta",
        "/forums/search/?q=akta",
        LOGGED_IN,
        marker="{thread_title}",
        marker_roles=frozenset(FORUM_READERS),
    ),
    Row(
        "case",
        "search",
        "get",
        "/forums/search/?q={case}",
        "/forums/search/?q={case}",
        LOGGED_IN,
        marker="{thread_title}",
        marker_roles=frozenset(FORUM_READERS),
    ),
    Row(
        "referral",
        "api",
        "get",
        "/api/v1/referrals",
        "/api/v1/referrals",
        LOGGED_IN,
        marker="{case}",
        marker_roles=frozenset(CASE_TEAM_AND_AGENCY),
    ),
    Row(
        "notification",
        "api",
        "get",
        "/api/v1/notifications",
        "/api/v1/notifications",
        LOGGED_IN,
        marker='"id":{notification},',
        marker_roles=frozenset({"liaison_receiving"}),
    ),
    # exports: the case export is the team's own cases (identity included, audited)
    Row(
        "export",
        "export",
        "post",
        "/dashboard/my-cases/export.csv",
        "/dashboard/my-cases/export.csv",
        everyone_else(HIDDEN, case_worker=OK),
        marker="{case}",
        marker_roles=frozenset({"case_worker"}),
    ),
    # story draft: never on the public site or the public API; in the Wagtail admin for editors only
    Row("story draft", "page", "get", "{story_url}", "{story_missing_url}", NOBODY),
    Row("story draft", "api", "get", "/api/v2/pages/{story}/", f"/api/v2/pages/{MISSING_ID}/", NOBODY),
    Row(
        "story draft",
        "api",
        "get",
        "/api/v2/pages/?type=cms.StoryPage",
        "/api/v2/pages/?type=cms.StoryPage",
        everyone_else(OK, anonymous=OK),
        marker="{story_title}",
    ),
    Row(
        "story draft",
        "page",
        "get",
        "/admin/pages/{story}/edit/",
        f"/admin/pages/{MISSING_ID}/edit/",
        everyone_else(NOT_OK, anonymous=NOT_OK, editor=OK, moderator=OK, superuser=OK),
    ),
]


@pytest.fixture
def matrix_world(world):
    from forums.selectors import forum_get
    from forums.services import post_create, thread_create
    from portal.areas.models import Area
    from portal.notifications.models import Notification
    from portal.people.services import membership_add
    from tests.factories import TEST_PASSWORD, make_user

    users = world["users"]
    bali = make_user("koordinator_bali", password=TEST_PASSWORD)
    membership_add(user=bali, area=Area.objects.get(code="51"), role="koordinator")
    users["koordinator_bali"] = bali
    forum = forum_get(user=users["kader_jago"], code="52.02.01.2013")
    thread = thread_create(
        forum=forum,
        author=users["kader_jago"],
        title="Anak tanpa akta kelahiran",
        body=f"Kasus {world['case'].code} perlu akta.",
    )
    post = post_create(thread=thread, author=users["fasilitator_jago"], body="Saya bantu.")
    notification = Notification.objects.filter(recipient=users["dukcapil_loteng_1"]).latest("pk")
    story = _draft_story(users["editor"])
    return {
        **world,
        "ids": {
            "forum": forum.area.code,
            "thread": thread.pk,
            "post": post.pk,
            "case": world["case"].code,
            "referral": world["referral"].pk,
            "notification": notification.pk,
            "agency": world["dukcapil"].pk,
            "thread_title": thread.title,
            "story": story.pk,
            "person": "kader_jago",
            "story_title": story.title,
            "story_url": story.get_parent().url + story.slug + "/",
            "story_missing_url": story.get_parent().url + "no-such-story/",
        },
    }


def _draft_story(editor):
    from cms.models import HomePage, StoryIndexPage, StoryPage

    index = StoryIndexPage.objects.filter(locale__language_code="id").first()
    if index is None:
        from cms.services import page_publish

        home = HomePage.objects.get(locale__language_code="id", depth=2)
        index = StoryIndexPage(title="Cerita", slug="cerita")
        home.add_child(instance=index)
        page_publish(page=index)
    story = StoryPage(
        title="Draf rahasia matriks izin",
        slug="draf-matriks",
        summary="Belum terbit.",
        body=[{"type": "paragraph", "value": "<p>Isi draf.</p>"}],
        live=False,
        owner=editor,
    )
    index.add_child(instance=story)
    story.save_revision(user=editor)
    return story


def _client(users, role, token_for, surface):
    username = ROLES[role]
    client = Client(raise_request_exception=False)
    headers = {}
    if username is not None:
        if surface == "api":
            headers["HTTP_AUTHORIZATION"] = token_for(users[username])
        else:
            client.force_login(users[username])
    return client, headers


def _request(client, headers, method, url, data):
    if method == "get":
        return client.get(url, **headers)
    if url.startswith("/api/"):
        return client.post(url, data=data, content_type="application/json", **headers)
    return client.post(url, data=data, **headers)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _shape(response):
    """What must be identical for a hidden and a missing object."""
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return response.status_code, response.json()
    body = response.content.decode()
    main = body.split('<main id="main"', 1)[-1].split("</main>", 1)[0]
    return response.status_code, _CSRF.sub("", main)


def _check_row(row: Row, w, token_for):
    ids = w["ids"]
    url = row.url.format(**ids)
    missing_url = row.missing_url.format(**ids)
    marker = row.marker.format(**ids)
    data = {k: ([ids["agency"]] if v == "{agency}" else v) for k, v in row.data.items()}
    problems, leaks = [], []
    for role, expected in row.expect.items():
        client, headers = _client(w["users"], role, token_for, row.surface)
        response = _request(client, headers, row.method, url, data)
        status = response.status_code
        where = f"{row.kind}/{row.surface} {row.method.upper()} {url} as {role}"
        if expected == OK:
            good = 200 <= status < 400 and not (
                status == 302 and "/accounts/login/" in response.headers.get("Location", "")
            )
        elif expected == LOGIN:
            good = (
                status == 401
                if url.startswith("/api/")
                else (status == 302 and "/accounts/login/" in response.headers.get("Location", ""))
            )
        elif expected == DENIED:
            good = status == 403
        elif expected == NOT_OK:
            # Wagtail refuses with a redirect to its login or its dashboard, never by showing the page.
            good = status in (302, 401, 403, 404)
        else:
            good = status == 404
            if good:
                missing = _request(client, headers, row.method, missing_url, data)
                if _shape(missing) != _shape(response):
                    problems.append(
                        f"{where}: hidden differs from missing: {_shape(response)} vs {_shape(missing)}"
                    )
        if not good:
            problems.append(f"{where}: expected {expected}, got {status}")
        text = response.content.decode(errors="replace")
        if marker and good and status == 200:
            shown = marker in text.replace(": ", ":")
            if shown != (role in row.marker_roles):
                problems.append(f"{where}: {marker!r} {'shown' if shown else 'missing'}")
        if role not in IDENTITY_ROLES and any(s in text for s in (CHILD_NAME, w["nik"], CAREGIVER)):
            leaks.append(where)
    return problems, leaks


@pytest.mark.parametrize("kind", sorted({r.kind for r in ROWS}))
def test_permission_matrix(kind, matrix_world, token_for):
    problems, leaks = [], []
    for row in [r for r in ROWS if r.kind == kind]:
        p, leak = _check_row(row, matrix_world, token_for)
        problems += p
        leaks += leak
    assert not leaks, "the child's identity reached: " + "; ".join(leaks)
    assert not problems, "\n".join(problems)
    # E-mail is a surface too: nothing sent while the matrix ran names the child.
    for message in mail.outbox:
        text = (
            message.subject + message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        )
        assert CHILD_NAME not in text and matrix_world["nik"] not in text and CAREGIVER not in text
