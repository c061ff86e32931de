"""Demo cases (idempotent): the boy of journey 1 in Dusun Jago Timur with a referral to Dinas Dukcapil for a
birth certificate, a PKH referral to Dinas Sosial past its deadline (journey 3), and two cases in Sukaraja.
The names are invented."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.agencies.models import Service
from portal.core.workdays import WITA, is_working_day, response_deadline

from .models import ChildCase, Referral, ReferralEvent, Status
from .pagecache import touch_agencies
from .services import (
    case_register,
    consent_record,
    referral_create,
    referral_transition,
    referrals_sweep_overdue,
)

JAGO = "52.02.01.2013"
SUKARAJA = "52.02.06.2001"
DUKCAPIL = "Dinas Dukcapil Kab. Lombok Tengah"
DINSOS = "Dinas Sosial Kab. Lombok Tengah"
DIKBUD = "Dinas Pendidikan Kab. Lombok Tengah"


def _nik(region: str, birth: dt.date, sex: str, seq: int) -> str:
    day = birth.day + (40 if sex == "F" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{seq:04d}"


def _years_ago(years: int, month: int, day: int) -> dt.date:
    return dt.date(timezone.now().astimezone(WITA).year - years, month, day)


def _case(
    context, *, worker, area, name, sex, birth, region, seq, caregiver, relation, parent, country, needs
):
    existing = ChildCase.objects.filter(child_name=name, created_by=worker).first()
    if existing:
        return existing, False
    case = case_register(
        actor=worker,
        area=area,
        child_name=name,
        sex=sex,
        birth_date=birth,
        nik=_nik(region, birth, sex, seq) if seq else "",
        caregiver_name=caregiver,
        caregiver_relation=relation,
        parent_abroad=parent,
        destination_country=country,
        abroad_since=birth + dt.timedelta(days=400),
        needs=list(Service.objects.filter(slug__in=needs)),
    )
    return case, True


def _backdate(referral: Referral, *, working_days_ago: int) -> None:
    """Move a demo referral's sending back in time, as if it had been sent `working_days_ago` working days ago."""
    today = timezone.now().astimezone(WITA).date()
    day, left = today, working_days_ago
    while left > 0:
        day -= dt.timedelta(days=1)
        left -= is_working_day(day)
    sent_at = dt.datetime.combine(day, dt.time(9, 30), tzinfo=WITA)
    due_at = response_deadline(sent_at, working_days=3)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=sent_at,
        created_at=sent_at,
        due_at=due_at,
        completion_due_at=sent_at + dt.timedelta(days=referral.service.completion_days),
    )
    ReferralEvent.objects.filter(referral=referral).update(at=sent_at)
    touch_agencies([referral.agency_id])  # a bulk update sends no signal (referrals/pagecache.py)


@transaction.atomic
def seed(context) -> None:
    users, agencies, hamlets, areas = (
        context["users"],
        context["agencies"],
        context["hamlets"],
        context["areas"],
    )
    jago_worker, sukaraja_worker = users["pendamping_jago"], users["pendamping_sukaraja"]

    # Journey 1 and 2: the boy with no birth certificate whose mother works in Malaysia.
    rizki, created = _case(
        context,
        worker=jago_worker,
        area=hamlets[JAGO][0],
        name="Lalu Muhammad Rizki",
        sex="M",
        birth=_years_ago(7, 3, 14),
        region="520201",
        seq=0,
        caregiver="Inaq Saenah",
        relation="nenek",
        parent="mother",
        country="Malaysia",
        needs=["akta-kelahiran", "kia"],
    )
    if created:
        consent_record(
            actor=jago_worker,
            code=rizki.code,
            given_by="Inaq Saenah",
            relation="nenek",
            agencies=[agencies[DUKCAPIL]],
        )
        referral_create(
            actor=jago_worker,
            code=rizki.code,
            agency=agencies[DUKCAPIL],
            service=Service.objects.get(slug="akta-kelahiran"),
            note="Anak belum punya akta kelahiran. Ibu bekerja di Malaysia sejak 2020; buku nikah orang tua ada "
            "pada nenek. Mohon dibantu penerbitan akta.",
        )

    # Journey 3: a PKH referral to Dinas Sosial that has passed its response deadline.
    nurul, created = _case(
        context,
        worker=jago_worker,
        area=hamlets[JAGO][1],
        name="Baiq Nurul Hidayah",
        sex="F",
        birth=_years_ago(10, 8, 2),
        region="520201",
        seq=2,
        caregiver="Amaq Juhri",
        relation="kakek",
        parent="both",
        country="Arab Saudi",
        needs=["pkh", "bpjs-pbi"],
    )
    if created:
        consent_record(
            actor=jago_worker,
            code=nurul.code,
            given_by="Amaq Juhri",
            relation="kakek",
            agencies=[agencies[DINSOS]],
        )
        referral = referral_create(
            actor=jago_worker,
            code=nurul.code,
            agency=agencies[DINSOS],
            service=Service.objects.get(slug="pkh"),
            note="Keluarga kakek menanggung tiga cucu, belum terdaftar di DTKS maupun PKH.",
        )
        _backdate(referral, working_days_ago=8)

    # Sukaraja: two cases of pendamping_sukaraja.
    aulia, created = _case(
        context,
        worker=sukaraja_worker,
        area=hamlets[SUKARAJA][0],
        name="Baiq Aulia Rahmawati",
        sex="F",
        birth=_years_ago(12, 1, 21),
        region="520206",
        seq=7,
        caregiver="Inaq Marniati",
        relation="bibi",
        parent="father",
        country="Arab Saudi",
        needs=["kip"],
    )
    if created:
        consent_record(
            actor=sukaraja_worker,
            code=aulia.code,
            given_by="Inaq Marniati",
            relation="bibi",
            agencies=[agencies[DIKBUD]],
        )
        referral = referral_create(
            actor=sukaraja_worker,
            code=aulia.code,
            agency=agencies[DIKBUD],
            service=Service.objects.get(slug="kip"),
            note="Kelas 6 SD, terancam putus sekolah karena biaya seragam dan buku.",
        )
        liaison = next(iter(agencies[DIKBUD].group.user_set.all()), None)
        if liaison is not None:
            referral_transition(actor=liaison, referral_id=referral.pk, action="accept")
    _case(
        context,
        worker=sukaraja_worker,
        area=areas[SUKARAJA],
        name="Lalu Fikri Hidayat",
        sex="M",
        birth=_years_ago(4, 11, 5),
        region="520206",
        seq=0,
        caregiver="Papuq Nursah",
        relation="nenek",
        parent="both",
        country="Malaysia",
        needs=["bpjs-pbi", "parenting"],
    )

    # What the nightly sweep would have done by now: the PKH referral is raised to Kec. Praya.
    if Referral.objects.filter(status=Status.SENT, overdue_raised_at__isnull=True).exists():
        referrals_sweep_overdue()
