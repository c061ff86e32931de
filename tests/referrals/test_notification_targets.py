"""A notification about a case is shown exactly to those who may open the case (issue 18.4): the subquery the
notification list filters by (cases_visible_codes) agrees with case_access() for every demo account and every
demo case, so an overdue referral raised to a kecamatan facilitator reaches him, and nothing reaches anyone else."""

import pytest

from portal.core.errors import NotFound
from referrals.models import ChildCase
from referrals.selectors import case_access, cases_visible_codes

pytestmark = pytest.mark.django_db


def test_notification_visibility_of_cases_matches_case_access(demo_full):
    cases = list(ChildCase.objects.select_related("village"))
    assert cases, "the demo has cases"
    disagreements = []
    for name, user in demo_full["users"].items():
        listed = {row["code"] for row in cases_visible_codes(user)}
        for case in cases:
            try:
                case_access(user=user, code=case.code)
                opens = True
            except NotFound:
                opens = False
            # A liaison keeps seeing the notification of a referral closed since (the case page then says
            # so): listing more than case_access for a liaison's own referral is allowed, never for others.
            if opens and case.code not in listed:
                disagreements.append((name, case.code, "may open, notification hidden"))
            if (
                not opens
                and case.code in listed
                and not case.referrals.filter(agency__group__user=user).exists()
            ):
                disagreements.append((name, case.code, "notification shown, may not open"))
    assert disagreements == []
