"""The demo's year of meetings (every state of an action item, one raised from Dusun Jago Timur to Desa Jago, one
from Desa Jago to Kec. Praya, one taken over; idempotent), and the dashboard section over it: the figures, the page
with its charts, the exports, and the public figures suppressed as the public indicators are."""

import pytest
from django.core.cache import cache

from forums.meetings import demo as meetings_demo
from forums.meetings.models import ActionItem, Meeting, Proposal
from forums.meetings.reporting import _public_dataset, figures, public_figures
from forums.selectors import forum_needs_attention
from portal.core.suppression import SMALL_MAX

from .conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo):
    from forums import demo as forums_demo

    cache.clear()
    forums_demo.seed(demo)
    meetings_demo.seed(demo)
    return demo


def test_demo_year_with_every_state_and_idempotent(seeded):
    counts = (Meeting.objects.count(), ActionItem.objects.count(), Proposal.objects.count())
    assert (
        Meeting.objects.filter(status="held").count() >= 10
        and Meeting.objects.filter(status="scheduled").count() >= 3
    )
    assert set(ActionItem.objects.values_list("status", flat=True)) == {
        "open",
        "done",
        "dropped",
        "taken_over",
    }
    jago = forum_needs_attention(forum=seeded["areas"]["52.02.01.2013"].forum)["action_items"]
    assert [i.forum.area.name for i in jago] == ["Jago Timur"]
    praya = forum_needs_attention(forum=seeded["areas"]["52.02.01"].forum)["action_items"]
    assert [i.forum.area.code for i in praya] == ["52.02.01.2013"]
    taken = ActionItem.objects.get(status="taken_over")
    assert taken.forum.area.name == "Jago Barat" and taken.successor.forum.area.code == "52.02.01.2013"
    assert Meeting.objects.filter(
        minutes_post__isnull=False, title__startswith="Kecamatan"
    ).exists()  # English
    assert set(Proposal.objects.values_list("status", flat=True)) == {"submitted", "accepted", "not_accepted"}
    meetings_demo.seed(seeded)
    assert (Meeting.objects.count(), ActionItem.objects.count(), Proposal.objects.count()) == counts


def test_figures_for_the_kecamatan(seeded):
    data = figures(area=seeded["areas"]["52.02.01"])
    held = Meeting.objects.filter(status="held")
    assert data["meetings_held"] == held.count()
    assert sum(r["held"] for r in data["by_quarter"]) <= data["meetings_held"]
    assert data["attendance"]["total"] == data["attendance"]["female"] + data["attendance"]["male"]
    assert data["attendance"]["total"] == data["attendance"]["adults"] + data["attendance"]["children"]
    items = data["action_items"]
    assert items["done"] == ActionItem.objects.filter(status="done").count() and items["overdue"] >= 2
    assert data["median_days_to_done"] is not None and data["median_days_to_done"] > 0
    assert data["proposals"] == {"submitted": 4, "accepted": 2, "not_accepted": 1, "waiting": 1,
                                 "accepted_cost_idr": 19_500_000}  # fmt: skip
    (desa,) = [r for r in data["breakdown"] if r["area"] == "52.02.01.2013"]
    assert desa["meetings_held"] == held.exclude(forum__area__code="52.02.01").count()
    desa_only = figures(area=seeded["areas"]["52.02.01.2013"])
    assert {r["name"] for r in desa_only["breakdown"]} >= {"Dusun Jago Timur", "Desa Jago"}


def test_dashboard_page_export_and_api_show_the_section(seeded, token_for):
    client = login(seeded["users"]["koordinator_ntb"])
    html = client.get("/dashboard/?area=52.02.01").content.decode()
    assert 'id="h-meetings"' in html and "chart-meetings-attendance" in html and "P:" in html
    csv = client.get("/dashboard/export.csv?area=52.02.01").content.decode("utf-8-sig")
    assert (
        "Meetings held per area and quarter" in csv or "Rapat yang diadakan per wilayah dan triwulan" in csv
    )
    body = client.get(
        "/api/v1/indicators?area=52.02.01", HTTP_AUTHORIZATION=token_for(seeded["users"]["koordinator_ntb"])
    ).json()
    assert body["sections"]["meetings"]["meetings_held"] == Meeting.objects.filter(status="held").count()


def test_public_figures_are_suppressed(seeded):
    data = _public_dataset()
    for value in data.values():
        assert value is None or value == "<5" or value == 0 or value > SMALL_MAX
    kab = public_figures(area=seeded["areas"]["52.02"])
    assert {"meetings_held", "action_items_done", "breakdown"} <= set(kab)
    done = ActionItem.objects.filter(status="done").count()
    assert 1 <= done <= SMALL_MAX or kab["action_items_done"] in (done, None)
    praya = [r for r in kab["breakdown"] if r["area"] == "52.02.01"][0]
    assert praya["meetings_held"] in (Meeting.objects.filter(status="held").count(), None)
    html = login(seeded["users"]["kader_jago"]).get("/dashboard/public/?area=52.02").content.decode()
    assert "Action items done" in html or "Tindak lanjut selesai" in html


def test_small_counts_are_never_published(demo):
    """One meeting held in Praya: the kecamatan, kabupaten, province and country all show "<5"."""
    from forums.meetings.services import attendance_record, meeting_schedule
    from forums.services import forum_ensure

    from .conftest import wita

    cache.clear()
    forum = forum_ensure(area=demo["areas"]["52.02.01"])
    meeting = meeting_schedule(forum=forum, actor=demo["users"]["fasilitator_praya"], title="Rapat kecamatan",
                               starts_at=wita(-1), place="Kantor camat")  # fmt: skip
    attendance_record(
        meeting=meeting, actor=demo["users"]["fasilitator_praya"], counts={"female": 1, "adults": 1}
    )
    for code in ("52.02.01", "52.02", "52"):
        assert public_figures(area=demo["areas"][code])["meetings_held"] == "<5"
    assert public_figures(area=None)["meetings_held"] == "<5"


def test_cached_figures_follow_every_write(mworld, django_capture_on_commit_callbacks):
    """Warm the section's figures, write through each service, read again: the change is visible at once."""
    from forums.meetings import services

    from .conftest import wita

    users, area = mworld["users"], mworld["areas"]["52.02.01"]
    fac, meeting = users["fasilitator_jago"], mworld["meetings"]["desa"]
    state = {}

    def write_attendance():
        services.attendance_record(meeting=meeting, actor=fac, counts={"female": 2, "male": 1, "adults": 3})

    def write_item():
        decision = services.decision_add(meeting=meeting, actor=fac, text="Keputusan.")
        state["item"] = services.action_item_add(decision=decision, actor=fac, title="Tugas baru",
                                                 owner_ids=[users["kader_jago"].pk], due_on=wita(3).date())  # fmt: skip

    def write_done():
        services.action_item_transition(item_id=state["item"].pk, actor=fac, action="done", note="Selesai.")

    def write_proposal():
        services.proposal_submit(forum=meeting.forum, actor=fac, title="Usulan baru", description="Kelas parenting.",
                                 estimated_cost_idr=1000)  # fmt: skip

    steps = [
        (write_attendance, lambda f: f["meetings_held"]),
        (write_item, lambda f: f["action_items"]["open"]),
        (write_done, lambda f: f["action_items"]["done"]),
        (write_proposal, lambda f: f["proposals"]["submitted"]),
    ]
    for write, read in steps:
        before = read(figures(area=area))
        assert read(figures(area=area)) == before  # warm
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert read(figures(area=area)) == before + 1, write.__name__
