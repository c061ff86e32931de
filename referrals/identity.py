"""Correcting a child's identity (name, sex, birth date, NIK, caregiver, address) by the case team.

Every correction is one transaction: the case is locked, the same rules as at registration are checked, the new
values saved, and an audit entry (`case.identity_correct`, naming the fields) written with an
`IdentityCorrection` that keeps the old and new values for the team's audit page. Nothing keeps a copy of the
identity elsewhere: the referral page, letter and API read the case itself, and the app's pages are never
cached (http.py), so an agency with an open referral sees the corrected value at once."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit.services import audit_log
from portal.core.errors import Conflict

from .models import AnonymisedCase, ChildCase, IdentityCorrection
from .services import _clean_case, _team_case

CORRECTABLE = (
    "child_name",
    "sex",
    "birth_date",
    "nik",
    "caregiver_name",
    "caregiver_relation",
    "caregiver_phone",
    "address",
)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def case_correct_identity(
    *, actor, code: str, values: dict, reason: str = "", request=None
) -> IdentityCorrection | None:
    """Apply the values given (a subset of CORRECTABLE). None when nothing changed."""
    case = _team_case(actor=actor, code=code)
    case = ChildCase.objects.select_for_update().get(pk=case.pk)
    if AnonymisedCase.objects.filter(case=case).exists():
        # The identity was removed after the retention period: it is not typed back in.
        raise Conflict(_("This case was anonymised: its identity can no longer be changed."))
    changes = []
    for field in CORRECTABLE:
        if field not in values:
            continue
        new = values[field]
        if isinstance(new, str):
            new = new.strip()
        old = getattr(case, field)
        if _as_text(old) != _as_text(new):
            changes.append({"field": field, "old": _as_text(old)})
            setattr(case, field, new)
    if not changes:
        return None
    _clean_case(case)
    for change in changes:
        change["new"] = _as_text(getattr(case, change["field"]))
    changes = [c for c in changes if c["old"] != c["new"]]
    if not changes:
        return None
    case.save()
    entry = audit_log(
        actor=actor,
        action="case.identity_correct",
        target=case,
        case_code=case.code,
        fields=[c["field"] for c in changes],
        request=request,
    )
    return IdentityCorrection.objects.create(
        case=case, changes=changes, reason=(reason or "").strip(), by=actor, audit_entry=entry
    )


def corrections_by_entry(*, case: ChildCase, entry_ids) -> dict:
    """The corrections behind the audit entries of one page of the trail, by audit entry id."""
    rows = IdentityCorrection.objects.filter(case=case, audit_entry_id__in=list(entry_ids))
    return {row.audit_entry_id: row for row in rows}
