"""The referral lifecycle as data: state × action → new state, who may take it, what it must record.

Read by the service (referral_transition), the API (403 / 409 / 422), the referral page (which buttons to show)
and the tests (every state × action × actor). PRODUCT.md:

    draft → sent → accepted | declined;  accepted → in progress → completed | closed unresolved;
    sent | accepted → withdrawn (by the sender);  a declined referral may be re-sent to another agency.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Status

# Who may take an action: the liaisons of the receiving agency, or the case team that sent the referral.
LIAISON = "liaison"
TEAM = "team"
ACTORS = (LIAISON, TEAM)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actor: str
    label: str
    # Timestamp field set to the moment of the transition.
    stamp: str
    # Where the note is stored, and whether it is required (a reason for declining, closing ...).
    note_field: str = ""
    note_required: bool = False
    outcome_required: bool = False
    # Notification kind, sent to the other side of the referral.
    notify_kind: str = ""
    # The button's look on the referral page: "primary", "secondary" or "danger".
    style: str = "secondary"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            action="send",
            sources=(Status.DRAFT,),
            target=Status.SENT,
            actor=TEAM,
            label=_("Send"),
            stamp="sent_at",
            notify_kind="referral.sent",
            style="primary",
        ),
        Transition(
            action="accept",
            sources=(Status.SENT,),
            target=Status.ACCEPTED,
            actor=LIAISON,
            label=_("Accept"),
            stamp="accepted_at",
            notify_kind="referral.accepted",
            style="primary",
        ),
        Transition(
            action="decline",
            sources=(Status.SENT,),
            target=Status.DECLINED,
            actor=LIAISON,
            label=_("Decline"),
            stamp="declined_at",
            note_field="decline_reason",
            note_required=True,
            notify_kind="referral.declined",
            style="danger",
        ),
        Transition(
            action="start",
            sources=(Status.ACCEPTED,),
            target=Status.IN_PROGRESS,
            actor=LIAISON,
            label=_("Start work"),
            stamp="started_at",
            notify_kind="referral.started",
            style="primary",
        ),
        Transition(
            action="complete",
            sources=(Status.IN_PROGRESS,),
            target=Status.COMPLETED,
            actor=LIAISON,
            label=_("Complete"),
            stamp="completed_at",
            outcome_required=True,
            notify_kind="referral.completed",
            style="primary",
        ),
        Transition(
            action="close",
            sources=(Status.IN_PROGRESS,),
            target=Status.CLOSED,
            actor=LIAISON,
            label=_("Close unresolved"),
            stamp="closed_at",
            note_field="close_reason",
            note_required=True,
            notify_kind="referral.closed",
            style="danger",
        ),
        Transition(
            action="withdraw",
            sources=(Status.SENT, Status.ACCEPTED),
            target=Status.WITHDRAWN,
            actor=TEAM,
            label=_("Withdraw"),
            stamp="withdrawn_at",
            note_field="withdraw_reason",
            note_required=True,  # issue 20: withdrawing asks for a reason (and, on the page, a confirmation)
            notify_kind="referral.withdrawn",
            style="danger",
        ),
    )
}

ACTIONS = tuple(TRANSITIONS)


def transition_for(*, status: str, action: str) -> Transition | None:
    """The transition `action` takes from `status`, or None when the state does not allow it."""
    t = TRANSITIONS.get(action)
    return t if t is not None and status in t.sources else None


def actions_for(*, status: str, actors: set[str]) -> list[Transition]:
    """The transitions a person holding `actors` may take from `status` (the page's buttons)."""
    return [t for t in TRANSITIONS.values() if status in t.sources and t.actor in actors]
