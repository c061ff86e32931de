"""Fixtures for the referrals tests: the platform demo plus a registered child with consent to Dukcapil."""

import datetime as dt

import pytest

CHILD_NAME = "Lalu Zulkarnain Test"
CAREGIVER = "Inaq Rumenah"


def birth(years_ago=6):
    today = dt.date.today()
    return dt.date(today.year - years_ago, 5, 17)


def nik_for(day: dt.date, sex="M", region="520201", seq=1):
    d = day.day + (40 if sex == "F" else 0)
    return f"{region}{d:02d}{day.month:02d}{day.year % 100:02d}{seq:04d}"


@pytest.fixture
def jago(demo):
    """The demo of API.md plus one case of pendamping_jago in Dusun Jago Timur with consent to Dukcapil."""
    from portal.agencies.models import Service
    from referrals.services import case_register, consent_record

    users, agencies = demo["users"], demo["agencies"]
    worker = users["pendamping_jago"]
    b = birth()
    case = case_register(
        actor=worker,
        area=demo["hamlets"]["52.02.01.2013"][0],
        child_name=CHILD_NAME,
        sex="M",
        birth_date=b,
        nik=nik_for(b),
        caregiver_name=CAREGIVER,
        caregiver_relation="nenek",
        parent_abroad="mother",
        destination_country="Malaysia",
        needs=list(Service.objects.filter(slug__in=["akta-kelahiran", "pkh"])),
    )
    dukcapil = agencies["Dinas Dukcapil Kab. Lombok Tengah"]
    dinsos = agencies["Dinas Sosial Kab. Lombok Tengah"]
    consent_record(actor=worker, code=case.code, given_by=CAREGIVER, relation="nenek", agencies=[dukcapil])
    return {
        **demo,
        "case": case,
        "worker": worker,
        "dukcapil": dukcapil,
        "dinsos": dinsos,
        "ppa": agencies["UPTD PPA Kab. Lombok Tengah"],
        "akta": Service.objects.get(slug="akta-kelahiran"),
        "pkh": Service.objects.get(slug="pkh"),
        "protection": Service.objects.get(slug="perlindungan-anak"),
    }


@pytest.fixture
def sent(jago):
    """A referral of the jago case to Dukcapil for a birth certificate, sent."""
    from referrals.services import referral_create

    jago["referral"] = referral_create(
        actor=jago["worker"],
        code=jago["case"].code,
        agency=jago["dukcapil"],
        service=jago["akta"],
        note="Akta",
    )
    return jago


@pytest.fixture(autouse=True)
def english_services():
    """Service-level messages in English, whatever language an earlier page request left active in this
    thread (pages and the API activate the person's language themselves, Indonesian by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield
