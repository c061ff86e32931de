"""The daily sweep: owners reminded once before the due date; an overdue action item raised once (idempotent) to the
facilitators of the next tier's forum, listed in that forum's "needs attention", taken over there (linked both ways).
The done-when of issue 14: an item decided in Dusun Jago Timur, not done in time, shows up once in Desa Jago's list."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from forums.meetings.models import ActionItem, ActionItemEvent
from forums.meetings.services import action_item_transition, action_items_sweep
from forums.selectors import forum_needs_attention
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification

from .conftest import login, wita

pytestmark = pytest.mark.django_db


def test_jago_timur_item_overdue_is_raised_once_to_desa_jago(decided):
    item, users, forums = decided["item"], decided["users"], decided["forums"]
    due = item.due_on
    assert action_items_sweep(as_of=due) == {"reminded": 1, "raised": 0}  # due today: reminded, not overdue
    assert forum_needs_attention(forum=forums["desa"])["action_items"] == []
    assert action_items_sweep(as_of=due + dt.timedelta(days=1)) == {"reminded": 0, "raised": 1}
    for _again in range(3):  # idempotent: a second sweep (or a parallel one) raises nothing more
        assert action_items_sweep(as_of=due + dt.timedelta(days=2)) == {"reminded": 0, "raised": 0}
    item.refresh_from_db()
    assert item.raised_to == forums["desa"] and item.overdue_raised_at is not None
    assert ActionItemEvent.objects.filter(item=item, action="overdue").count() == 1
    assert AuditEntry.objects.filter(action="meeting.action_item_overdue").count() == 1
    assert [i.pk for i in forum_needs_attention(forum=forums["desa"])["action_items"]] == [item.pk]
    assert forum_needs_attention(forum=forums["kec"])["action_items"] == []
    overdue = Notification.objects.filter(kind="meeting.action_overdue")
    assert sorted(overdue.values_list("recipient__username", flat=True)) == ["fasilitator_jago", "kader_jago"]
    assert (
        Notification.objects.filter(kind="meeting.action_reminder", recipient=users["kader_jago"]).count()
        == 1
    )

    # The Desa Jago forum page lists it, once, under "needs attention".
    page = login(users["fasilitator_praya"]).get("/forums/f/52.02.01.2013/")
    html = page.content.decode()
    attention = html.split('id="attention-h"')[1].split("</section>")[0]
    assert attention.count(item.title) == 1


def test_take_over_links_both_ways_and_leaves_the_list(decided):
    item, users, forums = decided["item"], decided["users"], decided["forums"]
    action_items_sweep(as_of=item.due_on + dt.timedelta(days=1))
    new = action_item_transition(
        item_id=item.pk, actor=users["fasilitator_jago"], action="take_over", note=""
    )
    item.refresh_from_db()
    assert item.status == "taken_over" and item.successor == new and new.taken_over_from == item
    assert new.forum == forums["desa"] and new.status == "open"
    assert forum_needs_attention(forum=forums["desa"])["action_items"] == []
    page = login(users["fasilitator_jago"]).get(f"/forums/action-items/{item.pk}/")
    assert f"/forums/action-items/{new.pk}/" in page.content.decode()
    page = login(users["fasilitator_jago"]).get(f"/forums/action-items/{new.pk}/")
    assert f"/forums/action-items/{item.pk}/" in page.content.decode()
    # The new item is the desa's own: overdue in its turn, it climbs to Kec. Praya.
    action_items_sweep(as_of=new.due_on + dt.timedelta(days=1))
    new.refresh_from_db()
    assert new.raised_to == forums["kec"]
    assert [i.pk for i in forum_needs_attention(forum=forums["kec"])["action_items"]] == [new.pk]


def test_done_or_dropped_items_are_never_raised(decided):
    item, users = decided["item"], decided["users"]
    action_item_transition(item_id=item.pk, actor=users["kader_jago"], action="done", note="Sudah didata.")
    assert action_items_sweep(as_of=item.due_on + dt.timedelta(days=30)) == {"reminded": 0, "raised": 0}


def test_province_items_have_no_tier_above(mworld):
    from forums.meetings.services import action_item_add, decision_add, meeting_schedule
    from forums.services import forum_ensure

    users = mworld["users"]
    forum = forum_ensure(area=mworld["areas"]["52"])
    meeting = meeting_schedule(forum=forum, actor=users["koordinator_ntb"], title="Rapat provinsi",
                               starts_at=wita(-3), place="Mataram")  # fmt: skip
    decision = decision_add(meeting=meeting, actor=users["koordinator_ntb"], text="Keputusan.")
    action_item_add(decision=decision, actor=users["koordinator_ntb"], title="Surat edaran",
                    owner_ids=[users["koordinator_ntb"].pk], due_on=wita(-2).date())  # fmt: skip
    assert action_items_sweep()["raised"] == 0
    assert ActionItem.objects.get(title="Surat edaran").raised_to is None


def test_the_command_runs_the_sweep(decided):
    out = StringIO()
    call_command("sweep_action_items", "--as-of", (decided["item"].due_on + dt.timedelta(days=1)).isoformat(),
                 stdout=out)  # fmt: skip
    assert "raised 1 overdue" in out.getvalue()
    call_command("sweep_action_items", stdout=out)
    assert ActionItem.objects.get(pk=decided["item"].pk).raised_to is not None


def test_the_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sweep_action_items", "--as-of", "31-12-2026")


def test_an_outsider_gets_404_for_a_raised_item(decided):
    item = decided["item"]
    action_items_sweep(as_of=item.due_on + dt.timedelta(days=1))
    assert (
        login(decided["users"]["kader_sukaraja"]).get(f"/forums/action-items/{item.pk}/").status_code == 404
    )
    assert Client().get(f"/forums/action-items/{item.pk}/").status_code == 302
