"""Meetings as iCalendar (RFC 5545), built with the `icalendar` library: one `.ics` per meeting and a person's
feed. Times are given in WITA (TZID=Asia/Makassar) with its VTIMEZONE, so a calendar app shows the time the
forum said whatever the phone's zone. A cancelled meeting is sent with STATUS:CANCELLED (calendar apps then
strike it out instead of keeping a stale entry). Nothing but the title, time, place, forum and a link."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from portal.core.workdays import WITA

from .models import Meeting, MeetingStatus

PRODID = "-//Pelita//Forum meetings//ID"
DEFAULT_DURATION = dt.timedelta(hours=2)


def _uid(meeting: Meeting) -> str:
    host = (getattr(settings, "PELITA_CALENDAR_UID_DOMAIN", "") or "pelita").strip()
    return f"meeting-{meeting.pk}@{host}"


def _event(meeting: Meeting, *, base_url: str) -> Event:
    from .services import meeting_url

    event = Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    event.add("sequence", meeting.version)
    event.add("dtstart", meeting.starts_at.astimezone(WITA))
    event.add("dtend", (meeting.ends_at or meeting.starts_at + DEFAULT_DURATION).astimezone(WITA))
    event.add("summary", meeting.title)
    event.add("location", meeting.place)
    url = base_url.rstrip("/") + meeting_url(meeting)
    event.add("url", url)
    event.add("description", f"{meeting.forum.name}\n{url}")
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    return event


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Makassar")
    return cal


def meeting_ics(meeting: Meeting, *, base_url: str) -> bytes:
    """One meeting as a calendar file (text/calendar; the WITA VTIMEZONE included)."""
    cal = _calendar(meeting.title)
    cal.add_component(_event(meeting, base_url=base_url))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_ics(meetings, *, name: str, base_url: str) -> bytes:
    """A person's feed: every meeting given, in one calendar."""
    cal = _calendar(name)
    for meeting in meetings:
        cal.add_component(_event(meeting, base_url=base_url))
    cal.add_missing_timezones()
    return cal.to_ical()
