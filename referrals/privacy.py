"""Personal data protection (UU No. 27/2022, Pelindungan Data Pribadi) for a child's case: closing a case,
removing its identity after the retention period while the aggregates stay, and exporting everything held
about a child when the caregiver asks."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.models import AuditEntry
from portal.audit.services import audit_log
from portal.core.errors import Conflict, NotFound

from .models import (
    OPEN_STATUSES,
    AnonymisedCase,
    ChildCase,
    Consent,
    IdentityCorrection,
    Referral,
    ReferralEvent,
    ReferralMessage,
)
from .selectors import case_access, normalize_code

ANONYMISED = "—"

# Identity fields blanked on the case; the sex, the parent abroad, the destination country, the needs and the
# desa stay (the indicators count them). The birth date keeps its year only; the dusun becomes its desa.
CASE_BLANKED = (
    "child_name",
    "nik",
    "caregiver_name",
    "caregiver_relation",
    "caregiver_phone",
    "address",
    "notes",
)
# Free text elsewhere that may name the child or the family.
CONSENT_BLANKED = ("given_by", "relation", "withdrawal_note")
REFERRAL_BLANKED = (
    "note",
    "consent_override_reason",
    "decline_reason",
    "outcome",
    "close_reason",
    "withdraw_reason",
)


@transaction.atomic
def case_close(*, actor, code: str, request=None) -> ChildCase:
    """The case team closes a case whose referrals have all ended; the retention period starts now."""
    access = case_access(user=actor, code=code)
    if access.level != "team":
        raise NotFound()
    case = ChildCase.objects.select_for_update().get(pk=access.case.pk)
    if case.closed_at is not None:
        raise Conflict(_("This case is already closed."))
    if case.referrals.filter(status__in=OPEN_STATUSES).exists():
        raise Conflict(_("This case still has open referrals. Complete, close or withdraw them first."))
    case.closed_at = timezone.now()
    case.save(update_fields=["closed_at", "updated_at"])
    audit_log(actor=actor, action="case.close", target=case, case_code=case.code, request=request)
    return case


def cases_due_for_anonymisation(*, older_than_days: int, now=None):
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    return (
        ChildCase.objects.filter(closed_at__isnull=False, closed_at__lte=cutoff, anonymisation__isnull=True)
        .exclude(referrals__status__in=OPEN_STATUSES)
        .select_related("area", "village")
        .order_by("pk")
    )


@transaction.atomic
def case_anonymise(*, case: ChildCase, retention_days: int) -> bool:
    """Blank one case's identity. False when it was already done (or reopened meanwhile): idempotent."""
    case = ChildCase.objects.select_for_update().select_related("area", "village").get(pk=case.pk)
    if case.closed_at is None or AnonymisedCase.objects.filter(case=case).exists():
        return False
    for field in CASE_BLANKED:
        setattr(case, field, "")
    case.child_name = ANONYMISED
    case.caregiver_name = ANONYMISED
    case.birth_date = case.birth_date.replace(month=1, day=1)
    dusun = case.area if case.area_id != case.village_id else None
    case.area = case.village
    case.save()
    Referral.objects.filter(case=case).update(
        area=case.village, shared_fields=[], **{f: "" for f in REFERRAL_BLANKED}
    )
    ReferralEvent.objects.filter(referral__case=case).update(note="")
    ReferralMessage.objects.filter(referral__case=case).update(body="")
    # The old and new values kept by identity corrections: only the names of the fields stay.
    for correction in IdentityCorrection.objects.filter(case=case):
        IdentityCorrection.objects.filter(pk=correction.pk).update(
            changes=[{"field": c.get("field", "")} for c in correction.changes], reason=""
        )
    consents = Consent.objects.filter(case=case)
    consents.update(**{f: ANONYMISED if f == "given_by" else "" for f in CONSENT_BLANKED})
    AnonymisedCase.objects.create(case=case, retention_days=retention_days)
    audit_log(
        actor=None,
        action="case.anonymise",
        target=case,
        case_code=case.code,
        fields=[*CASE_BLANKED, "birth_date", *(["area"] if dusun else [])],
        surface="command",
        detail={"retention_days": retention_days},
    )
    return True


def cases_anonymise(*, older_than_days: int, now=None) -> int:
    """Anonymise every case closed at least `older_than_days` ago with no open referral. Returns how many."""
    done = 0
    for case in cases_due_for_anonymisation(older_than_days=older_than_days, now=now):
        done += case_anonymise(case=case, retention_days=older_than_days)
    return done


def _iso(value):
    if value is None:
        return None
    return value.isoformat()


@transaction.atomic
def child_data_export(*, code: str, actor=None, request=None) -> dict:
    """Everything Pelita holds about one child, for the caregiver's request (the right of access). Audited."""
    case = (
        ChildCase.objects.select_related("area", "village", "created_by")
        .prefetch_related("needs", "team__user")
        .filter(code=normalize_code(code))
        .first()
    )
    if case is None:
        raise NotFound(_("There is no case with this code."))
    referrals = (
        Referral.objects.filter(case=case)
        .select_related("agency", "service")
        .prefetch_related("events__by", "messages__author")
        .order_by("created_at", "pk")
    )
    consents = Consent.objects.filter(case=case).prefetch_related("agencies").order_by("given_on", "pk")
    data = {
        "exported_at": _iso(timezone.now()),
        "case": {
            "code": case.code,
            "child_name": case.child_name,
            "sex": case.sex,
            "birth_date": _iso(case.birth_date),
            "nik": case.nik,
            "area": case.area.code,
            "area_name": case.area.name,
            "caregiver_name": case.caregiver_name,
            "caregiver_relation": case.caregiver_relation,
            "caregiver_phone": case.caregiver_phone,
            "address": case.address,
            "parent_abroad": case.parent_abroad,
            "destination_country": case.destination_country,
            "abroad_since": _iso(case.abroad_since),
            "needs": sorted(s.slug for s in case.needs.all()),
            "notes": case.notes,
            "registered_by": case.created_by.username,
            "registered_at": _iso(case.created_at),
            "closed_at": _iso(case.closed_at),
            "anonymised": AnonymisedCase.objects.filter(case=case).exists(),
            "team": sorted(m.user.username for m in case.team.all()),
        },
        "consents": [
            {
                "given_by": c.given_by,
                "relation": c.relation,
                "given_on": _iso(c.given_on),
                "agencies": sorted(a.name for a in c.agencies.all()),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in consents
        ],
        "referrals": [
            {
                "id": r.pk,
                "agency": r.agency.name,
                "service": r.service.slug,
                "status": r.status,
                "urgency": r.urgency,
                "note": r.note,
                "shared_fields": list(r.shared_fields),
                "sent_at": _iso(r.sent_at),
                "outcome": r.outcome,
                "history": [
                    {
                        "action": e.action,
                        "status": e.status,
                        "by": e.by.username if e.by else None,
                        "at": _iso(e.at),
                        "note": e.note,
                    }
                    for e in r.events.all()
                ],
                "messages": [
                    {"author": m.author.username, "body": m.body, "created_at": _iso(m.created_at)}
                    for m in r.messages.all()
                ],
            }
            for r in referrals
        ],
        "identity_corrections": [
            {"at": _iso(c.at), "by": c.by.username, "changes": c.changes, "reason": c.reason}
            for c in IdentityCorrection.objects.filter(case=case).select_related("by").order_by("at", "pk")
        ],
        # Who saw or changed the child's data, and when (names of fields, never their values).
        "access_log": [
            {
                "at": _iso(a.at),
                "who": a.actor_name,
                "action": a.action,
                "fields": a.fields,
                "surface": a.surface,
            }
            for a in AuditEntry.objects.filter(case_code=case.code).order_by("at", "pk")
        ],
    }
    audit_log(
        actor=actor,
        action="case.export",
        target=case,
        case_code=case.code,
        fields=["all"],
        surface="export",
        request=request,
    )
    return data
