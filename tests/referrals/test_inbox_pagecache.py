"""The cached agency inbox (portal/core/pagecache.py, referrals/pagecache.py) is never stale and never someone
else's.

THE CORRECTNESS TABLE: for every public function of the referrals write modules (services, triage, privacy,
identity; enumerated, so a new public function fails here until it is in ROWS or in NOT_INBOX), the inbox is
rendered warm for the agency's two liaisons (the second request is a cache hit), the write is made, and the
inbox rendered again must show the change. Rows for writers outside those modules (a person's name, an agency,
a liaison removed) follow the same path."""

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from portal.agencies.services import agency_liaison_add, agency_liaison_remove, agency_update
from referrals import identity, privacy, services, triage
from referrals.models import Referral
from referrals.pagecache import touch_agencies

from .conftest import CAREGIVER, CHILD_NAME

pytestmark = pytest.mark.django_db

INBOX = "/cases/inbox/"
OVERDUE = "/cases/inbox/?tab=overdue"
ALL = "/cases/inbox/?tab=all"

NOT_INBOX = {
    # services
    "today": "a helper",
    "validate_nik": "a check",
    "nik_area_warning": "a check",
    "identity_errors": "a check",
    "case_register": "a new case has no referral: on no inbox",
    "case_team_add": "the case team is not shown by an inbox row",
    "consent_record": "consent is not shown by the inbox",
    "referral_message_post": "the private thread is not shown by the inbox",
    "case_update_needs": "the needs are not shown by an inbox row (the case's save bumps anyway)",
    # triage
    "attention_referral": "a read",
    "liaisons_to_pass_to": "a read",
    "need_met_on_complete": "part of 'complete' (row referral_transition:complete)",
    "need_met_undo": "the case's needs are not shown by an inbox row (the case's save bumps anyway)",
    "attention_mark_handled": "an event only the facilitator's page shows (its event bumps anyway)",
    # privacy
    "cases_due_for_anonymisation": "a read",
    "cases_anonymise": "loops over case_anonymise (a row)",
    "child_data_export": "a read",
    # identity
    "corrections_by_entry": "a read",
    "case_correct_identity": "the child's identity is not on the inbox (and the case's save bumps anyway); no "
    "service moves a case to another village",
}
MODULES = (services, triage, privacy, identity)


def _public() -> set[str]:
    return {
        name
        for mod in MODULES
        for name, func in inspect.getmembers(mod, inspect.isfunction)
        if func.__module__ == mod.__name__ and not name.startswith("_")
    }


@dataclass
class Row:
    service: str
    write: Callable  # (world) -> None
    url: str
    shows: Callable  # (html, world) -> bool
    setup: Callable | None = None  # (world) -> None, before the page is warmed


def _code(w):
    return w["case"].code


def _row_of(html, w, pk=None):
    pk = pk or w["referral"].pk
    start = html.find(f'data-referral="{pk}"')
    return html[start : html.find("</li>", start)] if start >= 0 else ""


def _act(action, who="liaison", **kw):
    def write(w):
        actor = w["users"]["dukcapil_loteng_1"] if who == "liaison" else w["worker"]
        services.referral_transition(actor=actor, referral_id=w["referral"].pk, action=action, **kw)

    return write


def _accepted(w):
    _act("accept")(w)


def _started(w):
    _act("accept")(w)
    _act("start")(w)


def _overdue_sent(w):
    # As time passing would: the deadline is moved into the past. A bulk update sends no signal, so the test
    # bumps as the passing of the deadline would be noticed (the cached page's `until`: see test_time_passes).
    Referral.objects.filter(pk=w["referral"].pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    touch_agencies([w["dukcapil"].pk])


def _sweep(w):
    _overdue_sent(w)
    services.referrals_sweep_overdue()


def _rename(w):
    u = w["worker"]
    u.display_name = "Baiq Renamed Sender"
    u.save(update_fields=["display_name"])


def _claim(w):
    triage.referral_claim(actor=w["users"]["dukcapil_loteng_2"], referral_id=w["referral"].pk)


ROWS = [
    Row(
        "referral_create",
        lambda w: (
            agency_update(agency=w["dukcapil"], services=[*w["dukcapil"].services.all(), w["pkh"]]),
            services.referral_create(
                actor=w["worker"], code=_code(w), agency=w["dukcapil"], service=w["pkh"], note="PKH"
            ),
        ),
        INBOX,
        lambda html, w: html.count('class="inbox-item"') == 2,
    ),
    Row(
        "referral_transition",
        _act("accept"),
        INBOX,
        lambda html, w: _code(w) not in html,
    ),
    Row("referral_transition", _act("accept"), "/cases/inbox/?tab=accepted", lambda h, w: _code(w) in h),
    Row(
        "referral_transition",
        lambda w: (_accepted(w), _act("start")(w)),
        "/cases/inbox/?tab=in_progress",
        lambda h, w: _code(w) in h,
    ),
    Row(
        "referral_transition",
        lambda w: (_started(w), _act("complete", outcome="done")(w)),
        ALL,
        lambda h, w: "status-completed" in _row_of(h, w),
    ),
    Row(
        "referral_transition",
        _act("decline", note="Bukan wewenang kami", decline_category="not_our_service"),
        ALL,
        lambda h, w: "status-declined" in _row_of(h, w),
    ),
    Row(
        "referral_transition",
        _act("withdraw", who="worker", note="Salah kirim"),
        ALL,
        lambda h, w: "status-withdrawn" in _row_of(h, w),
    ),
    Row(
        "referral_resend",
        lambda w: (
            _act("decline", note="Bukan wewenang kami", decline_category="not_our_service")(w),
            agency_update(agency=w["dinsos"], services=[*w["dinsos"].services.all(), w["akta"]]),
            services.consent_record(
                actor=w["worker"], code=_code(w), given_by=CAREGIVER, relation="nenek", agencies=[w["dinsos"]]
            ),
            services.referral_resend(actor=w["worker"], referral_id=w["referral"].pk, agency=w["dinsos"]),
        ),
        ALL,
        lambda h, w: "status-declined" in _row_of(h, w),
    ),
    Row("referral_claim", _claim, INBOX, lambda h, w: "handled-by" in _row_of(h, w)),
    Row(
        "referral_release",
        lambda w: triage.referral_release(
            actor=w["users"]["dukcapil_loteng_2"], referral_id=w["referral"].pk
        ),
        INBOX,
        lambda h, w: _code(w) in h and "handled-by" not in _row_of(h, w),
        setup=_claim,
    ),
    Row(
        "referral_pass_on",
        lambda w: triage.referral_pass_on(
            actor=w["users"]["dukcapil_loteng_1"], referral_id=w["referral"].pk, username="dukcapil_loteng_2"
        ),
        INBOX,
        lambda h, w: "Hendra Wijaya" in _row_of(h, w),
    ),
    Row(
        "referral_accept_and_start",
        lambda w: triage.referral_accept_and_start(
            actor=w["users"]["dukcapil_loteng_1"], referral_id=w["referral"].pk
        ),
        "/cases/inbox/?tab=in_progress",
        lambda h, w: _code(w) in h,
        setup=lambda w: agency_update(agency=w["dukcapil"], accept_starts_work=True),
    ),
    Row(
        "referrals_bulk_accept",
        lambda w: triage.referrals_bulk_accept(
            actor=w["users"]["dukcapil_loteng_1"], referral_ids=[w["referral"].pk]
        ),
        "/cases/inbox/?tab=accepted",
        lambda h, w: _code(w) in h,
    ),
    Row("referrals_sweep_overdue", _sweep, OVERDUE, lambda h, w: _code(w) in h),
    Row(
        "attention_remind",
        lambda w: (
            _overdue_sent(w),
            triage.attention_remind(actor=w["facilitator"], referral_id=w["referral"].pk),
        ),
        OVERDUE,
        lambda h, w: _code(w) in h,
    ),
    Row(
        "case_close",
        lambda w: (
            _act("withdraw", who="worker", note="Selesai")(w),
            privacy.case_close(actor=w["worker"], code=_code(w)),
        ),
        ALL,
        lambda h, w: "status-withdrawn" in _row_of(h, w),
    ),
    Row(
        "case_anonymise",
        lambda w: (
            _act("withdraw", who="worker", note="Selesai")(w),
            privacy.case_close(actor=w["worker"], code=_code(w)),
            privacy.case_anonymise(case=w["case"], retention_days=0),
        ),
        ALL,
        lambda h, w: "status-withdrawn" in _row_of(h, w),
    ),
    Row(
        "consent_withdraw",
        lambda w: services.consent_withdraw(
            actor=w["worker"], code=_code(w), consent_id=w["case"].consents.first().pk, note="Ditarik"
        ),
        ALL,
        lambda h, w: "status-withdrawn" in _row_of(h, w),
    ),
    # Writers outside the referrals modules.
    Row("person's name", _rename, INBOX, lambda h, w: "Baiq Renamed Sender" in h),
    Row(
        "agency_update",
        lambda w: agency_update(agency=w["dukcapil"], name="Dinas Dukcapil Baru"),
        INBOX,
        lambda h, w: "Dinas Dukcapil Baru" in h,
    ),
]


@pytest.fixture
def world(sent):
    from portal.people.models import Membership, Role

    fac = Membership.objects.filter(role=Role.FACILITATOR, area=sent["case"].village.parent).first()
    sent["facilitator"] = fac.user if fac else None
    return sent


def test_every_write_service_is_in_the_table():
    covered = {r.service for r in ROWS} | set(NOT_INBOX)
    missing = _public() - covered
    assert not missing, f"referrals write functions neither in ROWS nor in NOT_INBOX: {sorted(missing)}"


def _get(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}-{r.service}" for i, r in enumerate(ROWS)])
def test_a_write_shows_at_once(world, client, row):
    if row.service == "attention_remind":
        assert world["facilitator"] is not None, "the demo has a facilitator of the case's kecamatan"
    viewers = [world["users"]["dukcapil_loteng_1"], world["users"]["dukcapil_loteng_2"]]
    pages = {}
    if row.setup:
        row.setup(world)
    for v in viewers:
        client.force_login(v)
        _get(client, row.url)
        second = _get(client, row.url)
        assert second["X-Page-Cache"] == "hit", "the second view is served from the cache"
        pages[v.pk] = second.content.decode()
    assert not row.shows(pages[viewers[0].pk], world), "the row's change is not there before the write"
    row.write(world)
    for v in viewers:
        client.force_login(v)
        html = _get(client, row.url).content.decode()
        assert row.shows(html, world), f"{row.service}: the inbox of {v.username} does not show the change"


def _refer_to_dinsos(world):
    """The same case referred to a second agency (Dinas Sosial), its consent first."""
    from referrals.services import consent_record, referral_create

    consent_record(
        actor=world["worker"],
        code=_code(world),
        given_by=CAREGIVER,
        relation="nenek",
        agencies=[world["dinsos"]],
    )
    return referral_create(
        actor=world["worker"], code=_code(world), agency=world["dinsos"], service=world["pkh"]
    )


def test_two_agencies_never_see_each_other(world, client):
    _refer_to_dinsos(world)
    a, b = world["users"]["dukcapil_loteng_1"], world["users"]["dinsos_loteng"]
    client.force_login(a)
    _get(client, ALL)
    page_a = _get(client, ALL).content.decode()
    client.force_login(b)
    first_b = _get(client, ALL)
    assert first_b["X-Page-Cache"] == "miss"
    page_b = first_b.content.decode()
    assert f'data-referral="{world["referral"].pk}"' in page_a
    assert f'data-referral="{world["referral"].pk}"' not in page_b
    assert "Dinas Sosial" in page_b and "Dinas Sosial" not in page_a.split("<h1>")[1].split("</p>")[0]


def test_a_removed_liaison_loses_the_inbox_at_once(world, client):
    liaison = world["users"]["dukcapil_loteng_2"]
    client.force_login(liaison)
    _get(client, INBOX)
    assert _get(client, INBOX)["X-Page-Cache"] == "hit"
    agency_liaison_remove(agency=world["dukcapil"], user=liaison)
    assert client.get(INBOX).status_code == 404
    agency_liaison_add(agency=world["dinsos"], user=liaison)
    html = _get(client, ALL).content.decode()
    assert _code(world) not in html  # Dinsos has no referral of this case: Dukcapil's page is gone


def test_a_liaison_added_to_a_second_agency_sees_both(world, client):
    other = _refer_to_dinsos(world)
    liaison = world["users"]["dukcapil_loteng_1"]
    client.force_login(liaison)
    _get(client, ALL)
    assert f'data-referral="{other.pk}"' not in _get(client, ALL).content.decode()
    agency_liaison_add(agency=world["dinsos"], user=liaison)
    assert f'data-referral="{other.pk}"' in _get(client, ALL).content.decode()


def test_time_passes_overdue_shows_without_a_write(world, client, monkeypatch):
    """No write, no bump: the deadline passing alone makes the cached page, counts and list be rendered again."""
    liaison = world["users"]["dukcapil_loteng_1"]
    client.force_login(liaison)
    _get(client, OVERDUE)
    assert _get(client, OVERDUE)["X-Page-Cache"] == "hit"
    assert _code(world) not in _get(client, OVERDUE).content.decode()
    due = Referral.objects.get(pk=world["referral"].pk).due_at
    later = due + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    resp = _get(client, OVERDUE)
    assert resp["X-Page-Cache"] == "miss"
    assert _code(world) in resp.content.decode()


def test_the_cached_inbox_carries_no_child_identity(world, client):
    client.force_login(world["users"]["dukcapil_loteng_1"])
    for url in (INBOX, ALL, OVERDUE):
        html = _get(client, url).content.decode()
        case = world["case"]
        for secret in (CHILD_NAME, CAREGIVER, case.nik, case.birth_date.isoformat()):
            assert secret not in html, secret
