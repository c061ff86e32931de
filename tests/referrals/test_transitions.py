"""The transition table, exhaustively: every state × action × actor, through the service the pages and the API
call. The expectations are derived from PRODUCT.md's lifecycle written out here, not read back from the table."""

import pytest

from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from referrals.models import Referral, ReferralEvent, Status
from referrals.services import referral_transition
from referrals.transitions import ACTIONS, LIAISON, TEAM, TRANSITIONS, actions_for

# PRODUCT.md, independently of transitions.py: (state, action) → (new state, who).
LIFECYCLE = {
    (Status.DRAFT, "send"): (Status.SENT, TEAM),
    (Status.SENT, "accept"): (Status.ACCEPTED, LIAISON),
    (Status.SENT, "decline"): (Status.DECLINED, LIAISON),
    (Status.ACCEPTED, "start"): (Status.IN_PROGRESS, LIAISON),
    (Status.IN_PROGRESS, "complete"): (Status.COMPLETED, LIAISON),
    (Status.IN_PROGRESS, "close"): (Status.CLOSED, LIAISON),
    (Status.SENT, "withdraw"): (Status.WITHDRAWN, TEAM),
    (Status.ACCEPTED, "withdraw"): (Status.WITHDRAWN, TEAM),
}
STAMPS = {
    "send": "sent_at",
    "accept": "accepted_at",
    "decline": "declined_at",
    "start": "started_at",
    "complete": "completed_at",
    "close": "closed_at",
    "withdraw": "withdrawn_at",
}


def test_table_matches_the_lifecycle():
    declared = {(s, a): (t.target, t.actor) for a, t in TRANSITIONS.items() for s in t.sources}
    assert declared == LIFECYCLE
    assert set(ACTIONS) == {"send", "accept", "decline", "start", "complete", "close", "withdraw"}
    assert TRANSITIONS["decline"].note_required and TRANSITIONS["close"].note_required
    assert TRANSITIONS["complete"].outcome_required


@pytest.mark.parametrize("state", Status.values)
def test_every_action_by_every_actor_from(state, sent):
    referral = sent["referral"]
    users = sent["users"]
    actors = {
        LIAISON: users["dukcapil_loteng_2"],
        TEAM: sent["worker"],
        "other_liaison": users["dinsos_loteng"],
        "facilitator": users["fasilitator_praya"],
        "coordinator": users["koordinator_ntb"],
    }
    problems = []
    for action in ACTIONS:
        for who, user in actors.items():
            Referral.objects.filter(pk=referral.pk).update(status=state)
            events_before = ReferralEvent.objects.filter(referral=referral).count()
            expected = LIFECYCLE.get((state, action))
            if who not in (LIAISON, TEAM) or (who == LIAISON and state == Status.DRAFT):
                outcome = NotFound  # they cannot see the referral at all (liaisons never see drafts)
            elif TRANSITIONS[action].actor != who:
                outcome = Forbidden
            elif expected is None:
                outcome = Conflict
            else:
                outcome = expected[0]
            try:
                result = referral_transition(
                    actor=user, referral_id=referral.pk, action=action, note="alasan", outcome="AL.123"
                )
                got = result.status
            except (NotFound, Forbidden, Conflict) as exc:
                got = type(exc)
            if got != outcome:
                problems.append((state, action, who, got, outcome))
            if isinstance(outcome, str):
                fresh = Referral.objects.get(pk=referral.pk)
                assert getattr(fresh, STAMPS[action]) is not None
                event = ReferralEvent.objects.filter(referral=referral).latest("pk")
                assert (event.action, event.from_status, event.status, event.by) == (
                    action,
                    state,
                    outcome,
                    user,
                )
            else:
                assert ReferralEvent.objects.filter(referral=referral).count() == events_before
    assert problems == []


def test_buttons_follow_the_table():
    assert [t.action for t in actions_for(status=Status.SENT, actors={LIAISON})] == ["accept", "decline"]
    assert [t.action for t in actions_for(status=Status.SENT, actors={TEAM})] == ["withdraw"]
    assert [t.action for t in actions_for(status=Status.IN_PROGRESS, actors={LIAISON})] == [
        "complete",
        "close",
    ]
    assert actions_for(status=Status.COMPLETED, actors={LIAISON, TEAM}) == []


@pytest.mark.parametrize(
    ("path", "action", "field"),
    [
        ([], "decline", "note"),
        (["accept", "start"], "close", "note"),
        (["accept", "start"], "complete", "outcome"),
    ],
)
def test_missing_reason_or_outcome_is_refused_and_nothing_changes(sent, path, action, field):
    liaison = sent["users"]["dukcapil_loteng_1"]
    referral = sent["referral"]
    for step in path:
        referral_transition(actor=liaison, referral_id=referral.pk, action=step)
    before = Referral.objects.get(pk=referral.pk).status
    with pytest.raises(InvalidInput) as exc:
        referral_transition(actor=liaison, referral_id=referral.pk, action=action, note="  ", outcome="")
    assert field in exc.value.errors
    assert Referral.objects.get(pk=referral.pk).status == before


def test_unknown_action_is_invalid(sent):
    with pytest.raises(InvalidInput):
        referral_transition(actor=sent["worker"], referral_id=sent["referral"].pk, action="approve")


def test_ending_revokes_the_agency_identity_and_thread(sent):
    from referrals.selectors import referral_access

    liaison = sent["users"]["dukcapil_loteng_1"]
    referral = sent["referral"]
    access = referral_access(user=liaison, referral_id=referral.pk)
    assert access.sees_identity and access.sees_thread
    referral_transition(actor=liaison, referral_id=referral.pk, action="decline", note="Bukan wilayah kami")
    liaison = type(liaison).objects.get(pk=liaison.pk)  # fresh permission cache
    access = referral_access(user=liaison, referral_id=referral.pk)
    # No identity; the thread only read-only and only the agency's own messages (issues 19.3 and 20).
    assert not access.sees_identity and access.thread_own_group_id == referral.agency.group_id
    assert access.referral.decline_reason == "Bukan wilayah kami"
