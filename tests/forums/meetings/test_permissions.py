"""Who schedules, who records, who sees: every person of the demo × the forums of Dusun Jago Timur, Desa Jago,
Kec. Praya and Desa Sukaraja, through the services, the pages and the API; and every meeting URL (discovered from
the URLconf) refused to an outsider and to the anonymous."""

import pytest
from django.test import Client
from django.urls import reverse

from forums.meetings import services
from forums.meetings.urls import urlpatterns
from portal.core.demo import ACCOUNTS
from portal.core.errors import Forbidden, NotFound

from .conftest import login, wita

pytestmark = pytest.mark.django_db

EVERYONE = [a[0] for a in ACCOUNTS]
# Who sees a forum's meetings (its own people and those who oversee it), and who runs them (schedules, records).
SEES = {
    "dusun": {"kader_jago", "fasilitator_jago", "fasilitator_praya", "koordinator_ntb", "admin"},
    "desa": {
        "kader_jago",
        "pendamping_jago",
        "fasilitator_jago",
        "fasilitator_praya",
        "koordinator_ntb",
        "admin",
    },
    "kec": {"fasilitator_praya", "koordinator_ntb", "admin"},
    "sukaraja": {"kader_sukaraja", "pendamping_sukaraja", "koordinator_ntb", "admin"},
}
RUNS = {
    "dusun": {"fasilitator_jago", "fasilitator_praya", "koordinator_ntb", "admin"},
    "desa": {"fasilitator_jago", "fasilitator_praya", "koordinator_ntb", "admin"},
    "kec": {"fasilitator_praya", "koordinator_ntb", "admin"},
    "sukaraja": {"koordinator_ntb", "admin"},
}


def _expect(key, username):
    if username in RUNS[key]:
        return "ok"
    return Forbidden if username in SEES[key] else NotFound


WRITES = {
    "schedule": lambda m, u: services.meeting_schedule(
        forum=m.forum, actor=u, title="Rapat berikutnya", starts_at=wita(3), place="Balai"
    ),
    "attendance": lambda m, u: services.attendance_record(
        meeting=m, actor=u, counts={"female": 3, "male": 2, "adults": 5}
    ),
    "minutes": lambda m, u: services.minutes_save(meeting=m, actor=u, body="Notulen rapat.", publish=False),
    "decision": lambda m, u: services.decision_add(meeting=m, actor=u, text="Keputusan rapat."),
    "proposal": lambda m, u: services.proposal_submit(
        forum=m.forum,
        actor=u,
        title="Usulan kegiatan",
        description="Kelas parenting desa.",
        estimated_cost_idr=1000,
    ),
    "cancel": lambda m, u: services.meeting_cancel(meeting=_fresh(m), actor=u),
}


def _fresh(meeting):
    """A new scheduled meeting of the same forum (the one of the table is held by then)."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    return services.meeting_schedule(forum=meeting.forum, actor=admin, title="Rapat lain", starts_at=wita(9),
                                     place="Balai")  # fmt: skip


@pytest.mark.parametrize("key", list(SEES))
def test_services_table(mworld, key):
    meeting = mworld["meetings"][key]
    for username in EVERYONE:
        user = mworld["users"][username]
        for name, write in WRITES.items():
            expected = _expect(key, username)
            if name == "proposal" and key == "kec" and expected == "ok":
                expected = "conflict"  # only a dusun or desa forum proposes to the village plan
            case = f"{name} in {key} by {username}"
            if expected == "ok":
                write(meeting, user)
            elif expected == "conflict":
                from portal.core.errors import Conflict

                with pytest.raises(Conflict):
                    write(meeting, user)
            else:
                with pytest.raises(expected, match=r".") as exc:
                    write(meeting, user)
                assert exc.type is expected, case


@pytest.mark.parametrize("key", list(SEES))
def test_pages_and_api_table(mworld, key, token_for):
    meeting = mworld["meetings"][key]
    code = meeting.forum.area.code
    read_urls = [reverse("forums:meetings", args=[code]), reverse("forums:meeting", args=[meeting.pk]),
                 reverse("forums:meeting_ics", args=[meeting.pk]), reverse("forums:proposals", args=[code])]  # fmt: skip
    write_urls = [reverse("forums:meeting_new", args=[code]), reverse("forums:meeting_attendance", args=[meeting.pk]),
                  reverse("forums:meeting_minutes", args=[meeting.pk]), reverse("forums:decision_new", args=[meeting.pk])]  # fmt: skip
    for username in EVERYONE:
        user = mworld["users"][username]
        client = login(user)
        sees, runs = username in SEES[key], username in RUNS[key]
        for url in read_urls:
            assert client.get(url).status_code == (200 if sees else 404), (url, username)
        for url in write_urls:
            assert client.get(url).status_code == (200 if runs else 403 if sees else 404), (url, username)
        auth = {"HTTP_AUTHORIZATION": token_for(user)}
        assert client.get(f"/api/v1/forums/{code}/meetings", **auth).status_code == (200 if sees else 404)
        assert client.get(f"/api/v1/meetings/{meeting.pk}", **auth).status_code == (200 if sees else 404)
        r = client.post(f"/api/v1/forums/{code}/meetings",
                        {"title": "Rapat lewat API", "starts_at": "2030-01-05T09:00", "place": "Balai"},
                        content_type="application/json", **auth)  # fmt: skip
        assert r.status_code == (201 if runs else 403 if sees else 404), (username, r.content)
        r = client.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"body": "Notulen."},
                        content_type="application/json", **auth)  # fmt: skip
        assert r.status_code == (200 if runs else 403 if sees else 404), (username, r.content)


def _url_for(pattern, world, item):
    args = {
        "code": "52.02.01.2013",
        "pk": {
            "proposal_decide": 0,
            "action_item_new": item.decision_id,
            "action_item": item.pk,
            "action_item_transition": item.pk,
            "thread_agenda": 0,
        }.get(pattern.name, world["meetings"]["desa"].pk),
        "token": "not-a-token",
    }
    kwargs = {k: args[k] for k in pattern.pattern.converters}
    return reverse(f"forums:{pattern.name}", kwargs=kwargs)


def test_every_meeting_url_refuses_the_anonymous_and_hides_from_outsiders(decided):
    from forums.meetings.services import proposal_submit
    from forums.models import Thread

    users, item = decided["users"], decided["item"]
    proposal = proposal_submit(forum=decided["forums"]["desa"], actor=users["fasilitator_jago"], title="Usulan desa",
                               description="Layanan akta keliling.", estimated_cost_idr=5)  # fmt: skip
    thread = Thread.objects.create(forum=decided["forums"]["desa"], title="Topik", author=users["kader_jago"],
                                   last_post_at=item.created_at)  # fmt: skip
    outsider = login(users["kader_sukaraja"])
    anonymous = Client()
    for pattern in urlpatterns:
        url = _url_for(pattern, decided, item).replace("/0/", f"/{proposal.pk}/")
        if pattern.name == "thread_agenda":
            url = reverse("forums:thread_agenda", args=[thread.pk])
        anon = (
            anonymous.post(url)
            if pattern.name in ("proposal_decide", "thread_agenda", "meeting_cancel")
            else anonymous.get(url)
        )
        if pattern.name == "calendar_feed":
            assert anon.status_code == 404, url  # the token is the key: a wrong one is not found
            continue
        assert anon.status_code == 302 and "/accounts/login/" in anon["Location"], url
        if pattern.name in ("action_items", "calendar"):
            assert outsider.get(url).status_code == 200, url  # their own list and calendar
            continue
        method = (
            outsider.post
            if pattern.name in ("proposal_decide", "thread_agenda", "meeting_cancel")
            else outsider.get
        )
        assert method(url).status_code == 404, url
