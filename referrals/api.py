"""API v1: cases, consents, referrals, transitions and the referral's private thread (API.md).

Endpoints parse input, call one service or selector and shape the answer. Identity fields are only in the
answer for those entitled to them, and every answer that carries them writes an audit entry."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from portal.agencies.models import Agency, Service
from portal.areas.models import Area
from portal.audit.services import audit_log
from portal.core.errors import Forbidden, InvalidInput
from portal.core.pagination import paginate
from portal.core.schemas import Date, Id, Line, Text

from . import selectors, services
from .http import no_store
from .transitions import actions_for

router = Router(tags=["referrals"])
# Every answer of this router (cases, consents, referrals, messages; errors too) is Cache-Control: no-store,
# private: most carry a child's identity or a caregiver's name, and a new operation is covered (issue 19.6).
router.add_decorator(no_store, mode="view")


# Generic limits (portal.core.schemas: dates 1900–2100, text lengths); the referrals rules of sense (no birth
# date in the future, no consent before birth) and tighter lengths are the services'.
class CaseIn(Schema):
    child_name: Line(120)
    sex: Line(1)
    birth_date: Date
    nik: Line(24) = ""
    area: Line(30)
    caregiver_name: Line(120)
    caregiver_relation: Line(60)
    caregiver_phone: Line(30) = ""
    address: Line(200) = ""
    parent_abroad: Line(10)
    destination_country: Line(60)
    abroad_since: Date | None = None
    needs: list[Line(40)] = []
    notes: Text(4000) = ""


class ConsentIn(Schema):
    given_by: Line(120)
    relation: Line(60)
    agencies: list[Id]
    given_on: Date | None = None


class ReferralIn(Schema):
    case: Line(20)
    agency: Id
    service: Line(40)
    note: Text(4000) = ""
    urgency: Line(10) = "routine"
    consent_override_reason: Text(2000) = ""


class TransitionIn(Schema):
    action: Line(20)
    note: Text(4000) = ""
    outcome: Text(4000) = ""
    # For "decline" (issue 20): not_our_service, incomplete_documents, wrong_area, duplicate, other (default).
    decline_category: Line(24) = ""


class MessageIn(Schema):
    body: Text(4000)


class ReferralFilters(Schema):
    status: str = ""
    service: str = ""
    overdue: bool | None = None
    page: int = 1
    page_size: int = 20


class PageFilters(Schema):
    page: int = 1
    page_size: int = 50


def _services_by_slug(slugs: list[str], *, field: str) -> list[Service]:
    found = {s.slug: s for s in Service.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        msg = _("Unknown service: %(slug)s.") % {"slug": ", ".join(unknown)}
        raise InvalidInput(msg, errors={field: [msg]})
    return [found[s] for s in slugs]


def case_out(access: selectors.CaseAccess) -> dict:
    case = access.case
    out = {
        "code": case.code,
        "area": case.village.code,
        "needs": [s.slug for s in selectors.case_needs_seen(access=access)],
        "created_at": case.created_at,
        "referrals": [
            {"id": r.pk, "service": r.service.slug, "agency": r.agency_id, "status": r.status}
            for r in selectors.case_referrals_seen(access=access)
        ],
    }
    if access.sees_identity:
        for name in access.fields:
            value = case.area.code if name == "area" else getattr(case, name)
            out[name] = value
        out.update(
            parent_abroad=case.parent_abroad,
            destination_country=case.destination_country,
            abroad_since=case.abroad_since,
        )
    if access.level == selectors.ACCESS_TEAM:
        out["consents"] = [consent_out(c) for c in selectors.case_consents(case=case)]
        out["team"] = [u.username for u in selectors.case_team(case=case)]
    return out


def consent_out(consent) -> dict:
    return {
        "id": consent.pk,
        "given_by": consent.given_by,
        "relation": consent.relation,
        "given_on": consent.given_on,
        "agencies": [a.pk for a in consent.agencies.all()],
        "recorded_by": consent.recorded_by.username,
        "recorded_at": consent.recorded_at,
        "withdrawn_at": consent.withdrawn_at,
    }


def referral_out(access: selectors.ReferralAccess, *, history=True) -> dict:
    r = access.referral
    out = referral_row(r, is_team=access.is_team)
    out["allowed_actions"] = [t.action for t in actions_for(status=r.status, actors=access.actors)]
    if history:
        out["history"] = [
            {
                "status": e.status,
                "action": e.action,
                "by": e.by.username if e.by else None,
                "at": e.at,
                "note": e.note,
            }
            for e in selectors.referral_history(referral=r, is_team=access.is_team)
        ]
    return out


def referral_row(r, *, is_team: bool | None = None) -> dict:
    """One referral. The team's note only for the team, and for the agency while the referral is open."""
    now = timezone.now()
    if is_team is None:
        is_team = bool(getattr(r, "viewer_on_team", False))
    return {
        "id": r.pk,
        "case": r.case.code,
        "agency": r.agency_id,
        "agency_name": r.agency.name,
        "service": r.service.slug,
        "status": r.status,
        "urgency": r.urgency,
        "note": r.note if selectors.sees_team_notes(referral=r, is_team=is_team) else "",
        "sent_at": r.sent_at,
        "due_at": r.due_at,
        "completion_due_at": r.completion_due_at,
        "accepted_at": r.accepted_at,
        "completed_at": r.completed_at,
        "overdue": selectors.referral_is_overdue(r, now=now),
        "outcome": r.outcome,
        "decline_reason": selectors.decline_note_seen(referral=r, is_team=is_team),
        "decline_category": r.decline_category,
        "close_reason": r.close_reason,
        "consent_override": r.consent_override,
    }


def _audit_case_view(request, access: selectors.CaseAccess) -> None:
    if access.sees_identity:
        audit_log(
            actor=request.user,
            action="case.view",
            target=access.case,
            case_code=access.case.code,
            fields=list(access.fields),
            request=request,
            surface="api",
        )


@router.post("/cases", response={201: dict})
def cases_create(request, payload: CaseIn):
    area = Area.objects.filter(code=payload.area.strip()).first()
    if area is None:
        msg = _("Unknown area: %(code)s.") % {"code": payload.area}
        raise InvalidInput(msg, errors={"area": [msg]})
    case = services.case_register(
        actor=request.user,
        area=area,
        child_name=payload.child_name,
        sex=payload.sex,
        birth_date=payload.birth_date,
        nik=payload.nik,
        caregiver_name=payload.caregiver_name,
        caregiver_relation=payload.caregiver_relation,
        caregiver_phone=payload.caregiver_phone,
        address=payload.address,
        parent_abroad=payload.parent_abroad,
        destination_country=payload.destination_country,
        abroad_since=payload.abroad_since,
        needs=_services_by_slug(payload.needs, field="needs"),
        notes=payload.notes,
        request=request,
    )
    access = selectors.case_access(user=request.user, code=case.code)
    return Status(201, case_out(access))


@router.get("/cases/{code}", response=dict)
def cases_detail(request, code: str):
    access = selectors.case_access(user=request.user, code=code)
    _audit_case_view(request, access)
    return case_out(access)


@router.post("/cases/{code}/consents", response={201: dict})
def consents_create(request, code: str, payload: ConsentIn):
    agencies = list(Agency.objects.filter(pk__in=payload.agencies, is_active=True))
    missing = set(payload.agencies) - {a.pk for a in agencies}
    if missing:
        msg = _("Unknown agency: %(ids)s.") % {"ids": ", ".join(str(i) for i in sorted(missing))}
        raise InvalidInput(msg, errors={"agencies": [msg]})
    consent = services.consent_record(
        actor=request.user,
        code=code,
        given_by=payload.given_by,
        relation=payload.relation,
        agencies=agencies,
        given_on=payload.given_on,
        request=request,
    )
    return Status(201, consent_out(consent))


@router.post("/cases/{code}/consents/{consent_id}/withdraw", response=dict)
def consents_withdraw(request, code: str, consent_id: int):
    consent = services.consent_withdraw(actor=request.user, code=code, consent_id=consent_id, request=request)
    return consent_out(consent)


@router.post("/referrals", response={201: dict})
def referrals_create(request, payload: ReferralIn):
    # The case first: a case the caller may not see is 404 whatever else the body says.
    selectors.case_access(user=request.user, code=payload.case)
    agency = Agency.objects.filter(pk=payload.agency).first()
    if agency is None:
        msg = _("Unknown agency: %(ids)s.") % {"ids": payload.agency}
        raise InvalidInput(msg, errors={"agency": [msg]})
    service = _services_by_slug([payload.service], field="service")[0]
    referral = services.referral_create(
        actor=request.user,
        code=payload.case,
        agency=agency,
        service=service,
        note=payload.note,
        urgency=payload.urgency,
        consent_override_reason=payload.consent_override_reason,
        request=request,
    )
    access = selectors.referral_access(user=request.user, referral_id=referral.pk)
    return Status(201, referral_out(access))


@router.get("/referrals", response=dict)
def referrals_list(request, filters: Query[ReferralFilters]):
    qs = selectors.referrals_list(
        user=request.user, status=filters.status, service=filters.service, overdue=filters.overdue
    )
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=referral_row)


@router.get("/referrals/{referral_id}", response=dict)
def referrals_detail(request, referral_id: int):
    return referral_out(selectors.referral_access(user=request.user, referral_id=referral_id))


@router.post("/referrals/{referral_id}/transitions", response=dict)
def referrals_transition(request, referral_id: int, payload: TransitionIn):
    services.referral_transition(
        actor=request.user,
        referral_id=referral_id,
        action=payload.action,
        note=payload.note,
        outcome=payload.outcome,
        decline_category=payload.decline_category,
        request=request,
    )
    return referral_out(selectors.referral_access(user=request.user, referral_id=referral_id))


def message_out(m) -> dict:
    return {"id": m.pk, "author": m.author.username, "body": m.body, "created_at": m.created_at}


@router.get("/referrals/{referral_id}/messages", response=dict)
def messages_list(request, referral_id: int, filters: Query[PageFilters]):
    access = selectors.referral_access(user=request.user, referral_id=referral_id)
    if not access.sees_thread:
        raise Forbidden(_("This referral has ended: its thread is closed to the agency."))
    qs = selectors.referral_messages(referral=access.referral, access=access)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=message_out)


@router.post("/referrals/{referral_id}/messages", response={201: dict})
def messages_create(request, referral_id: int, payload: MessageIn):
    message = services.referral_message_post(
        actor=request.user, referral_id=referral_id, body=payload.body, request=request
    )
    return Status(201, message_out(message))
