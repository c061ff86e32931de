"""The action item lifecycle, table-driven from forums/meetings/transitions.py: every state × action × person, through
the service and through the API (404 unseen, 403 not theirs, 409 wrong state, 422 missing note), and the buttons the
page shows are exactly the transitions the service allows."""

import itertools

import pytest

from forums.meetings import transitions as T
from forums.meetings.models import ActionItem, ActionStatus
from forums.meetings.selectors import action_item_get
from forums.meetings.services import action_item_actors, action_item_transition, action_items_sweep
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound

from .conftest import wita

pytestmark = pytest.mark.django_db

# An action item of the Desa Jago forum, owned by kader_jago; the next tier is Kec. Praya.
# Who holds which role of transitions.py on it (written out, not computed: this is what the table must give).
PEOPLE = {
    "kader_jago": {T.OWNER},
    "fasilitator_jago": {T.FACILITATOR},
    "fasilitator_praya": {T.FACILITATOR, T.NEXT_TIER},  # oversees Desa Jago, and is the tier above
    "pendamping_jago": set(),  # reads the forum, holds no role on the item
    "koordinator_ntb": {T.FACILITATOR, T.NEXT_TIER},
    "kader_sukaraja": None,  # cannot see it
    "dukcapil_loteng_1": None,
}
STATES = ["open", "open_raised", "done", "dropped", "taken_over"]


def _item(world, state):
    from forums.meetings.services import action_item_add, decision_add

    users = world["users"]
    decision = decision_add(
        meeting=world["meetings"]["desa"], actor=users["fasilitator_jago"], text="Keputusan."
    )
    due = wita(-3).date() if state != "open" else wita(5).date()
    item = action_item_add(
        decision=decision,
        actor=users["fasilitator_jago"],
        title="Kirim surat ke Dinas Sosial",
        owner_ids=[users["kader_jago"].pk],
        due_on=due,
    )
    if state != "open":
        action_items_sweep()
    if state in ("done", "dropped", "taken_over"):
        action = {"done": "done", "dropped": "drop", "taken_over": "take_over"}[state]
        actor = users["fasilitator_praya"] if state == "taken_over" else users["fasilitator_jago"]
        action_item_transition(item_id=item.pk, actor=actor, action=action, note="Catatan.")
    return ActionItem.objects.get(pk=item.pk)


def _expected(state, action, roles):
    if roles is None:
        return NotFound
    t = T.TRANSITIONS[action]
    raised = state != "open"
    if t.requires_raised and not raised:
        return Conflict
    if not set(t.actors) & (roles if raised else roles - {T.NEXT_TIER}):
        return Forbidden
    status = {"open_raised": "open"}.get(state, state)
    if T.transition_for(status=status, action=action) is None:
        return Conflict
    return "ok"


@pytest.mark.parametrize("state", STATES)
def test_every_state_action_and_person(mworld, state):
    """One state per test (the demo is built once), every action × person inside it, each on a fresh item."""
    for action, username in itertools.product(T.ACTIONS, PEOPLE):
        item = _item(mworld, state)
        user = mworld["users"][username]
        expected = _expected(state, action, PEOPLE[username])
        case = f"{state} × {action} × {username}"
        if expected == "ok":
            result = action_item_transition(
                item_id=item.pk, actor=user, action=action, note="Sudah dikerjakan."
            )
            item.refresh_from_db()
            assert item.status == T.TRANSITIONS[action].target, case
            assert item.events.filter(action=action, by=user).exists(), case
            if action == "take_over":
                assert result.taken_over_from_id == item.pk and result.forum == item.raised_to, case
                assert result.status == ActionStatus.OPEN and list(result.owners.all()) == [user], case
        else:
            with pytest.raises(expected):
                action_item_transition(item_id=item.pk, actor=user, action=action, note="Sudah dikerjakan.")
            item.refresh_from_db()
            assert item.status == {"open_raised": "open"}.get(state, state), case


@pytest.mark.parametrize("state", STATES)
def test_buttons_are_what_the_service_allows(mworld, state):
    item = _item(mworld, state)
    for username, roles in PEOPLE.items():
        if roles is None:
            continue
        user = mworld["users"][username]
        seen = action_item_get(user=user, pk=item.pk)
        buttons = {
            t.action
            for t in T.actions_for(
                status=seen.status,
                actors=action_item_actors(user=user, item=seen),
                raised=seen.raised_to_id is not None,
            )
        }
        assert buttons == {a for a in T.ACTIONS if _expected(state, a, roles) == "ok"}, username


@pytest.mark.parametrize("action", ["done", "drop"])
def test_done_needs_a_note_and_drop_a_reason(mworld, action):
    item = _item(mworld, "open")
    with pytest.raises(InvalidInput) as exc:
        action_item_transition(
            item_id=item.pk, actor=mworld["users"]["fasilitator_jago"], action=action, note=" "
        )
    assert "note" in exc.value.errors
    assert ActionItem.objects.get(pk=item.pk).status == "open"


def test_unknown_action_is_422(mworld):
    item = _item(mworld, "open")
    with pytest.raises(InvalidInput) as exc:
        action_item_transition(item_id=item.pk, actor=mworld["users"]["fasilitator_jago"], action="reopen")
    assert "action" in exc.value.errors


API_STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, "ok": 200}


@pytest.mark.parametrize("state", STATES)
def test_api_status_codes(mworld, token_for, state, client):
    tokens = {u: token_for(mworld["users"][u]) for u in PEOPLE}
    for action, username in itertools.product(T.ACTIONS, PEOPLE):
        item = _item(mworld, state)
        response = client.post(
            f"/api/v1/action-items/{item.pk}/transitions",
            {"action": action, "note": "Sudah dikerjakan."},
            content_type="application/json",
            HTTP_AUTHORIZATION=tokens[username],
        )
        expected = API_STATUS[_expected(state, action, PEOPLE[username])]
        assert response.status_code == expected, (state, action, username, response.content)
        if expected == 200:
            assert response.json()["status"] in ("done", "dropped", "open")
        else:
            assert set(response.json()) >= {"detail"}


def test_api_422_names_the_field(mworld, token_for, client):
    item = _item(mworld, "open")
    auth = token_for(mworld["users"]["fasilitator_jago"])
    r = client.post(f"/api/v1/action-items/{item.pk}/transitions", {"action": "drop", "note": ""},
                    content_type="application/json", HTTP_AUTHORIZATION=auth)  # fmt: skip
    assert r.status_code == 422 and "note" in r.json()["errors"]
    r = client.post(f"/api/v1/action-items/{item.pk}/transitions", {"action": "nope"},
                    content_type="application/json", HTTP_AUTHORIZATION=auth)  # fmt: skip
    assert r.status_code == 422 and "action" in r.json()["errors"]
    r = client.post("/api/v1/action-items/987654321/transitions", {"action": "done", "note": "x"},
                    content_type="application/json", HTTP_AUTHORIZATION=auth)  # fmt: skip
    assert r.status_code == 404


def test_an_agency_owner_is_an_owner(mworld):
    from forums.meetings.services import action_item_add, decision_add

    users, agencies = mworld["users"], mworld["agencies"]
    decision = decision_add(
        meeting=mworld["meetings"]["desa"], actor=users["fasilitator_jago"], text="Keputusan."
    )
    item = action_item_add(
        decision=decision,
        actor=users["fasilitator_jago"],
        title="Layanan akta keliling",
        agency_id=agencies["Dinas Dukcapil Kab. Lombok Tengah"].pk,
        due_on=wita(10).date(),
    )
    with pytest.raises(NotFound):
        action_item_get(user=users["dinsos_loteng"], pk=item.pk)
    liaison = users["dukcapil_loteng_2"]
    assert action_item_actors(user=liaison, item=action_item_get(user=liaison, pk=item.pk)) == {T.OWNER}
    action_item_transition(item_id=item.pk, actor=liaison, action="done", note="Akta 12 anak terbit.")
    assert ActionItem.objects.get(pk=item.pk).status == "done"
