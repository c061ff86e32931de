"""The action item lifecycle as data, like the referral transitions (referrals/transitions.py): state × action →
new state, who may take it, what it must record. Read by the service (action_item_transition), the API
(403 / 409 / 422), the pages (which buttons to show) and the tests (every state × action × actor).

    open → done (with a note) | dropped (with a reason)
    open, once raised to the next tier as overdue → taken over (by that tier's facilitators: a new action item
    of the higher forum, linked both ways)

And the proposal (usulan) lifecycle: submitted → accepted into the village plan | not accepted (with a reason),
decided by the facilitators of the desa forum (the village deliberation)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ActionStatus, ProposalStatus

# Who may take an action on an action item:
OWNER = "owner"  # a person named as its owner, or a liaison of the agency named as its owner
FACILITATOR = "facilitator"  # a facilitator of the forum that follows it up (or an overseer above)
NEXT_TIER = "next_tier"  # a facilitator of the forum it was raised to
ACTORS = (OWNER, FACILITATOR, NEXT_TIER)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    label: str
    stamp: str  # the timestamp field set to the moment of the transition
    note_field: str = ""  # where the note is stored
    note_required: bool = False
    note_label: str = ""
    requires_raised: bool = False  # only once the item was raised to the next tier
    notify_kind: str = ""
    style: str = "secondary"  # the button's look: "primary", "secondary" or "danger"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            action="done",
            sources=(ActionStatus.OPEN,),
            target=ActionStatus.DONE,
            actors=(OWNER, FACILITATOR),
            label=_("Mark done"),
            stamp="done_at",
            note_field="done_note",
            note_required=True,
            note_label=_("What was done"),
            notify_kind="meeting.action_done",
            style="primary",
        ),
        Transition(
            action="drop",
            sources=(ActionStatus.OPEN,),
            target=ActionStatus.DROPPED,
            actors=(FACILITATOR,),
            label=_("Drop"),
            stamp="dropped_at",
            note_field="drop_reason",
            note_required=True,
            note_label=_("Why it is dropped"),
            notify_kind="meeting.action_dropped",
            style="danger",
        ),
        Transition(
            action="take_over",
            sources=(ActionStatus.OPEN,),
            target=ActionStatus.TAKEN_OVER,
            actors=(NEXT_TIER,),
            label=_("Take over in our forum"),
            stamp="taken_over_at",
            note_label=_("Note for the forum below (optional)"),
            requires_raised=True,
            notify_kind="meeting.action_taken_over",
        ),
    )
}

ACTIONS = tuple(TRANSITIONS)


def transition_for(*, status: str, action: str) -> Transition | None:
    """The transition `action` takes from `status`, or None when the state does not allow it."""
    t = TRANSITIONS.get(action)
    return t if t is not None and status in t.sources else None


def actions_for(*, status: str, actors: set[str], raised: bool) -> list[Transition]:
    """The transitions a person holding `actors` may take from `status` (the page's buttons)."""
    return [
        t
        for t in TRANSITIONS.values()
        if status in t.sources and set(t.actors) & actors and (raised or not t.requires_raised)
    ]


@dataclass(frozen=True)
class ProposalTransition:
    action: str
    sources: tuple[str, ...]
    target: str
    label: str
    reason_required: bool = False
    style: str = "secondary"


PROPOSAL_TRANSITIONS: dict[str, ProposalTransition] = {
    t.action: t
    for t in (
        ProposalTransition(
            action="accept",
            sources=(ProposalStatus.SUBMITTED,),
            target=ProposalStatus.ACCEPTED,
            label=_("Accept into the plan"),
            style="primary",
        ),
        ProposalTransition(
            action="not_accept",
            sources=(ProposalStatus.SUBMITTED,),
            target=ProposalStatus.NOT_ACCEPTED,
            label=_("Not accepted"),
            reason_required=True,
            style="danger",
        ),
    )
}
