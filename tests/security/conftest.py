"""The world the security tests attack: the platform demo, a child's case in a dusun of Desa Jago with consent
to Dukcapil, a referral sent to Dukcapil with a private message, a thread and a post in the dusun forum."""

import datetime as dt

import pytest

CHILD_NAME = "Baiq Kirana Securitytest"
CAREGIVER = "Inaq Sahnun Securitytest"


def _birth():
    today = dt.date.today()
    return dt.date(today.year - 7, 3, 9)


def _nik(day: dt.date) -> str:
    return f"520201{day.day + 40:02d}{day.month:02d}{day.year % 100:02d}0007"  # girls: day + 40


@pytest.fixture
def world(demo):
    from portal.agencies.models import Service
    from referrals.services import case_register, consent_record, referral_create, referral_message_post

    users, agencies = demo["users"], demo["agencies"]
    worker = users["pendamping_jago"]
    dukcapil = agencies["Dinas Dukcapil Kab. Lombok Tengah"]
    birth = _birth()
    case = case_register(
        actor=worker,
        area=demo["hamlets"]["52.02.01.2013"][0],
        child_name=CHILD_NAME,
        sex="F",
        birth_date=birth,
        nik=_nik(birth),
        caregiver_name=CAREGIVER,
        caregiver_relation="nenek",
        caregiver_phone="081234567890",
        address="Dusun Securitytest RT 01",
        parent_abroad="mother",
        destination_country="Malaysia",
        needs=list(Service.objects.filter(slug__in=["akta-kelahiran"])),
    )
    consent = consent_record(
        actor=worker, code=case.code, given_by=CAREGIVER, relation="nenek", agencies=[dukcapil]
    )
    referral = referral_create(
        actor=worker,
        code=case.code,
        agency=dukcapil,
        service=Service.objects.get(slug="akta-kelahiran"),
        note=f"{CHILD_NAME} has no birth certificate",
    )
    message = referral_message_post(
        actor=worker, referral_id=referral.pk, body=f"Secret note about {CHILD_NAME}"
    )
    return {
        **demo,
        "case": case,
        "consent": consent,
        "referral": referral,
        "message": message,
        "worker": worker,
        "dukcapil": dukcapil,
        "birth": birth,
        "nik": _nik(birth),
    }
