"""The dashboard's one seam to the referrals product (pyproject's import contract names only this module): the
case and referral models and the selectors the coordination reports read. Everything else in the dashboard imports
them from here, so what the dashboard depends on in referrals is listed in one place."""

from referrals.models import IDENTITY_FIELDS, ChildCase, DeclineReason, Referral, Status
from referrals.selectors import cases_for_team, overdue_q

__all__ = [
    "IDENTITY_FIELDS",
    "ChildCase",
    "DeclineReason",
    "Referral",
    "Status",
    "cases_for_team",
    "overdue_q",
]
