"""Quiet hours never hold back an urgent child-protection referral (issue 13): the referrals app tells the
notification channels which notices are urgent, from the referral the notice points at."""

import pytest

from portal.notifications.kinds import KINDS, is_urgent_kind
from portal.notifications.models import Notification
from referrals.services import referral_create

pytestmark = pytest.mark.django_db

REASON = "Pengasuh diduga pelaku kekerasan; meminta persetujuan membahayakan anak."


def _sent_notice(referral):
    """The notice notify() stores for a new referral, its target found from the link as notify() does."""
    from django.urls import reverse

    from portal.notifications.targets import target_of

    target_type, target_id = target_of(reverse("referrals:referral_detail", kwargs={"pk": referral.pk}))
    return Notification(kind="referral.sent", target_type=target_type, target_id=target_id)


def test_only_urgent_child_protection_referrals_pass_quiet_hours(jago):
    from referrals.kinds import register_urgency_checks

    register_urgency_checks()  # as at start-up (another test may have replaced a check meanwhile)
    routine = referral_create(
        actor=jago["worker"],
        code=jago["case"].code,
        agency=jago["dukcapil"],
        service=jago["akta"],
        note="Akta",
    )
    urgent = referral_create(
        actor=jago["worker"],
        code=jago["case"].code,
        agency=jago["ppa"],
        service=jago["protection"],
        note="Segera",
        urgency="urgent",
        consent_override_reason=REASON,
    )
    notices = {"routine": _sent_notice(routine), "urgent": _sent_notice(urgent)}
    assert {name: is_urgent_kind(n) for name, n in notices.items()} == {"routine": False, "urgent": True}
    # Every referral kind asks the same question; other kinds are never urgent.
    for kind in KINDS:
        fake = Notification(kind=kind, target_type="referrals.referral", target_id=str(urgent.pk))
        assert is_urgent_kind(fake) is kind.startswith("referral.")
    assert not is_urgent_kind(
        Notification(kind="referral.sent", target_type="referrals.referral", target_id="9" * 40)
    )
