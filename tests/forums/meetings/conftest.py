"""Fixtures for meetings: the platform demo's people and the forums of Dusun Jago Timur, Desa Jago, Kec. Praya and
Desa Sukaraja, a past meeting of each (scheduled and recordable), and a client per person."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from portal.core.workdays import WITA
from tests.factories import TEST_PASSWORD

JAGO, PRAYA, SUKARAJA = "52.02.01.2013", "52.02.01", "52.02.06.2001"


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def wita(days: int = 0, hour: int = 9) -> dt.datetime:
    day = timezone.now().astimezone(WITA).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=WITA)


@pytest.fixture
def mworld(demo):
    from forums.meetings.services import meeting_schedule
    from forums.services import forum_ensure

    cache.clear()
    users = demo["users"]
    forums = {
        "dusun": forum_ensure(area=demo["hamlets"][JAGO][0]),
        "desa": forum_ensure(area=demo["areas"][JAGO]),
        "kec": forum_ensure(area=demo["areas"][PRAYA]),
        "sukaraja": forum_ensure(area=demo["areas"][SUKARAJA]),
    }
    facilitator = {"dusun": "fasilitator_jago", "desa": "fasilitator_jago", "kec": "fasilitator_praya",
                   "sukaraja": "koordinator_ntb"}  # fmt: skip
    meetings = {
        key: meeting_schedule(
            forum=forum,
            actor=users[facilitator[key]],
            title=f"Pertemuan {forum.area.name}",
            starts_at=wita(-7),
            place="Balai desa",
            agenda=["Data anak PMI"],
        )
        for key, forum in forums.items()
    }
    return {**demo, "forums": forums, "meetings": meetings, "facilitator": facilitator}


@pytest.fixture
def decided(mworld):
    """A decision of the Dusun Jago Timur meeting with an open action item owned by kader_jago, due in 5 days."""
    from forums.meetings.services import action_item_add, decision_add

    users = mworld["users"]
    meeting = mworld["meetings"]["dusun"]
    decision = decision_add(meeting=meeting, actor=users["fasilitator_jago"], text="Kader mendata anak PMI.")
    item = action_item_add(
        decision=decision,
        actor=users["fasilitator_jago"],
        title="Data anak PMI tanpa KIA di RT 01",
        owner_ids=[users["kader_jago"].pk],
        due_on=wita(5).date(),
    )
    return {**mworld, "decision": decision, "item": item}
