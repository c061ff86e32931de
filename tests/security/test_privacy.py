"""UU PDP: closing a case, anonymising it after the retention period (aggregates kept, identity gone, audited,
idempotent), exporting everything held about a child, and the append-only audit log in the database."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.core.errors import Conflict
from tests.security.conftest import CAREGIVER, CHILD_NAME


def _close(world, days_ago=400):
    from referrals.models import ChildCase
    from referrals.services import referral_transition

    referral_transition(
        actor=world["worker"], referral_id=world["referral"].pk, action="withdraw", note="done"
    )
    from referrals.privacy import case_close

    case_close(actor=world["worker"], code=world["case"].code)
    ChildCase.objects.filter(pk=world["case"].pk).update(
        closed_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_a_case_with_an_open_referral_cannot_be_closed(world):
    from referrals.privacy import case_close

    with pytest.raises(Conflict):
        case_close(actor=world["worker"], code=world["case"].code)


def test_anonymise_blanks_identity_keeps_aggregates_is_audited_and_idempotent(world, capsys):
    from referrals.models import ChildCase, Referral, ReferralMessage

    case = world["case"]
    _close(world)
    village = case.village
    before = {
        "cases": ChildCase.objects.filter(village=village).count(),
        "referral": Referral.objects.values("status", "sent_at", "withdrawn_at", "service_id").get(
            pk=world["referral"].pk
        ),
    }

    call_command("anonymise_closed_cases", "--older-than-days", "365")
    assert "1 case(s) anonymised" in capsys.readouterr().out

    case.refresh_from_db()
    assert CHILD_NAME not in case.child_name and case.nik == "" and CAREGIVER not in case.caregiver_name
    assert case.caregiver_phone == "" and case.address == "" and case.notes == ""
    assert case.birth_date == dt.date(world["birth"].year, 1, 1)
    assert case.area_id == village.pk and case.sex == "F" and case.destination_country == "Malaysia"
    assert list(case.needs.values_list("slug", flat=True)) == ["akta-kelahiran"]
    assert ChildCase.objects.filter(village=village).count() == before["cases"]
    assert (
        Referral.objects.values("status", "sent_at", "withdrawn_at", "service_id").get(
            pk=world["referral"].pk
        )
        == before["referral"]
    )
    assert CHILD_NAME not in ReferralMessage.objects.get(pk=world["message"].pk).body
    assert CHILD_NAME not in Referral.objects.get(pk=world["referral"].pk).note
    consent = case.consents.get()
    assert CAREGIVER not in consent.given_by and consent.relation == ""
    entry = AuditEntry.objects.get(action="case.anonymise", case_code=case.code)
    assert "child_name" in entry.fields and entry.surface == "command"
    assert CHILD_NAME not in json.dumps(entry.detail)

    # Idempotent: a second run changes nothing and writes no second audit entry.
    updated_at = ChildCase.objects.get(pk=case.pk).updated_at
    call_command("anonymise_closed_cases", "--older-than-days", "365")
    assert "0 case(s) anonymised" in capsys.readouterr().out
    assert ChildCase.objects.get(pk=case.pk).updated_at == updated_at
    assert AuditEntry.objects.filter(action="case.anonymise").count() == 1


def test_anonymise_leaves_cases_inside_the_retention_period(world, capsys):
    _close(world, days_ago=30)
    call_command("anonymise_closed_cases", "--older-than-days", "365")
    assert "0 case(s) anonymised" in capsys.readouterr().out
    world["case"].refresh_from_db()
    assert world["case"].child_name == CHILD_NAME


def test_export_child_data_holds_everything_and_is_audited(world, capsys, tmp_path):
    case = world["case"]
    out = tmp_path / "export.json"
    call_command("export_child_data", case.code, "--output", str(out), "--actor", "pendamping_jago")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["case"]["child_name"] == CHILD_NAME and data["case"]["nik"] == world["nik"]
    assert data["consents"][0]["given_by"] == CAREGIVER
    assert data["referrals"][0]["service"] == "akta-kelahiran"
    assert data["referrals"][0]["messages"][0]["body"].startswith("Secret note")
    assert {"case.register"} <= {a["action"] for a in data["access_log"]}
    entry = AuditEntry.objects.filter(action="case.export", case_code=case.code).get()
    assert entry.actor_name == "pendamping_jago" and entry.surface == "export"


def test_export_of_an_unknown_case_fails_cleanly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_child_data", "APM-9999-99999")


def _entry():
    from portal.audit.services import audit_log

    return audit_log(actor=None, action="test.guard", case_code="APM-0000-00001", surface="command")


def test_audit_log_is_append_only_in_the_database(db):
    entry = _entry()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.guard").exists()


def test_deleting_an_account_keeps_its_audit_entries(db):
    from portal.audit.services import audit_log
    from tests.factories import make_user

    user = make_user()
    entry = audit_log(actor=user, action="test.who", surface="command")
    user.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id is None and entry.actor_name == user.username and entry.action == "test.who"


@pytest.mark.postgres
def test_audit_guard_is_a_postgresql_trigger(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass AND NOT tgisinternal"
        )
        assert ("audit_auditentry_append_only",) in cursor.fetchall()


def test_flush_still_empties_the_database(transactional_db):
    """The test runner flushes between transactional tests; flush lifts the guard for itself only."""
    _entry()
    call_command("flush", verbosity=0, interactive=False)
    assert not AuditEntry.objects.exists()
    entry = _entry()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
