"""The notification kinds the referrals app adds to the platform's (portal.notifications.kinds), registered when
the app is ready. Like every kind: the case by its code only, never the child's identity."""

from django.utils.translation import gettext_lazy as _


def register_kinds() -> None:
    from portal.notifications.kinds import (
        CASE_WORKER,
        COORDINATOR,
        FACILITATOR,
        LIAISON,
        register_notification_kind,
    )

    # Consent withdrawn (issue 19.2): the referral ends for both sides; it asks the agency to stop work at once.
    register_notification_kind(
        kind="referral.consent_withdrawn",
        text=_("Referral %(case)s (%(service)s) was withdrawn: the caregiver withdrew consent"),
        label=_("A referral ends because the caregiver withdrew consent"),
        audiences={CASE_WORKER, FACILITATOR, COORDINATOR, LIAISON},
        actionable=True,
        group="referral",
    )
    # Triage (issue 20): a liaison passed the handling of a referral on to another.
    register_notification_kind(
        kind="referral.claim_passed",
        text=_("You now handle referral %(case)s"),
        label=_("A colleague passes a referral on to you"),
        audiences={LIAISON},
        actionable=True,
        group="referral",
    )
    # The kecamatan facilitator reminds the agency of an overdue referral (issue 20).
    register_notification_kind(
        kind="referral.reminder",
        text=_("Reminder from the kecamatan forum: referral %(case)s (%(service)s) is waiting for you"),
        label=_("The kecamatan forum reminds you of an overdue referral"),
        audiences={LIAISON},
        actionable=True,
        group="referral",
    )


def is_urgent_child_protection(notification) -> bool:
    """True when a notification points at an urgent referral for a child-protection service: those go out at
    once even in a person's quiet hours (issue 13; portal.notifications.kinds.register_urgency_check). One
    indexed query; False for a notification about anything else."""
    from .models import Referral, Urgency

    target_id = notification.target_id or ""
    if notification.target_type != "referrals.referral" or not (target_id.isdigit() and len(target_id) <= 18):
        return False
    return Referral.objects.filter(
        pk=int(target_id), urgency=Urgency.URGENT, service__child_protection=True
    ).exists()


def register_urgency_checks() -> None:
    from portal.notifications.kinds import KINDS, register_urgency_check

    for kind in KINDS:
        if kind.startswith("referral."):
            register_urgency_check(kind=kind, check=is_urgent_child_protection)
