"""Working days (Mon–Fri WITA minus Indonesian public holidays), deadlines and sweep_overdue."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.core.workdays import WITA, add_working_days, days_overdue, is_working_day, response_deadline
from portal.notifications.models import Notification
from referrals.models import Referral, ReferralEvent
from referrals.selectors import needs_attention_for_area
from referrals.services import referral_transition

# 2026: Mon 17 Aug is Independence Day; Fri 25 Dec Christmas.


def test_working_days():
    assert is_working_day(dt.date(2026, 11, 24))  # a Tuesday
    assert not is_working_day(dt.date(2026, 11, 28))  # Saturday
    assert not is_working_day(dt.date(2026, 8, 17))  # Hari Kemerdekaan
    assert add_working_days(dt.date(2026, 11, 27), 1) == dt.date(2026, 11, 30)  # Fri → Mon
    assert add_working_days(dt.date(2026, 8, 14), 1) == dt.date(2026, 8, 18)  # skips the holiday Monday
    assert add_working_days(dt.date(2026, 12, 23), 3) == dt.date(2026, 12, 29)  # Christmas and the weekend


def test_deadline_is_end_of_the_third_working_day_in_wita():
    # Sent on Friday 27 Nov 2026 at 16:00 WITA (08:00 UTC): due at the end of Wednesday 2 Dec, WITA.
    sent = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
    due = response_deadline(sent, working_days=3)
    assert due.astimezone(WITA).date() == dt.date(2026, 12, 2)
    assert (due.astimezone(WITA).hour, due.astimezone(WITA).minute) == (23, 59)
    # Late on Friday evening UTC is already Saturday in WITA: the count starts from Saturday.
    assert response_deadline(
        dt.datetime(2026, 11, 27, 17, 0, tzinfo=dt.UTC), working_days=1
    ).date() == dt.date(2026, 11, 30)
    assert days_overdue(due, due) == 0
    assert days_overdue(due, dt.datetime(2026, 12, 3, 9, 0, tzinfo=WITA)) == 1
    assert days_overdue(due, dt.datetime(2026, 12, 7, 9, 0, tzinfo=WITA)) == 5  # calendar days


def _send_at(jago, moment, *, urgency="routine", service="akta", agency="dukcapil"):
    from referrals.services import referral_create

    r = referral_create(
        actor=jago["worker"],
        code=jago["case"].code,
        agency=jago[agency],
        service=jago[service],
        note="x",
        urgency=urgency,
    )
    due = response_deadline(moment, working_days=3 if urgency == "routine" else 1)
    Referral.objects.filter(pk=r.pk).update(
        sent_at=moment,
        due_at=due,
        completion_due_at=moment + dt.timedelta(days=jago[service].completion_days),
    )
    return Referral.objects.get(pk=r.pk)


def test_sweep_raises_once_on_working_days_and_notifies_the_kecamatan(jago):
    praya = jago["users"]["fasilitator_praya"]
    # Sent Friday 27 Nov 2026 (WITA): due end of Wednesday 2 Dec.
    r = _send_at(jago, dt.datetime(2026, 11, 27, 10, 0, tzinfo=WITA))
    out = StringIO()
    call_command("sweep_overdue", "--as-of", "2026-12-02", stdout=out)  # deadline not passed yet
    assert "Raised 0" in out.getvalue()
    assert Referral.objects.get(pk=r.pk).overdue_raised_at is None
    call_command("sweep_overdue", "--as-of", "2026-12-03", stdout=out)
    r.refresh_from_db()
    assert r.overdue_raised_at is not None
    notes = Notification.objects.filter(kind="referral.overdue")
    assert set(notes.values_list("recipient__username", flat=True)) == {
        "fasilitator_praya",
        "pendamping_jago",
    }
    assert r.case.code in notes.get(recipient=praya).text
    assert "Lalu" not in notes.get(recipient=praya).text
    # Idempotent: a second sweep, later, raises nothing again.
    call_command("sweep_overdue", "--as-of", "2026-12-10", stdout=out)
    assert notes.count() == 2
    assert ReferralEvent.objects.filter(referral=r, action="overdue").count() == 1
    # The kecamatan forum's needs-attention list shows it (as of a day after the deadline), without identity.
    items = needs_attention_for_area(
        area=jago["areas"]["52.02.01"], now=dt.datetime(2026, 12, 7, 9, tzinfo=WITA)
    )
    assert items == [
        {
            "code": r.case.code,
            "service": r.service.name,
            "agency": "Dinas Dukcapil Kab. Lombok Tengah",
            "days_overdue": 5,
            "days_waiting": 9,
            "url": f"/cases/attention/{r.pk}/",
            "case_url": f"/cases/{r.case.code}/",
        }
    ]
    # Not in the desa's, the kabupaten's or another kecamatan's list.
    for code in ("52.02.01.2013", "52.02", "52.02.06"):
        from portal.areas.models import Area

        assert needs_attention_for_area(area=Area.objects.get(code=code)) == []
    # Once the agency answers, it leaves the list.
    referral_transition(actor=jago["users"]["dukcapil_loteng_1"], referral_id=r.pk, action="accept")
    assert needs_attention_for_area(area=jago["areas"]["52.02.01"]) == []


def test_sweep_counts_holidays(jago):
    # Sent Friday 14 Aug 2026: Mon 17 Aug is a holiday, so 3 working days end on Thursday 20 Aug.
    r = _send_at(jago, dt.datetime(2026, 8, 14, 10, 0, tzinfo=WITA))
    call_command("sweep_overdue", "--as-of", "2026-08-20", stdout=StringIO())
    assert Referral.objects.get(pk=r.pk).overdue_raised_at is None
    call_command("sweep_overdue", "--as-of", "2026-08-21", stdout=StringIO())
    assert Referral.objects.get(pk=r.pk).overdue_raised_at is not None


def test_urgent_is_one_working_day_and_completion_targets_are_swept(jago):
    from referrals.services import referrals_sweep_overdue

    r = _send_at(jago, dt.datetime(2026, 11, 27, 10, 0, tzinfo=WITA), urgency="urgent")
    assert r.due_at.astimezone(WITA).date() == dt.date(2026, 11, 30)
    referral_transition(actor=jago["users"]["dukcapil_loteng_1"], referral_id=r.pk, action="accept")
    # Birth certificate: 14 days from sending.
    assert referrals_sweep_overdue(as_of=dt.date(2026, 12, 11)) == {"response": 0, "completion": 0}
    assert referrals_sweep_overdue(as_of=dt.date(2026, 12, 12)) == {"response": 0, "completion": 1}
    assert referrals_sweep_overdue(as_of=dt.date(2026, 12, 20)) == {"response": 0, "completion": 0}


def test_bad_as_of():
    with pytest.raises(CommandError):
        call_command("sweep_overdue", "--as-of", "tomorrow")
