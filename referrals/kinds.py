"""The notification kinds the referrals app adds to the platform's (portal.notifications.kinds), registered when
the app is ready. Like every kind: the case by its code only, never the child's identity."""

from django.utils.translation import gettext_lazy as _

# kind: (text, label on the preferences page)
REFERRAL_KINDS = {
    "referral.consent_withdrawn": (
        _("Referral %(case)s (%(service)s) was withdrawn: the caregiver withdrew consent"),
        _("A referral ends because the caregiver withdrew consent"),
    ),
}


def register_kinds() -> None:
    from portal.notifications.kinds import KIND_LABELS, KINDS

    for kind, (text, label) in REFERRAL_KINDS.items():
        KINDS.setdefault(kind, text)
        KIND_LABELS.setdefault(kind, label)
