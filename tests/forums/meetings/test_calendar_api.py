"""Calendar files parsed back (valid iCalendar, times in WITA with its VTIMEZONE, cancelled meetings marked) and
the API's shapes: lists {"count", "results"}, times with +08:00, the detail with attendance, minutes, decisions
and action items, and the action item filters."""

import datetime as dt

import pytest
from django.test import Client
from icalendar import Calendar

from forums.meetings import services
from forums.meetings.models import CalendarFeed

from .conftest import login, wita

pytestmark = pytest.mark.django_db


def _parse(body: bytes) -> Calendar:
    cal = Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    return cal


def test_meeting_ics_is_valid_and_in_wita(mworld):
    users = mworld["users"]
    meeting = services.meeting_schedule(forum=mworld["forums"]["desa"], actor=users["fasilitator_jago"],
                                        title="Musyawarah desa; “RKPDes”, 2031", starts_at="2030-03-02T09:00",
                                        ends_at="2030-03-02T11:30", place="Aula, Kantor Desa Jago")  # fmt: skip
    response = login(users["kader_jago"]).get(f"/forums/m/{meeting.pk}/meeting.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = _parse(response.content)
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Musyawarah desa; “RKPDes”, 2031"
    assert str(event["LOCATION"]) == "Aula, Kantor Desa Jago"
    start = event.decoded("DTSTART")
    assert start == dt.datetime(2030, 3, 2, 9, 0, tzinfo=start.tzinfo) and start.utcoffset() == dt.timedelta(
        hours=8
    )
    assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
    assert event.decoded("DTEND").hour == 11
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Makassar"]
    assert f"/forums/m/{meeting.pk}/" in str(event["URL"])
    services.meeting_cancel(meeting=meeting, actor=users["fasilitator_jago"])
    cal = _parse(login(users["kader_jago"]).get(f"/forums/m/{meeting.pk}/meeting.ics").content)
    assert str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_personal_feed_with_a_secret_token(mworld):
    users = mworld["users"]
    client = login(users["kader_jago"])
    page = client.get("/forums/calendar/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store, private"
    token = CalendarFeed.objects.get(user=users["kader_jago"]).token
    assert len(token) >= 40 and token in page.content.decode()
    feed = Client().get(f"/forums/calendar/{token}.ics")  # no login: calendar apps cannot log in
    assert feed.status_code == 200
    titles = {str(e["SUMMARY"]) for e in _parse(feed.content).walk("VEVENT")}
    assert titles == {
        mworld["meetings"]["dusun"].title,
        mworld["meetings"]["desa"].title,
    }  # only forums they read
    client.post("/forums/calendar/")
    assert Client().get(f"/forums/calendar/{token}.ics").status_code == 404  # the old address stops working
    new = CalendarFeed.objects.get(user=users["kader_jago"]).token
    assert new != token and Client().get(f"/forums/calendar/{new}.ics").status_code == 200


def test_api_list_and_detail_shapes(decided, token_for, client):
    users, meeting, item = decided["users"], decided["meetings"]["dusun"], decided["item"]
    services.attendance_record(meeting=meeting, actor=users["fasilitator_jago"],
                               counts={"female": 78, "male": 45, "adults": 123, "health": 2},
                               attendee_ids=[users["kader_jago"].pk])  # fmt: skip
    auth = {"HTTP_AUTHORIZATION": token_for(users["kader_jago"])}
    body = client.get("/api/v1/forums/" + meeting.forum.area.code + "/meetings", **auth).json()
    assert set(body) == {"count", "results"} and body["count"] == 1
    row = body["results"][0]
    assert {"id", "title", "starts_at", "place", "agenda", "status"} <= set(row)
    assert (
        row["starts_at"].endswith("+08:00") and row["agenda"] == ["Data anak PMI"] and row["status"] == "held"
    )
    detail = client.get(f"/api/v1/meetings/{meeting.pk}", **auth).json()
    assert detail["attendance"]["total"] == 123 and detail["attendance"]["stakeholders"]["health"] == 2
    assert detail["attendance"]["attendees"] == ["kader_jago"]
    assert detail["minutes"]["status"] == "none"
    assert detail["decisions"][0]["action_items"] == [item.pk]
    (out,) = detail["action_items"]
    assert {"id", "title", "meeting", "forum", "owners", "due_on", "status", "raised_to"} <= set(out)
    assert out["owners"] == ["kader_jago"] and out["meeting"] == meeting.pk and out["raised_to"] is None
    # Minutes: a draft is the facilitators' only; once published everyone reads it.
    fac = {"HTTP_AUTHORIZATION": token_for(users["fasilitator_jago"])}
    r = client.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"body": "Draf notulen."},
                    content_type="application/json", **fac)  # fmt: skip
    assert r.status_code == 200 and r.json()["minutes"]["status"] == "draft"
    assert client.get(f"/api/v1/meetings/{meeting.pk}", **auth).json()["minutes"]["status"] == "none"
    r = client.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"body": "Notulen final.", "publish": True},
                    content_type="application/json", **fac)  # fmt: skip
    minutes = client.get(f"/api/v1/meetings/{meeting.pk}", **auth).json()["minutes"]
    assert (
        minutes["status"] == "published" and minutes["thread"] and minutes["published_at"].endswith("+08:00")
    )


def test_api_create_and_idempotency(mworld, token_for, client):
    fac = {
        "HTTP_AUTHORIZATION": token_for(mworld["users"]["fasilitator_jago"]),
        "HTTP_IDEMPOTENCY_KEY": "k-1",
    }
    data = {"title": "Rapat lewat API", "starts_at": "2030-01-05T09:00:00+08:00", "place": "Balai",
            "agenda": ["Satu", "Dua"]}  # fmt: skip
    first = client.post("/api/v1/forums/52.02.01.2013/meetings", data, content_type="application/json", **fac)
    again = client.post("/api/v1/forums/52.02.01.2013/meetings", data, content_type="application/json", **fac)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert first.json()["starts_at"] == "2030-01-05T09:00:00+08:00"
    bad = client.post("/api/v1/forums/52.02.01.2013/meetings", {**data, "starts_at": "3000-01-01T09:00"},
                      content_type="application/json", HTTP_AUTHORIZATION=fac["HTTP_AUTHORIZATION"])  # fmt: skip
    assert bad.status_code == 422 and "starts_at" in bad.json()["errors"]


def test_api_action_item_filters(decided, token_for, client):
    from forums.meetings.services import action_items_sweep

    users, item = decided["users"], decided["item"]

    def get(user, q):
        return client.get(f"/api/v1/action-items?{q}", HTTP_AUTHORIZATION=token_for(users[user])).json()  # noqa: E731

    assert [r["id"] for r in get("kader_jago", "mine=true")["results"]] == [item.pk]
    assert get("fasilitator_jago", "mine=true")["count"] == 0
    assert get("fasilitator_jago", "area=52.02.01.2013&status=open")["count"] == 1
    assert get("fasilitator_jago", "area=52.02.06.2001")["count"] == 0
    assert get("kader_sukaraja", "")["count"] == 0
    assert get("fasilitator_jago", "overdue=true")["count"] == 0
    action_items_sweep(as_of=item.due_on + dt.timedelta(days=1))
    type(item).objects.filter(pk=item.pk).update(due_on=wita(-1).date())
    (row,) = get("fasilitator_praya", "overdue=true")["results"]
    assert row["raised_to"] == "52.02.01.2013" and row["overdue"] is True
    r = client.get("/api/v1/action-items?status=nope", HTTP_AUTHORIZATION=token_for(users["kader_jago"]))
    assert r.status_code == 422 and "status" in r.json()["errors"]


def test_ids_beyond_64_bits_are_not_found(mworld, token_for, client):
    huge = 2**70
    auth = {"HTTP_AUTHORIZATION": token_for(mworld["users"]["fasilitator_jago"])}
    assert client.get(f"/api/v1/meetings/{huge}", **auth).status_code in (404, 422)
    r = client.post(f"/api/v1/action-items/{huge}/transitions", {"action": "done", "note": "x"},
                    content_type="application/json", **auth)  # fmt: skip
    assert r.status_code in (404, 422)
    web = login(mworld["users"]["fasilitator_jago"])
    for url in (f"/forums/m/{huge}/", f"/forums/d/{huge}/action-items/new/", f"/forums/action-items/{huge}/"):
        assert web.get(url).status_code == 404, url
