"""Meetings' rules: scheduling (WITA, validation, who is told), the agenda (a thread on the next meeting's agenda),
attendance counts, minutes drafted then published as a post of a "meeting" thread and edited with history, the
case-code rule in minutes, decisions and action items, and proposals to the village plan with the selector that
the commitments app reads."""

import datetime as dt

import pytest

from forums.meetings import services
from forums.meetings.models import Meeting, ProposalStatus
from forums.meetings.selectors import accepted_proposals, meeting_attendance
from forums.models import PostRevision, Thread
from portal.core.errors import Conflict, InvalidInput
from portal.core.workdays import WITA
from portal.notifications.models import Notification

from .conftest import wita

pytestmark = pytest.mark.django_db


def test_schedule_in_wita_notifies_the_forums_own_people(mworld):
    users, forum = mworld["users"], mworld["forums"]["desa"]
    meeting = services.meeting_schedule(forum=forum, actor=users["fasilitator_jago"], title="Musyawarah desa",
                                        starts_at="2030-03-02T09:00", place="Aula desa",
                                        agenda=["Data anak", " ", "Usulan RKPDes"])  # fmt: skip
    assert meeting.starts_at == dt.datetime(2030, 3, 2, 9, 0, tzinfo=WITA)
    assert [a.title for a in meeting.agenda_items.all()] == ["Data anak", "Usulan RKPDes"]
    told = set(
        Notification.objects.filter(kind="meeting.scheduled").values_list("recipient__username", flat=True)
    )
    assert told == {"kader_jago", "pendamping_jago"}  # not the actor, not the overseers above
    text = Notification.objects.filter(kind="meeting.scheduled").first().params["when"]
    assert text.endswith("09:00 WITA")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("title", {"title": "Rap"}),
        ("starts_at", {"starts_at": "kemarin"}),
        ("starts_at", {"starts_at": "1800-01-01T09:00"}),
        ("place", {"place": ""}),
        ("ends_at", {"ends_at": "2030-03-02T08:00"}),
        ("agenda", {"agenda": ["x" * 201]}),
        ("title", {"title": "Rapat tentang 5202011234567890 anak"}),
        ("threads", {"thread_ids": [987654321]}),
    ],
)
def test_schedule_refuses_bad_input_with_the_field_named(mworld, field, kwargs):
    base = {"title": "Musyawarah desa", "starts_at": "2030-03-02T09:00", "place": "Aula desa"}
    with pytest.raises(InvalidInput) as exc:
        services.meeting_schedule(forum=mworld["forums"]["desa"], actor=mworld["users"]["fasilitator_jago"],
                                  **{**base, **kwargs})  # fmt: skip
    assert field in exc.value.errors


def test_the_same_form_twice_schedules_once(mworld):
    args = {"forum": mworld["forums"]["desa"], "actor": mworld["users"]["fasilitator_jago"], "title": "Rapat desa",
            "starts_at": wita(3), "place": "Balai", "client_token": "abc"}  # fmt: skip
    assert services.meeting_schedule(**args) == services.meeting_schedule(**args)


def test_a_thread_goes_on_the_next_meetings_agenda_once(mworld):
    users, forum = mworld["users"], mworld["forums"]["desa"]
    thread = Thread.objects.create(forum=forum, title="Beasiswa PIP", author=users["kader_jago"],
                                   last_post_at=mworld["meetings"]["desa"].starts_at)  # fmt: skip
    with pytest.raises(Conflict):  # the fixture's meeting is past: nothing is scheduled
        services.thread_put_on_agenda(thread=thread, actor=users["fasilitator_jago"])
    later = services.meeting_schedule(forum=forum, actor=users["fasilitator_jago"], title="Rapat berikut",
                                      starts_at=wita(20), place="Balai")  # fmt: skip
    sooner = services.meeting_schedule(forum=forum, actor=users["fasilitator_jago"], title="Rapat dulu",
                                       starts_at=wita(6), place="Balai", agenda=["Pembukaan"])  # fmt: skip
    item = services.thread_put_on_agenda(thread=thread, actor=users["fasilitator_jago"])
    assert item.meeting == sooner and item.position == 2 and item.thread == thread
    assert services.thread_put_on_agenda(thread=thread, actor=users["fasilitator_jago"]) == item
    assert not later.agenda_items.exists()


def test_attendance_counts_add_up(mworld):
    meeting, actor = mworld["meetings"]["desa"], mworld["users"]["fasilitator_jago"]
    good = {"female": 78, "male": 45, "adults": 110, "children": 13, "village_government": 6, "health": 4,
            "education": 5, "religious_leaders": 3, "cso": 7, "agency": 9}  # fmt: skip
    for bad, field in (({**good, "adults": 100}, "adults"), ({**good, "cso": 200}, "village_government"),
                       ({"female": 0, "male": 0}, "female"), ({**good, "male": -1}, "male"),
                       ({**good, "female": "banyak"}, "female")):  # fmt: skip
        with pytest.raises(InvalidInput) as exc:
            services.attendance_record(meeting=meeting, actor=actor, counts=bad)
        assert field in exc.value.errors
    services.attendance_record(meeting=meeting, actor=actor, counts=good,
                               attendee_ids=[mworld["users"]["kader_jago"].pk])  # fmt: skip
    meeting = Meeting.objects.get(pk=meeting.pk)
    attendance = meeting_attendance(meeting)
    assert attendance.total == 123 and (attendance.female, attendance.male) == (78, 45)
    assert meeting.status == "held" and list(meeting.attendees.all()) == [mworld["users"]["kader_jago"]]
    with pytest.raises(InvalidInput):  # only people of the forum can be named
        services.attendance_record(meeting=meeting, actor=actor, counts=good,
                                   attendee_ids=[mworld["users"]["kader_sukaraja"].pk])  # fmt: skip


def test_nothing_is_recorded_before_the_day_or_for_a_cancelled_meeting(mworld):
    users, forum = mworld["users"], mworld["forums"]["desa"]
    future = services.meeting_schedule(forum=forum, actor=users["fasilitator_jago"], title="Rapat nanti",
                                       starts_at=wita(2), place="Balai")  # fmt: skip
    with pytest.raises(Conflict):
        services.decision_add(meeting=future, actor=users["fasilitator_jago"], text="Keputusan.")
    services.meeting_cancel(meeting=future, actor=users["fasilitator_jago"])
    assert Notification.objects.filter(kind="meeting.cancelled").exists()
    with pytest.raises(Conflict):
        services.minutes_save(
            meeting=Meeting.objects.get(pk=future.pk), actor=users["fasilitator_jago"], body="x" * 5
        )


def test_minutes_draft_publish_and_edit_with_history(mworld):
    meeting, actor = mworld["meetings"]["desa"], mworld["users"]["fasilitator_jago"]
    services.minutes_save(meeting=meeting, actor=actor, body="Draf **notulen**.")
    meeting.refresh_from_db()
    assert meeting.minutes_draft == "Draf **notulen**." and meeting.minutes_post is None
    assert not Thread.objects.filter(kind="meeting").exists()
    services.minutes_save(meeting=meeting, actor=actor, body="Notulen <script>alert(1)</script> **final**.",
                          publish=True)  # fmt: skip
    meeting.refresh_from_db()
    post = meeting.minutes_post
    assert post.thread.kind == "meeting" and post.thread.forum == meeting.forum and post.number == 1
    assert "<script>" not in post.body_html and "<strong>final</strong>" in post.body_html
    assert meeting.minutes_draft == ""
    assert Notification.objects.filter(kind="meeting.minutes", recipient__username="kader_jago").exists()
    services.minutes_save(meeting=meeting, actor=actor, body="Notulen yang diperbaiki.")
    post.refresh_from_db()
    assert post.body == "Notulen yang diperbaiki." and post.edited_at is not None
    assert list(PostRevision.objects.filter(post=post).values_list("body", flat=True)) == [
        "Notulen <script>alert(1)</script> **final**."
    ]
    assert Thread.objects.filter(kind="meeting").count() == 1


def test_minutes_follow_the_case_code_rule(mworld):
    meeting, actor = mworld["meetings"]["desa"], mworld["users"]["fasilitator_jago"]
    with pytest.raises(InvalidInput) as exc:
        services.minutes_save(
            meeting=meeting, actor=actor, body="Anak dengan NIK 5202014501170003 belum punya KIA."
        )
    assert "NIK" in exc.value.errors["body"][0]
    with pytest.raises(InvalidInput) as exc:  # a case the writer cannot see is not named
        services.minutes_save(meeting=meeting, actor=actor, body="Kasus APM-5202-99999 dibahas.")
    assert "body" in exc.value.errors
    meeting.refresh_from_db()
    assert meeting.minutes_draft == ""


def test_meeting_threads_cannot_be_made_by_hand(mworld):
    from forums.services import thread_create

    with pytest.raises(InvalidInput) as exc:
        thread_create(forum=mworld["forums"]["desa"], author=mworld["users"]["kader_jago"], title="Notulen palsu",
                      body="Isi notulen.", kind="meeting")  # fmt: skip
    assert "kind" in exc.value.errors


def test_action_item_rules(mworld):
    users, agencies, meeting = mworld["users"], mworld["agencies"], mworld["meetings"]["dusun"]
    decision = services.decision_add(meeting=meeting, actor=users["fasilitator_jago"], text="Keputusan.")
    cases = [
        ({"title": "Surat", "owner_ids": [], "due_on": wita(3).date()}, "owners"),
        ({"title": "Surat", "owner_ids": [users["kader_sukaraja"].pk], "due_on": wita(3).date()}, "owners"),
        ({"title": "Surat", "owner_ids": [users["kader_jago"].pk], "due_on": wita(-30).date()}, "due_on"),
        ({"title": "Surat", "owner_ids": [users["kader_jago"].pk], "due_on": "31/12/2026"}, "due_on"),
        ({"title": "Su", "owner_ids": [users["kader_jago"].pk], "due_on": wita(3).date()}, "title"),
        ({"title": "Surat", "agency_id": 987654, "due_on": wita(3).date()}, "agency"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInput) as exc:
            services.action_item_add(decision=decision, actor=users["fasilitator_jago"], **kwargs)
        assert field in exc.value.errors, kwargs
    item = services.action_item_add(decision=decision, actor=users["fasilitator_jago"], title="Layanan akta",
                                    owner_ids=[users["kader_jago"].pk], due_on=wita(3).date(),
                                    agency_id=agencies["Dinas Dukcapil Kab. Lombok Tengah"].pk)  # fmt: skip
    told = set(
        Notification.objects.filter(kind="meeting.action_assigned").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"kader_jago", "dukcapil_loteng_1", "dukcapil_loteng_2"}
    assert item.forum == meeting.forum and item.meeting == meeting


def test_proposals_to_the_village_plan(mworld):
    users, forums = mworld["users"], mworld["forums"]
    dusun = services.proposal_submit(forum=forums["dusun"], actor=users["fasilitator_jago"],
                                     title="Layanan akta keliling", description="Dukcapil datang ke desa.",
                                     estimated_cost_idr="7.500.000", service_slugs=["akta-kelahiran", "kia"],
                                     plan_year=2031)  # fmt: skip
    assert dusun.village == forums["desa"].area and dusun.estimated_cost_idr == 7_500_000
    assert (
        Notification.objects.filter(
            kind="meeting.proposal_submitted", recipient__username="fasilitator_jago"
        ).count()
        == 0
    )  # the actor
    with pytest.raises(InvalidInput) as exc:
        services.proposal_submit(forum=forums["dusun"], actor=users["fasilitator_jago"], title="Usulan",
                                 description="Deskripsi usulan.", estimated_cost_idr="banyak", service_slugs=["x"])  # fmt: skip
    assert {"estimated_cost_idr", "services"} <= set(exc.value.errors)
    with pytest.raises(Conflict):
        services.proposal_submit(forum=forums["kec"], actor=users["fasilitator_praya"], title="Usulan kecamatan",
                                 description="Bukan untuk RKPDes.", estimated_cost_idr=1)  # fmt: skip
    with pytest.raises(InvalidInput):  # not accepted needs a reason
        services.proposal_decide(proposal_id=dusun.pk, actor=users["fasilitator_jago"], action="not_accept")
    from portal.core.errors import Forbidden, NotFound

    with pytest.raises(NotFound):
        services.proposal_decide(proposal_id=dusun.pk, actor=users["kader_sukaraja"], action="accept")
    with pytest.raises(Forbidden):
        services.proposal_decide(proposal_id=dusun.pk, actor=users["kader_jago"], action="accept")
    services.proposal_decide(proposal_id=dusun.pk, actor=users["fasilitator_jago"], action="accept")
    with pytest.raises(Conflict):
        services.proposal_decide(proposal_id=dusun.pk, actor=users["fasilitator_jago"], action="accept")
    assert Notification.objects.filter(
        kind="meeting.proposal_accepted", recipient__username="kader_jago"
    ).exists()
    other = services.proposal_submit(forum=forums["desa"], actor=users["fasilitator_jago"], title="Kelas parenting",
                                     description="Empat kelas setahun.", estimated_cost_idr=12_000_000,
                                     plan_year=2031)  # fmt: skip
    services.proposal_decide(proposal_id=other.pk, actor=users["fasilitator_jago"], action="not_accept",
                             reason="Sudah didanai kabupaten.")  # fmt: skip
    assert other.__class__.objects.get(pk=other.pk).status == ProposalStatus.NOT_ACCEPTED
    for area in (forums["desa"].area, forums["kec"].area, mworld["areas"]["52"]):
        assert list(accepted_proposals(area=area, year=2031)) == [dusun]
    assert list(accepted_proposals(area=forums["desa"].area, year=2030)) == []
    assert list(accepted_proposals(area=forums["sukaraja"].area, year=2031)) == []
