"""Consent rules: no referral without consent covering the agency; withdrawal stops new referrals; the override
is only for urgent child-protection referrals, flagged and audited."""

import datetime as dt

import pytest

from portal.audit.models import AuditEntry
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from referrals.models import Referral
from referrals.services import consent_record, consent_withdraw, referral_create


def refer(jago, agency, service, **kw):
    return referral_create(
        actor=jago["worker"],
        code=jago["case"].code,
        agency=jago[agency],
        service=jago[service],
        note="x",
        **kw,
    )


def test_consent_covers_only_the_named_agencies(jago):
    assert refer(jago, "dukcapil", "akta").status == "sent"
    with pytest.raises(Conflict, match="consent"):
        refer(jago, "dinsos", "pkh")
    assert Referral.objects.count() == 1


def test_withdrawn_consent_stops_new_referrals_and_ends_sent_ones(jago):
    sent = refer(jago, "dukcapil", "akta")
    consent = jago["case"].consents.get()
    consent_withdraw(
        actor=jago["worker"], code=jago["case"].code, consent_id=consent.pk, note="Nenek menarik"
    )
    with pytest.raises(Conflict):
        consent_withdraw(actor=jago["worker"], code=jago["case"].code, consent_id=consent.pk)
    from portal.agencies.models import Service

    with pytest.raises(Conflict, match="consent"):
        referral_create(
            actor=jago["worker"],
            code=jago["case"].code,
            agency=jago["dukcapil"],
            service=Service.objects.get(slug="kia"),
            note="x",
        )
    assert Referral.objects.get(pk=sent.pk).status == "withdrawn"  # issue 19.2: test_consent_withdrawal.py
    assert AuditEntry.objects.filter(action="consent.withdraw", case_code=jago["case"].code).exists()


def test_override_only_for_urgent_child_protection(jago):
    reason = "Pengasuh diduga pelaku kekerasan; meminta persetujuan membahayakan anak."
    with pytest.raises(Conflict, match="child-protection"):
        refer(jago, "dinsos", "pkh", urgency="urgent", consent_override_reason=reason)
    with pytest.raises(Conflict):
        refer(jago, "ppa", "protection", urgency="routine", consent_override_reason=reason)
    with pytest.raises(Conflict):
        refer(jago, "ppa", "protection", urgency="urgent")  # no reason recorded
    r = refer(jago, "ppa", "protection", urgency="urgent", consent_override_reason=reason)
    assert r.consent_override and r.consent is None and r.consent_override_reason == reason
    entry = AuditEntry.objects.get(action="referral.send", object_id=str(r.pk))
    assert entry.detail["consent_override"] is True and entry.case_code == jago["case"].code


def test_override_reason_is_ignored_when_consent_exists(jago):
    r = refer(jago, "dukcapil", "akta", consent_override_reason="tidak perlu")
    assert not r.consent_override and r.consent is not None


def test_who_may_record_consent(jago):
    users, code = jago["users"], jago["case"].code
    with pytest.raises(Forbidden):
        consent_record(
            actor=users["fasilitator_praya"], code=code, given_by="x", relation="y", agencies=[jago["dinsos"]]
        )
    with pytest.raises(NotFound):
        consent_record(
            actor=users["pendamping_sukaraja"],
            code=code,
            given_by="x",
            relation="y",
            agencies=[jago["dinsos"]],
        )
    with pytest.raises(InvalidInput) as exc:
        consent_record(
            actor=jago["worker"],
            code=code,
            given_by="",
            relation="nenek",
            agencies=[],
            given_on=dt.date.today() + dt.timedelta(days=3),
        )
    assert set(exc.value.errors) == {"given_by", "agencies", "given_on"}


def test_a_second_open_referral_for_the_same_service_is_refused(jago):
    refer(jago, "dukcapil", "akta")
    with pytest.raises(Conflict):
        refer(jago, "dukcapil", "akta")


def test_declined_referral_can_be_resent_to_another_agency(jago):
    from portal.agencies.services import agency_create
    from referrals.services import referral_resend, referral_transition

    other = agency_create(
        name="UPT Dukcapil Praya", kind="dukcapil", area=jago["areas"]["52.02.01"], services=[jago["akta"]]
    )
    consent_record(
        actor=jago["worker"], code=jago["case"].code, given_by="Inaq", relation="nenek", agencies=[other]
    )
    r = refer(jago, "dukcapil", "akta")
    with pytest.raises(Conflict):
        referral_resend(actor=jago["worker"], referral_id=r.pk, agency=other)
    referral_transition(
        actor=jago["users"]["dukcapil_loteng_1"], referral_id=r.pk, action="decline", note="Ke UPT"
    )
    with pytest.raises(InvalidInput):
        referral_resend(actor=jago["worker"], referral_id=r.pk, agency=jago["dukcapil"])
    new = referral_resend(actor=jago["worker"], referral_id=r.pk, agency=other)
    assert new.status == "sent" and new.resent_from == Referral.objects.get(pk=r.pk) and new.agency == other
