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
