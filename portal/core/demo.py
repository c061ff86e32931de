"""The demo of API.md: accounts, memberships, dusun and the agencies of Kab. Lombok Tengah. Each product app
adds its own demo through `<app>/demo.py: seed(context)`; this module runs them in order."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from portal.agencies.catalogue import services_sync
from portal.agencies.models import Agency, AgencyKind, Service
from portal.agencies.services import agency_create, agency_liaison_add
from portal.areas.models import Area, Level
from portal.areas.services import hamlet_create
from portal.people.models import Role
from portal.people.services import membership_add

JAGO = "52.02.01.2013"
PRAYA = "52.02.01"
SUKARAJA = "52.02.06.2001"
LOTENG = "52.02"
NTB = "52"

HAMLETS = {JAGO: ["Jago Timur", "Jago Barat", "Lendang Re"], SUKARAJA: ["Sukaraja Utara", "Sukaraja Selatan"]}

AGENCIES = [
    ("Dinas Dukcapil Kab. Lombok Tengah", AgencyKind.DUKCAPIL, ["akta-kelahiran", "kia"]),
    ("Dinas Sosial Kab. Lombok Tengah", AgencyKind.DINSOS, ["pkh", "bansos-lain", "bpjs-pbi"]),
    ("Dinas Pendidikan Kab. Lombok Tengah", AgencyKind.EDUCATION, ["kip", "kembali-sekolah"]),
    ("BPJS Kesehatan Kab. Lombok Tengah", AgencyKind.HEALTH_INSURANCE, ["bpjs-pbi"]),
    ("UPTD PPA Kab. Lombok Tengah", AgencyKind.CHILD_PROTECTION, ["perlindungan-anak", "puspaga"]),
    ("Puspaga Kab. Lombok Tengah", AgencyKind.FAMILY, ["puspaga", "parenting"]),
]

# username, display name, [(area code or hamlet marker, role)], agency name or None, superuser
ACCOUNTS = [
    ("kader_jago", "Baiq Nurul", [("hamlet:" + JAGO, Role.MEMBER), (JAGO, Role.MEMBER)], None, False),
    ("fasilitator_jago", "Lalu Ahmad", [(JAGO, Role.FACILITATOR)], None, False),
    (
        "pendamping_jago",
        "Siti Aminah",
        [(JAGO, Role.CASE_WORKER), (JAGO, Role.MEMBER)],
        None,
        False,
    ),
    ("fasilitator_praya", "Muhammad Zaini", [(PRAYA, Role.FACILITATOR)], None, False),
    ("dukcapil_loteng_1", "Ni Made Sari", [], AGENCIES[0][0], False),
    ("dukcapil_loteng_2", "Hendra Wijaya", [], AGENCIES[0][0], False),
    ("dinsos_loteng", "Rahmawati", [], AGENCIES[1][0], False),
    ("kader_sukaraja", "Inaq Sumiati", [(SUKARAJA, Role.MEMBER)], None, False),
    (
        "pendamping_sukaraja",
        "Baiq Hartini",
        [(SUKARAJA, Role.CASE_WORKER), (SUKARAJA, Role.MEMBER)],
        None,
        False,
    ),
    ("editor", "Dewi Lestari", [], None, False),
    ("moderator", "Andi Pratama", [], None, False),
    ("koordinator_ntb", "Yusuf Hidayat", [(NTB, Role.COORDINATOR)], None, False),
    ("admin", "Administrator", [], None, True),
]

# Each app's demo seeder, registered from its AppConfig.ready() with `register_demo_seeder`: (order, seed).
_SEEDERS: dict[str, tuple[int, object]] = {}


def register_demo_seeder(name: str, seed, *, order: int) -> None:
    """Run `seed(context)` after the platform demo, in `order` (lower first). `context` holds `areas`,
    `hamlets`, `agencies`, `users` (by username) and `password`; a seeder must be idempotent."""
    _SEEDERS[name] = (order, seed)


class DemoRefused(Exception):
    pass


def demo_password() -> tuple[str, bool]:
    """The demo password and whether it was generated (and so must be printed once)."""
    if settings.PELITA_DEMO_PASSWORD:
        return settings.PELITA_DEMO_PASSWORD, False
    return secrets.token_urlsafe(12), True


@transaction.atomic
def seed_platform(*, password: str) -> dict:
    if not Area.objects.filter(code=JAGO).exists():
        raise DemoRefused("The area tree is not loaded: run `manage.py load_areas` first.")
    services_sync()
    areas = {code: Area.objects.get(code=code) for code in (NTB, LOTENG, PRAYA, JAGO, SUKARAJA)}
    hamlets = {}
    for village_code, names in HAMLETS.items():
        village = areas[village_code]
        for name in names:
            hamlet = Area.objects.filter(parent=village, level=Level.HAMLET, name=name).first()
            hamlets.setdefault(village_code, []).append(hamlet or hamlet_create(village=village, name=name))
    agencies = {}
    for name, kind, slugs in AGENCIES:
        agency = Agency.objects.filter(name=name).first()
        if agency is None:
            agency = agency_create(
                name=name,
                kind=kind,
                area=areas[LOTENG],
                services=list(Service.objects.filter(slug__in=slugs)),
            )
        agencies[name] = agency
    User = get_user_model()
    users, created_users = {}, []
    for username, display, memberships, agency_name, superuser in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                display_name=display,
                email=f"{username}@pelita.local",
                is_superuser=superuser,
                is_staff=superuser,
            )
            user.set_password(password)
            user.save()
            created_users.append(username)
        for code, role in memberships:
            area = hamlets[code.split(":", 1)[1]][0] if code.startswith("hamlet:") else areas[code]
            membership_add(user=user, area=area, role=role)
        if agency_name:
            agency_liaison_add(agency=agencies[agency_name], user=user)
        users[username] = user
    return {
        "areas": areas,
        "hamlets": hamlets,
        "agencies": agencies,
        "users": users,
        "created_users": created_users,
        "password": password,
    }


def seed_all(*, stdout=None) -> dict:
    if settings.PELITA_ENVIRONMENT == "production":
        raise DemoRefused("seed_demo refuses to run with production settings.")
    password, generated = demo_password()
    context = seed_platform(password=password)
    context["password_generated"] = generated
    for _order, seed in sorted(_SEEDERS.values(), key=lambda pair: pair[0]):
        seed(context)
    return context
