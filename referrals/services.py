"""Writes: registering children, consent, referrals and their lifecycle, the private thread, the overdue sweep.

Each action is one transaction: the row is locked, the rules checked, the change saved with its history event
and audit entry, and the notifications stored in the same transaction (pushed after commit)."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portal.agencies.models import Agency, Service
from portal.areas.models import Area, Level
from portal.audit.services import audit_log
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from portal.core.signals import announce_referral_change
from portal.core.workdays import WITA, end_of_day, response_deadline, start_of_day
from portal.notifications.kinds import KINDS
from portal.notifications.services import notify
from portal.people.models import Role
from portal.people.selectors import user_works_in_area

from .models import (
    ENDED_STATUSES,
    IDENTITY_FIELDS,
    OPEN_STATUSES,
    CaseCounter,
    CaseTeamMember,
    ChildCase,
    Consent,
    DeclineReason,
    Referral,
    ReferralEvent,
    ReferralMessage,
    Status,
    Urgency,
)
from .selectors import (
    ACCESS_TEAM,
    active_consent_for,
    case_access,
    is_case_worker_anywhere,
    referral_access,
    referral_liaisons,
    referral_team,
)
from .transitions import TRANSITIONS, transition_for

RESPONSE_WORKING_DAYS = {Urgency.ROUTINE: 3, Urgency.URGENT: 1}
MAX_AGE_YEARS = 18
# The provinces of Indonesia (Kemendagri codes): the first two digits of a NIK.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "51",
        "52",
        "53",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    ]
)
LIAISON_PERMS = ("view_referral", "view_referral_identity", "message_referral")


def today() -> dt.date:
    return timezone.now().astimezone(WITA).date()


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def validate_nik(nik: str, *, birth_date: dt.date | None = None, sex: str = "") -> str:
    """A NIK is 16 digits: region (6), date of birth as DDMMYY with 40 added to the day for girls, and a
    sequence (4). Returns the cleaned NIK or raises ValidationError with a message that says what is wrong."""
    nik = re.sub(r"[\s.\-]", "", nik or "")
    if not nik:
        return ""
    if not re.fullmatch(r"\d{16}", nik):
        raise ValidationError(_("A NIK has exactly 16 digits."))
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    if not (1 <= month <= 12 and 1 <= day <= 31) or nik[12:] == "0000":
        raise ValidationError(_("This is not a valid NIK: check the digits."))
    if nik[:2] not in PROVINCE_CODES or nik[2:4] == "00" or nik[4:6] == "00":
        raise ValidationError(
            _("The first 6 digits of a NIK are the code of a province, kabupaten and kecamatan: check them.")
        )
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        day,
        month,
        year2,
    ):
        # Say which digits this child's NIK has there, rather than a format code ("DDMMYY") cadres do not use.
        expected = f"{birth_date.day + (40 if sex == 'F' else 0):02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
        raise ValidationError(
            _(
                "The NIK does not match the date of birth: for a child born on %(date)s, digits 7 to 12 of the NIK "
                "are %(digits)s."
            )
            % {"date": formats.date_format(birth_date, "j M Y"), "digits": expected}
        )
    if sex and (sex == "F") != female:
        raise ValidationError(
            _("The NIK does not match the sex (for girls, 40 is added to the day of birth).")
        )
    return nik


def nik_area_warning(*, nik: str, area: Area | None) -> str:
    """A warning, not a refusal: the first six digits of a (valid) NIK are the code of the kecamatan where the
    person was registered with Dukcapil (2 province, 2 kabupaten, 2 kecamatan). A child registered elsewhere
    (born where the mother worked, moved since) is common, so the case worker confirms past it; a typo in
    those digits is common too, so it is said. "" when the NIK is empty or matches the child's kecamatan."""
    nik = re.sub(r"[\s.\-]", "", nik or "")
    if area is None or not re.fullmatch(r"\d{16}", nik):
        return ""
    parts = area.code.split(".")
    if len(parts) < 3 or "".join(parts[:3]) == nik[:6]:
        return ""
    code = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    names = {
        a.code: a.display_name
        for a in Area.objects.filter(code__in=[code[:2], code[:5], code]).only("code", "name", "level")
    }
    if code in names:
        where = ", ".join(names[c] for c in (code, code[:5], code[:2]) if c in names)
    elif code[:5] in names:
        where = _("kecamatan %(code)s, %(regency)s") % {"code": code, "regency": names[code[:5]]}
    else:
        where = _("area code %(code)s") % {"code": code}
    return _(
        "This NIK is registered in another area: %(where)s. Check the first 6 digits against the family card;"
        " if they are right, confirm."
    ) % {"where": where}


def identity_errors(
    *, birth_date: dt.date | None, nik: str, sex: str, abroad_since: dt.date | None = None
) -> tuple[dict[str, list[str]], str]:
    """The rules on a child's dates and NIK, all at once: (errors by field, the cleaned NIK). The page forms
    call it too, so a person hears every problem on the first submit."""
    errors: dict[str, list[str]] = {}
    if birth_date:
        if birth_date > today():
            errors["birth_date"] = [_("The date of birth cannot be in the future.")]
        elif _age_on(birth_date, today()) >= MAX_AGE_YEARS:
            errors["birth_date"] = [_("Pelita registers children: the child must be under 18.")]
    if abroad_since and abroad_since > today():
        errors.setdefault("abroad_since", []).append(_("This date cannot be in the future."))
    try:
        nik = validate_nik(nik, birth_date=birth_date, sex=sex)
    except ValidationError as exc:
        errors["nik"] = list(exc.messages)
    return errors, nik


def _clean_case(case: ChildCase) -> None:
    errors, case.nik = identity_errors(
        birth_date=case.birth_date, nik=case.nik, sex=case.sex, abroad_since=case.abroad_since
    )
    try:
        case.full_clean(exclude=["code", "village", "created_by", *errors])
    except ValidationError as exc:
        for name, msgs in exc.message_dict.items():
            errors.setdefault(name, []).extend(msgs)
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, errors=errors)


def _next_code(area: Area) -> str:
    """APM-<regency code without the dot>-<5-digit sequence>, from the regency's counter row, locked."""
    regency_code = ".".join(area.code.split(".")[:2])
    regency = Area.objects.get(code=regency_code)
    CaseCounter.objects.get_or_create(regency=regency)
    counter = CaseCounter.objects.select_for_update().get(regency=regency)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"APM-{regency_code.replace('.', '')}-{counter.last:05d}"


def _check_area(*, actor, area: Area | None) -> None:
    if area is None or area.level not in (Level.VILLAGE, Level.HAMLET):
        msg = _("Choose the child's dusun or desa.")
        raise InvalidInput(msg, errors={"area": [msg]})
    if not user_works_in_area(user=actor, area=area):
        msg = _("%(area)s is outside the areas you work in as a case worker.") % {"area": area.display_name}
        raise InvalidInput(msg, errors={"area": [msg]})


@transaction.atomic
def case_register(
    *,
    actor,
    area: Area | None,
    child_name: str,
    sex: str,
    birth_date: dt.date | None,
    caregiver_name: str,
    caregiver_relation: str,
    parent_abroad: str,
    destination_country: str,
    nik: str = "",
    caregiver_phone: str = "",
    address: str = "",
    abroad_since: dt.date | None = None,
    needs: list[Service] | None = None,
    notes: str = "",
    nik_other_area: bool = False,
    request=None,
) -> ChildCase:
    """`nik_other_area`: the case worker confirmed a NIK of another kecamatan (nik_area_warning); the audit
    entry says so (never the NIK)."""
    if not is_case_worker_anywhere(user=actor):
        raise Forbidden(_("Only case workers register children."))
    _check_area(actor=actor, area=area)
    case = ChildCase(
        area=area,
        village=area if area.level == Level.VILLAGE else area.parent,
        child_name=(child_name or "").strip(),
        sex=sex,
        birth_date=birth_date,
        nik=nik or "",
        caregiver_name=(caregiver_name or "").strip(),
        caregiver_relation=(caregiver_relation or "").strip(),
        caregiver_phone=(caregiver_phone or "").strip(),
        address=(address or "").strip(),
        parent_abroad=parent_abroad,
        destination_country=(destination_country or "").strip(),
        abroad_since=abroad_since,
        notes=notes or "",
        created_by=actor,
    )
    _clean_case(case)
    case.code = _next_code(area)
    case.save()
    if needs:
        case.needs.set(needs)
    CaseTeamMember.objects.create(case=case, user=actor, added_by=actor)
    audit_log(
        actor=actor,
        action="case.register",
        target=case,
        case_code=case.code,
        fields=[f for f in IDENTITY_FIELDS if getattr(case, f, None)],
        request=request,
        detail={
            "area": area.code,
            "needs": [s.slug for s in needs or []],
            **({"nik_other_area": True} if nik_other_area and case.nik else {}),
        },
    )
    return case


def _team_case(*, actor, code: str) -> ChildCase:
    """The case when the person is on its team; Forbidden when they only see its code, NotFound otherwise."""
    access = case_access(user=actor, code=code)
    if access.level != ACCESS_TEAM:
        raise Forbidden(_("Only the case team can do this."))
    return access.case


@transaction.atomic
def case_update_needs(*, actor, code: str, needs: list[Service], request=None) -> ChildCase:
    case = _team_case(actor=actor, code=code)
    before = sorted(case.needs.values_list("slug", flat=True))
    case.needs.set(needs)
    audit_log(
        actor=actor,
        action="case.update_needs",
        target=case,
        case_code=case.code,
        request=request,
        detail={"before": before, "after": sorted(s.slug for s in needs)},
    )
    return case


@transaction.atomic
def case_team_add(*, actor, code: str, username: str, request=None) -> CaseTeamMember:
    from django.contrib.auth import get_user_model

    case = _team_case(actor=actor, code=code)
    user = get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None or not user_works_in_area(user=user, area=case.area):
        msg = _("Only a case worker of this child's area can join the case team.")
        raise InvalidInput(msg, errors={"username": [msg]})
    member, created = CaseTeamMember.objects.get_or_create(case=case, user=user, defaults={"added_by": actor})
    if created:
        audit_log(
            actor=actor,
            action="case.team_add",
            target=case,
            case_code=case.code,
            request=request,
            detail={"user": user.username},
        )
    return member


# --- consent -----------------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor,
    code: str,
    given_by: str,
    relation: str,
    agencies: list[Agency],
    given_on: dt.date | None = None,
    request=None,
) -> Consent:
    case = _team_case(actor=actor, code=code)
    given_on = given_on or today()
    errors: dict[str, list[str]] = {}
    if not (given_by or "").strip():
        errors["given_by"] = [_("Write who gave consent.")]
    if not (relation or "").strip():
        errors["relation"] = [_("Write their relation to the child.")]
    if not agencies:
        errors["agencies"] = [_("Choose at least one agency the caregiver agrees to share with.")]
    if given_on > today():
        errors["given_on"] = [_("The date of consent cannot be in the future.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
    consent = Consent(
        case=case, given_by=given_by.strip(), relation=relation.strip(), given_on=given_on, recorded_by=actor
    )
    consent.full_clean()
    consent.save()
    consent.agencies.set(agencies)
    audit_log(
        actor=actor,
        action="consent.record",
        target=consent,
        case_code=case.code,
        request=request,
        detail={"agencies": sorted(a.pk for a in agencies), "given_on": given_on.isoformat()},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, code: str, consent_id: int, note: str = "", request=None) -> Consent:
    case = _team_case(actor=actor, code=code)
    if not 1 <= consent_id <= 2**63 - 1:
        raise NotFound()
    consent = Consent.objects.select_for_update().filter(pk=consent_id, case=case).first()
    if consent is None:
        raise NotFound()
    if consent.withdrawn_at is not None:
        raise Conflict(_("This consent was already withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_note = (note or "").strip()
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    ended = _end_sharing_under(consent, actor=actor, request=request)
    audit_log(
        actor=actor,
        action="consent.withdraw",
        target=consent,
        case_code=case.code,
        request=request,
        detail={"referrals_withdrawn": [r.pk for r in ended]},
    )
    return consent


CONSENT_WITHDRAWN = "consent_withdrawn"  # the history action (and, as the note, the text API.md names)
CONSENT_WITHDRAWN_NOTE = "consent withdrawn"


def _end_sharing_under(consent: Consent, *, actor, request=None) -> list[Referral]:
    """The sharing that relied on a consent ends with it, in the caller's transaction (the consent row already
    locked and marked withdrawn): each open referral sent under it is locked and — unless another consent in
    force covers the same agency, which it then relies on — withdrawn, with a history entry, the agency's
    identity and thread permissions revoked, and both sides notified. A referral sent under the urgent
    child-protection override never relied on consent: it has no consent and is not touched."""
    referrals = list(
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "agency", "service")
        .filter(consent=consent, consent_override=False, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    ended = []
    now = timezone.now()
    for referral in referrals:
        other = active_consent_for(case=referral.case, agency=referral.agency, lock=True)
        if other is not None:
            referral.consent = other
            referral.save(update_fields=["consent", "updated_at"])
            audit_log(
                actor=actor,
                action="referral.consent_rebased",
                target=referral,
                case_code=referral.case.code,
                request=request,
                detail={"from": consent.pk, "to": other.pk},
            )
            continue
        before = referral.status
        referral.status = Status.WITHDRAWN
        referral.withdrawn_at = now
        referral.withdraw_reason = CONSENT_WITHDRAWN_NOTE
        referral.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "updated_at"])
        _event(referral, action=CONSENT_WITHDRAWN, from_status=before, by=actor, note=CONSENT_WITHDRAWN_NOTE)
        _revoke_agency(referral)
        audit_log(
            actor=actor,
            action="referral.consent_withdrawn",
            target=referral,
            case_code=referral.case.code,
            request=request,
            detail={"from": before, "to": referral.status, "consent": consent.pk},
        )
        announce_referral_change(
            case_code=referral.case.code,
            service=referral.service.slug,
            agency=referral.agency.name,
            action="withdraw",
            status=referral.status,
        )
        notify(
            recipients=[*referral_team(referral=referral), *referral_liaisons(referral=referral)],
            kind="referral.consent_withdrawn",
            params=_notify_params(referral, "referral.consent_withdrawn"),
            url=_referral_url(referral),
            actor=actor,
        )
        ended.append(referral)
    return ended


# --- referrals ---------------------------------------------------------------------------------------------


def _notify_params(referral: Referral, kind: str) -> dict:
    """The case by its code only, never the child's name; only the parameters the kind's text uses."""
    params = {"case": referral.case.code, "service": referral.service.name_id, "agency": referral.agency.name}
    with translation.override(None):
        text = str(KINDS[kind])
    return {k: v for k, v in params.items() if f"%({k})s" in text}


def _referral_url(referral: Referral) -> str:
    return reverse("referrals:referral_detail", kwargs={"pk": referral.pk})


def _event(referral: Referral, *, action: str, from_status: str, by, note: str = "") -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral, action=action, from_status=from_status, status=referral.status, by=by, note=note
    )


def _grant_agency(referral: Referral) -> None:
    for perm in LIAISON_PERMS:
        assign_perm(f"referrals.{perm}", referral.agency.group, referral)


def _revoke_agency(referral: Referral) -> None:
    # The agency keeps seeing the referral record (code, service, status, what it recorded) through its
    # foreign key; the child's identity and the private thread end with the referral.
    for perm in ("view_referral_identity", "message_referral"):
        remove_perm(f"referrals.{perm}", referral.agency.group, referral)


def _check_consent(*, case: ChildCase, agency: Agency, service: Service, urgency: str, override_reason: str):
    """The consent covering this agency, or None for an allowed override; Conflict otherwise."""
    consent = active_consent_for(case=case, agency=agency, lock=True)
    if consent is not None:
        return consent
    if override_reason:
        if urgency == Urgency.URGENT and service.child_protection:
            return None
        raise Conflict(
            _(
                "Sending without consent is only for urgent child-protection referrals. "
                "Record the caregiver's consent for %(agency)s first."
            )
            % {"agency": agency.name}
        )
    raise Conflict(
        _("There is no consent to share this case with %(agency)s. Record the caregiver's consent first.")
        % {"agency": agency.name}
    )


def _send(referral: Referral, *, actor, now, request=None) -> None:
    """draft → sent: deadlines, the agency's permissions and the liaisons' notification."""
    referral.status = Status.SENT
    referral.sent_at = now
    referral.sent_by = actor
    referral.due_at = response_deadline(now, working_days=RESPONSE_WORKING_DAYS[referral.urgency])
    referral.completion_due_at = end_of_day(
        now.astimezone(WITA).date() + dt.timedelta(days=referral.service.completion_days)
    )
    _grant_agency(referral)
    notify(
        recipients=referral_liaisons(referral=referral),
        kind="referral.sent",
        params=_notify_params(referral, "referral.sent"),
        url=_referral_url(referral),
        actor=actor,
    )


@transaction.atomic
def referral_create(
    *,
    actor,
    code: str,
    agency: Agency | None,
    service: Service | None,
    note: str = "",
    urgency: str = Urgency.ROUTINE,
    consent_override_reason: str = "",
    send: bool = True,
    resent_from: Referral | None = None,
    request=None,
) -> Referral:
    case = _team_case(actor=actor, code=code)
    errors: dict[str, list[str]] = {}
    if service is None:
        errors["service"] = [_("Choose a service.")]
    if agency is None:
        errors["agency"] = [_("Choose an agency.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Urgency is routine or urgent.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
    if not agency.is_active or not agency.services.filter(pk=service.pk).exists():
        msg = _("%(agency)s does not provide %(service)s.") % {"agency": agency.name, "service": service.name}
        raise InvalidInput(msg, errors={"agency": [msg]})
    if not case.area.is_within(agency.area):
        msg = _("%(agency)s does not cover %(area)s.") % {
            "agency": agency.name,
            "area": case.village.display_name,
        }
        raise InvalidInput(msg, errors={"agency": [msg]})
    if case.closed_at is not None:
        raise Conflict(_("This case is closed."))
    if Referral.objects.filter(
        case=case,
        service=service,
        status__in=(Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS),
    ).exists():
        raise Conflict(
            _("This case already has an open referral for %(service)s.") % {"service": service.name}
        )
    override_reason = (consent_override_reason or "").strip()
    consent = None
    if send:
        consent = _check_consent(
            case=case, agency=agency, service=service, urgency=urgency, override_reason=override_reason
        )
    referral = Referral(
        case=case,
        agency=agency,
        service=service,
        area=case.area,
        urgency=urgency,
        note=(note or "").strip(),
        shared_fields=list(IDENTITY_FIELDS),
        consent=consent,
        consent_override=send and consent is None,
        consent_override_reason=override_reason if send and consent is None else "",
        created_by=actor,
        resent_from=resent_from,
    )
    referral.full_clean(exclude=["case", "agency", "service", "area", "created_by", "consent"])
    referral.save()
    if send:
        _send(referral, actor=actor, now=timezone.now(), request=request)
        referral.save()
        _event(referral, action="send", from_status=Status.DRAFT, by=actor, note=referral.note)
    else:
        _event(referral, action="create", from_status="", by=actor, note=referral.note)
    audit_log(
        actor=actor,
        action="referral.send" if send else "referral.draft",
        target=referral,
        case_code=case.code,
        request=request,
        detail={
            "agency": agency.pk,
            "service": service.slug,
            "urgency": urgency,
            "consent_override": referral.consent_override,
            **({"resent_from": resent_from.pk} if resent_from else {}),
        },
    )
    return referral


@transaction.atomic
def referral_resend(
    *, actor, referral_id: int, agency: Agency | None, note: str = "", request=None
) -> Referral:
    """A declined referral sent again, to another agency, for the same service."""
    access = referral_access(user=actor, referral_id=referral_id)
    old = access.referral
    if not access.is_team:
        raise Forbidden(_("Only the case team can re-send a referral."))
    if old.status != Status.DECLINED:
        raise Conflict(_("Only a declined referral can be re-sent to another agency."))
    if agency is not None and agency.pk == old.agency_id:
        msg = _("%(agency)s declined this referral: choose another agency.") % {"agency": agency.name}
        raise InvalidInput(msg, errors={"agency": [msg]})
    return referral_create(
        actor=actor,
        code=old.case.code,
        agency=agency,
        service=old.service,
        note=note or old.note,
        urgency=old.urgency,
        resent_from=old,
        request=request,
    )


@transaction.atomic
def referral_transition(
    *,
    actor,
    referral_id: int,
    action: str,
    note: str = "",
    outcome: str = "",
    decline_category: str = "",
    request=None,
) -> Referral:
    """Take one action of the transition table on a referral. The row is locked first, so of two people
    acting at once exactly one succeeds; the other finds the new state and gets Conflict."""
    if action not in TRANSITIONS:
        msg = _("Unknown action. Use one of: %(actions)s.") % {"actions": ", ".join(TRANSITIONS)}
        raise InvalidInput(msg, errors={"action": [msg]})
    access = referral_access(user=actor, referral_id=referral_id, lock=True)
    referral = access.referral
    spec = TRANSITIONS[action]
    if spec.actor not in access.actors:
        if spec.actor == "liaison":
            raise Forbidden(
                _("Only the liaisons of %(agency)s can do this.") % {"agency": referral.agency.name}
            )
        raise Forbidden(_("Only the case team that sent the referral can do this."))
    if transition_for(status=referral.status, action=action) is None:
        raise Conflict(
            _(
                "This referral is now “%(status)s”: it was changed meanwhile, and this action no longer applies to it."
            )
            % {"status": referral.get_status_display()}
        )
    note, outcome = (note or "").strip(), (outcome or "").strip()
    if spec.note_required and not note:
        msg = _("Write the reason.")
        raise InvalidInput(msg, errors={"note": [msg]})
    if spec.outcome_required and not outcome:
        msg = _("Write the outcome (for example the certificate number).")
        raise InvalidInput(msg, errors={"outcome": [msg]})
    if action == "decline":
        # The reason's category (issue 20): what the dashboard and exports count. An API client that sends
        # none records "other".
        decline_category = decline_category or DeclineReason.OTHER
        if decline_category not in DeclineReason.values:
            msg = _("Choose the reason from the list.")
            raise InvalidInput(msg, errors={"decline_category": [msg]})
        referral.decline_category = decline_category
    before = referral.status
    now = timezone.now()
    if action == "send":
        referral.consent = _check_consent(
            case=referral.case,
            agency=referral.agency,
            service=referral.service,
            urgency=referral.urgency,
            override_reason=note if referral.urgency == Urgency.URGENT else "",
        )
        referral.consent_override = referral.consent is None
        referral.consent_override_reason = note if referral.consent_override else ""
        _send(referral, actor=actor, now=now, request=request)
    else:
        referral.status = spec.target
        setattr(referral, spec.stamp, now)
    if spec.note_field:
        setattr(referral, spec.note_field, note)
    if spec.outcome_required:
        referral.outcome = outcome
    # Who of the agency hears of this change: read before a claim below, so that the colleagues learn that the
    # referral is now taken (and do not work it twice), and not again afterwards.
    liaisons = list(referral_liaisons(referral=referral)) if action != "send" else []
    if action in ("accept", "start") and "liaison" in access.actors and not referral.claimed_by_id:
        # The liaison who accepts handles it, unless a colleague claimed it first ("saya tangani", issue 20):
        # an accepted referral that says "nobody handles it" read as a contradiction in the journeys.
        referral.claimed_by, referral.claimed_at = actor, now
    referral.save()
    _event(referral, action=action, from_status=before, by=actor, note=outcome or note)
    if referral.status in ENDED_STATUSES:
        _revoke_agency(referral)
    if action == "complete":
        from .triage import need_met_on_complete  # the child's need follows (issue 20)

        need_met_on_complete(referral, actor=actor, request=request)
    audit_log(
        actor=actor,
        action=f"referral.{action}",
        target=referral,
        case_code=referral.case.code,
        request=request,
        detail={"from": before, "to": referral.status},
    )
    announce_referral_change(  # after commit, to other products (forums post the news in the case's threads)
        case_code=referral.case.code,
        service=referral.service.slug,
        agency=referral.agency.name,
        action=action,
        status=referral.status,
    )
    if action != "send":
        # The case team hears of every change; the agency's other liaisons too, so that two colleagues do
        # not work the same referral (notify never tells the actor).
        recipients = [*referral_team(referral=referral), *liaisons]
        notify(
            recipients=recipients,
            kind=spec.notify_kind,
            params=_notify_params(referral, spec.notify_kind),
            url=_referral_url(referral),
            actor=actor,
        )
    return referral


@transaction.atomic
def referral_message_post(*, actor, referral_id: int, body: str, request=None) -> ReferralMessage:
    # Locked: a withdrawal (of the referral or of its consent) at the same moment is seen, not raced.
    access = referral_access(user=actor, referral_id=referral_id, lock=True)
    referral = access.referral
    if not access.sees_thread:
        raise Forbidden(_("This referral has ended: its thread is closed to the agency."))
    if referral.status in ENDED_STATUSES or referral.status == Status.DRAFT:
        raise Conflict(_("Messages can only be written while the referral is open."))
    body = (body or "").strip()
    if not body:
        msg = _("Write a message.")
        raise InvalidInput(msg, errors={"body": [msg]})
    if len(body) > 4000:
        msg = _("A message is at most 4000 characters.")
        raise InvalidInput(msg, errors={"body": [msg]})
    message = ReferralMessage.objects.create(referral=referral, author=actor, body=body)
    audit_log(
        actor=actor, action="referral.message", target=referral, case_code=referral.case.code, request=request
    )
    notify(
        recipients=[*referral_team(referral=referral), *referral_liaisons(referral=referral)],
        kind="referral.message",
        params=_notify_params(referral, "referral.message"),
        url=_referral_url(referral) + "#thread",
        actor=actor,
    )
    return message


# --- deadlines ---------------------------------------------------------------------------------------------


def _kecamatan_facilitators(case: ChildCase):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__area_id=case.village.parent_id, memberships__role=Role.FACILITATOR, is_active=True
        )
        .distinct()
    )


def referrals_sweep_overdue(*, as_of: dt.date | None = None) -> dict:
    """Raise every referral whose response deadline or completion target passed before `as_of` (default:
    now), once each: a history event, an audit entry, and a notification to the facilitators of the
    kecamatan forum above the child's desa and to the case team. Each referral in its own transaction."""
    cutoff = start_of_day(as_of) if as_of else timezone.now()
    raised = {"response": 0, "completion": 0}
    candidates = [
        ("response", "overdue_raised_at", dict(status=Status.SENT, due_at__lt=cutoff)),
        (
            "completion",
            "completion_overdue_raised_at",
            dict(status__in=(Status.ACCEPTED, Status.IN_PROGRESS), completion_due_at__lt=cutoff),
        ),
    ]
    for kind, flag, cond in candidates:
        ids = list(Referral.objects.filter(**cond, **{f"{flag}__isnull": True}).values_list("pk", flat=True))
        for pk in ids:
            with transaction.atomic():
                referral = (
                    Referral.objects.select_for_update(of=("self",))
                    .select_related("case", "case__village", "agency", "service")
                    .filter(pk=pk, **cond, **{f"{flag}__isnull": True})
                    .first()
                )
                if referral is None:  # acted on, or raised by a parallel sweep, meanwhile
                    continue
                setattr(referral, flag, timezone.now())
                referral.save(update_fields=[flag, "updated_at"])
                _event(referral, action="overdue", from_status=referral.status, by=None, note=kind)
                audit_log(
                    actor=None,
                    action="referral.overdue",
                    target=referral,
                    case_code=referral.case.code,
                    surface="command",
                    detail={"kind": kind, "as_of": cutoff.isoformat()},
                )
                notify(
                    recipients=[*_kecamatan_facilitators(referral.case), *referral_team(referral=referral)],
                    kind="referral.overdue",
                    params=_notify_params(referral, "referral.overdue"),
                    url=reverse("referrals:case_detail", kwargs={"code": referral.case.code}),
                )
                raised[kind] += 1
    return raised
