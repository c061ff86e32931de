"""Writes for triage and for closing the loops (issue 20): a liaison claims a referral ("Saya tangani"),
releases it or passes it on; accept and start work in one action when the agency opted in
(`Agency.accept_starts_work`); bulk accept; the kecamatan facilitator's actions on an overdue referral
(remind the agency, mark it handled); undoing the need a completed referral met.

Like services.py: each action is one transaction, the referral row locked, the rules checked, a history entry
(`ReferralEvent`) and an audit entry written, notifications stored in the same transaction. Notifications name
the case by its code only, never the child."""

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.audit.services import audit_log
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from portal.notifications.services import notify
from portal.people.models import OVERSEER_ROLES
from portal.people.selectors import user_oversees_area

from . import services
from .models import OPEN_STATUSES, Referral, ReferralEvent, Status
from .selectors import MAX_ID, agency_liaisons, referral_access

# History actions of this module (ReferralEvent.action); the referral page names each.
CLAIM, RELEASE, PASS = "claim", "release", "pass_on"
REMIND, HANDLED = "remind", "attention_handled"
# One reminder of the agency per referral per this long, whoever presses (break-it round on issue 20).
REMIND_EVERY = dt.timedelta(hours=getattr(settings, "PELITA_REMIND_EVERY_HOURS", 24))


def _event(referral, *, action, by, note="") -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        action=action,
        from_status=referral.status,
        status=referral.status,
        by=by,
        note=note,
    )


def _liaison_access(*, actor, referral_id, lock=True):
    access = referral_access(user=actor, referral_id=referral_id, lock=lock)
    if not access.is_liaison:
        raise Forbidden(
            _("Only the liaisons of %(agency)s can do this.") % {"agency": access.referral.agency.name}
        )
    if access.referral.status not in OPEN_STATUSES:
        raise Conflict(
            _(
                "This referral is now “%(status)s”: it was changed meanwhile, and this action no longer applies to it."
            )
            % {"status": access.referral.get_status_display()}
        )
    return access.referral


def _audit(actor, referral, action, request, **detail):
    audit_log(
        actor=actor,
        action=f"referral.{action}",
        target=referral,
        case_code=referral.case.code,
        request=request,
        detail=detail or None,
    )


# --- claims ------------------------------------------------------------------------------------------------


@transaction.atomic
def referral_claim(*, actor, referral_id: int, request=None) -> Referral:
    """The liaison handles the referral. Claiming one's own claim again changes nothing (a double submit);
    a referral another liaison handles is refused (Conflict): they pass it on."""
    referral = _liaison_access(actor=actor, referral_id=referral_id)
    if referral.claimed_by_id == actor.pk:
        return referral
    if (
        referral.claimed_by_id
        and agency_liaisons(referral=referral).filter(pk=referral.claimed_by_id).exists()
    ):
        raise Conflict(
            _("%(name)s already handles this referral: ask them to pass it on to you.")
            % {"name": referral.claimed_by.shown_name}
        )
    referral.claimed_by, referral.claimed_at = actor, timezone.now()
    referral.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    _event(referral, action=CLAIM, by=actor)
    _audit(actor, referral, CLAIM, request)
    return referral


@transaction.atomic
def referral_release(*, actor, referral_id: int, request=None) -> Referral:
    """The claim ends: the agency's liaisons all hear of the referral again. Any liaison of the agency may
    release it (a colleague on leave); releasing an unclaimed referral changes nothing."""
    referral = _liaison_access(actor=actor, referral_id=referral_id)
    if not referral.claimed_by_id:
        return referral
    referral.claimed_by, referral.claimed_at = None, None
    referral.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    _event(referral, action=RELEASE, by=actor)
    _audit(actor, referral, RELEASE, request)
    return referral


@transaction.atomic
def referral_pass_on(*, actor, referral_id: int, username: str, request=None) -> Referral:
    """The claim passes to another liaison of the agency, who is notified."""
    referral = _liaison_access(actor=actor, referral_id=referral_id)
    if referral.claimed_by_id and referral.claimed_by_id != actor.pk:
        raise Conflict(
            _("%(name)s handles this referral: only they can pass it on.")
            % {"name": referral.claimed_by.shown_name}
        )
    to = agency_liaisons(referral=referral).filter(username=(username or "").strip()).first()
    if to is None:
        msg = _("Choose a liaison of %(agency)s.") % {"agency": referral.agency.name}
        raise InvalidInput(msg, errors={"to": [msg]})
    if referral.claimed_by_id == to.pk:
        return referral
    referral.claimed_by, referral.claimed_at = to, timezone.now()
    referral.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    _event(referral, action=PASS, by=actor, note=to.shown_name)
    _audit(actor, referral, PASS, request, to=to.username)
    notify(
        recipients=[to],
        kind="referral.claim_passed",
        params={"case": referral.case.code},
        url=reverse("referrals:referral_detail", kwargs={"pk": referral.pk}),
        actor=actor,
    )
    return referral


# --- accepting ---------------------------------------------------------------------------------------------


@transaction.atomic
def referral_accept_and_start(*, actor, referral_id: int, request=None) -> Referral:
    """accept → in progress in one action, for an agency that opted in (`Agency.accept_starts_work`): two
    transitions of the table, two history entries, both audited and announced. The acting liaison claims it."""
    access = referral_access(user=actor, referral_id=referral_id, lock=True)
    if access.is_liaison and not access.referral.agency.accept_starts_work:
        raise Conflict(_("Your agency accepts and starts work in two steps."))
    services.referral_transition(actor=actor, referral_id=referral_id, action="accept", request=request)
    referral = services.referral_transition(
        actor=actor, referral_id=referral_id, action="start", request=request
    )
    if not referral.claimed_by_id:
        referral.claimed_by, referral.claimed_at = actor, timezone.now()
        referral.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    return referral


def referrals_bulk_accept(*, actor, referral_ids, request=None) -> dict:
    """Accept each selected referral on its own (its own transaction, the same checks as one accept; with the
    agency's one-step setting, accept and start). Returns {"done": [codes], "refused": [(code or id, why)]}."""
    done, refused = [], []
    ids = {int(i) for i in referral_ids if re.fullmatch(r"[0-9]{1,18}", str(i)) and 1 <= int(i) <= MAX_ID}
    for pk in sorted(ids)[:100]:
        try:
            referral = Referral.objects.select_related("agency", "case").filter(pk=pk).first()
            if referral is None:
                raise NotFound()
            if referral.agency.accept_starts_work:
                r = referral_accept_and_start(actor=actor, referral_id=pk, request=request)
            else:
                r = services.referral_transition(
                    actor=actor, referral_id=pk, action="accept", request=request
                )
            done.append(r.case.code)
        except NotFound:
            refused.append((str(pk), _("not found")))
        except (Forbidden, Conflict, InvalidInput) as exc:
            refused.append((referral.case.code, str(exc.message)))
    return {"done": done, "refused": refused}


# --- the kecamatan facilitator's "needs attention" ---------------------------------------------------------


def _overseer_referral(*, actor, referral_id: int, lock=True) -> Referral:
    """The referral for a facilitator or coordinator above the child's desa; NotFound for anyone else."""
    if not actor.is_authenticated or not 1 <= int(referral_id) <= MAX_ID:
        raise NotFound()
    qs = Referral.objects.select_related(
        "case", "case__village", "case__village__parent", "agency", "service"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    referral = qs.filter(pk=referral_id).exclude(status=Status.DRAFT).first()
    if referral is None or not user_oversees_area(
        user=actor, area=referral.case.village, roles=OVERSEER_ROLES
    ):
        raise NotFound()
    return referral


def attention_referral(*, actor, referral_id: int) -> Referral:
    return _overseer_referral(actor=actor, referral_id=referral_id, lock=False)


@transaction.atomic
def attention_remind(*, actor, referral_id: int, request=None) -> Referral:
    """Remind the agency: a notification to its liaisons (the one handling it, if claimed), a history entry."""
    referral = _overseer_referral(actor=actor, referral_id=referral_id)
    if referral.status not in OPEN_STATUSES:
        raise Conflict(_("This referral is no longer open: there is nothing to remind."))
    from .selectors import referral_is_overdue, referral_liaisons

    # Break-it round on issue 20: a reminder is for an item that needs attention (past its deadline), and at
    # most one per referral per REMIND_EVERY whoever presses (every overseer above the desa may): the row lock
    # above makes two presses at once one reminder.
    now = timezone.now()
    if not referral_is_overdue(referral, now=now):
        raise Conflict(_("This referral is not overdue yet: there is nothing to remind."))
    last = (
        referral.events.filter(action=REMIND, at__gt=now - REMIND_EVERY).order_by("-at").values("at").first()
    )
    if last:
        raise Conflict(
            _(
                "The agency was already reminded of this referral on %(when)s. You can remind it again after %(next)s."
            )
            % {
                "when": date_format(timezone.localtime(last["at"]), "DATETIME_FORMAT"),
                "next": date_format(timezone.localtime(last["at"] + REMIND_EVERY), "DATETIME_FORMAT"),
            }
        )

    notify(
        recipients=referral_liaisons(referral=referral),
        kind="referral.reminder",
        params={"case": referral.case.code, "service": referral.service.name_id},
        url=reverse("referrals:referral_detail", kwargs={"pk": referral.pk}),
        actor=actor,
    )
    _event(referral, action=REMIND, by=actor)
    _audit(actor, referral, REMIND, request)
    return referral


@transaction.atomic
def attention_mark_handled(*, actor, referral_id: int, note: str, request=None) -> Referral:
    """The item leaves the forum's "needs attention" list (until the referral is raised again); the note stays
    in the referral's history."""
    referral = _overseer_referral(actor=actor, referral_id=referral_id)
    note = (note or "").strip()
    if not note:
        msg = _("Write what was done.")
        raise InvalidInput(msg, errors={"note": [msg]})
    if len(note) > 1000:
        msg = _("A note is at most 1000 characters.")
        raise InvalidInput(msg, errors={"note": [msg]})
    referral.attention_handled_at = timezone.now()
    referral.save(update_fields=["attention_handled_at", "updated_at"])
    _event(referral, action=HANDLED, by=actor, note=note)
    _audit(actor, referral, HANDLED, request)
    return referral


# --- the child's needs follow the referral -----------------------------------------------------------------


def need_met_on_complete(referral: Referral, *, actor, request=None) -> bool:
    """In the completing transaction: the service's need (the data mapping service → need is the service's
    own `need`, e.g. akta-kelahiran → "Belum punya akta kelahiran") leaves the case's needs, so the child
    counts as having it. Recorded on the referral (`need_met_at`) and audited, for the case worker's undo."""
    case = referral.case
    if not case.needs.filter(pk=referral.service_id).exists():
        return False
    case.needs.remove(referral.service)
    referral.need_met_at = timezone.now()
    referral.save(update_fields=["need_met_at", "updated_at"])
    # Audited, not a history entry: the history is the lifecycle (the API's `history`, the table's tests).
    audit_log(
        actor=actor,
        action="case.need_met",
        target=case,
        case_code=case.code,
        request=request,
        detail={"service": referral.service.slug, "referral": referral.pk},
    )
    return True


@transaction.atomic
def need_met_undo(*, actor, referral_id: int, request=None) -> Referral:
    """The case worker undoes it: the need is back on the case."""
    access = referral_access(user=actor, referral_id=referral_id, lock=True)
    if not access.is_team:
        raise Forbidden(_("Only the case team can do this."))
    referral = access.referral
    if referral.need_met_at is None:
        return referral
    referral.case.needs.add(referral.service)
    referral.need_met_at = None
    referral.save(update_fields=["need_met_at", "updated_at"])
    audit_log(
        actor=actor,
        action="case.need_restored",
        target=referral.case,
        case_code=referral.case.code,
        request=request,
        detail={"service": referral.service.slug, "referral": referral.pk},
    )
    return referral


def liaisons_to_pass_to(*, referral: Referral, exclude_id=None):
    return agency_liaisons(referral=referral).exclude(pk=exclude_id).order_by("username")
