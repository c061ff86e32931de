"""Constant query counts: the forum page (with its meetings panel and needs-attention list), a meeting page, the
action items list, the area page and home page panels, and the API, do not ask more of the database as a forum
holds more meetings, decisions, action items and owners."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.meetings import services

from .conftest import login, wita

pytestmark = pytest.mark.django_db


def _grow(world, n):
    users = world["users"]
    fac = users["fasilitator_jago"]
    for meeting_key in ("dusun", "desa"):
        meeting = world["meetings"][meeting_key]
        for i in range(n):
            decision = services.decision_add(meeting=meeting, actor=fac, text=f"Keputusan {i}")
            for j in range(2):
                services.action_item_add(
                    decision=decision, actor=fac, title=f"Tugas {i}.{j}",
                    owner_ids=[users["kader_jago"].pk, users["fasilitator_jago"].pk],
                    agency_id=world["agencies"]["Dinas Sosial Kab. Lombok Tengah"].pk if j else None,
                    due_on=wita(-2 if j else 9).date(),
                )  # fmt: skip
        services.meeting_schedule(forum=meeting.forum, actor=fac, title=f"Rapat {n} berikut", starts_at=wita(4),
                                  place="Balai", agenda=[f"Butir {k}" for k in range(n)])  # fmt: skip
    services.action_items_sweep()


def _count(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_pages_and_api_ask_a_constant_number_of_queries(mworld, token_for, settings):
    # The rendering's queries (a page-cache miss); a hit's are asserted in tests/forums/test_pagecache.py.
    settings.PELITA_PAGE_CACHE = False
    users = mworld["users"]
    desa = mworld["meetings"]["desa"]
    urls = [
        "/forums/f/52.02.01.2013/",  # forum page: meetings panel + needs attention (raised dusun items)
        f"/forums/m/{desa.pk}/",
        "/forums/f/52.02.01.2013/meetings/",
        "/forums/action-items/?status=open",
        "/areas/52.02.01.2013/",
        "/home/",
    ]
    api = [
        f"/api/v1/meetings/{desa.pk}",
        "/api/v1/action-items?area=52.02.01",
        "/api/v1/forums/52.02.01.2013/meetings",
    ]
    client = login(users["fasilitator_jago"])
    auth = {"HTTP_AUTHORIZATION": token_for(users["fasilitator_jago"])}
    _grow(mworld, 2)
    for url in urls + api:  # warm (sessions, content types, caches)
        _count(client, url, **(auth if url.startswith("/api/") else {}))
    small = {url: _count(client, url, **(auth if url.startswith("/api/") else {})) for url in urls + api}
    _grow(mworld, 6)
    large = {url: _count(client, url, **(auth if url.startswith("/api/") else {})) for url in urls + api}
    assert large == small


def test_the_forum_page_shows_meetings_and_open_items(decided):
    page = login(decided["users"]["kader_jago"]).get(
        "/forums/f/" + decided["forums"]["dusun"].area.code + "/"
    )
    html = page.content.decode()
    assert decided["item"].title in html and "/meetings/" in html


def test_area_page_panel_is_for_overseers_only(decided):
    code = decided["forums"]["desa"].area.code
    assert (
        decided["item"].title
        in login(decided["users"]["fasilitator_praya"]).get(f"/areas/{code}/").content.decode()
    )
    assert (
        decided["item"].title
        not in login(decided["users"]["kader_jago"]).get(f"/areas/{code}/").content.decode()
    )


def test_home_page_lists_my_action_items(decided):
    html = login(decided["users"]["kader_jago"]).get("/home/").content.decode()
    assert decided["item"].title in html and "/forums/action-items/" in html
    assert (
        decided["item"].title not in login(decided["users"]["pendamping_jago"]).get("/home/").content.decode()
    )
    assert dt.date  # the panel shows the due date as "24 Nov 2026"
