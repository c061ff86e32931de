"""Scale data for load tests and `make bench`: the whole national area tree, a forum for every area of NTB,
people in every role, threads and posts, child cases, consents and referrals in realistic mixes.

Rows are written with explicit primary keys in big streams: COPY on PostgreSQL (psycopg's copy), batched
executemany elsewhere. Every concrete column of a model is filled from the row or the field's default, so a
column another app adds later with a default does not break the generator. No services are called (they
audit, notify and lock row by row); the object permissions the services would grant are written directly,
the way the permission syncers derive them from memberships and agency groups."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from portal.agencies.catalogue import services_sync
from portal.agencies.models import Agency, AgencyKind, Service
from portal.areas.models import Area, Level
from portal.areas.services import areas_load
from portal.people.models import Membership, Role

from .models import LoadRun

PREFIX = "lg_"
PROVINCE = "52"  # Nusa Tenggara Barat
BENCH_VILLAGE = "52.02.01.2013"  # Desa Jago, Kec. Praya, Kab. Lombok Tengah
DEFAULT_PASSWORD = "pelita-load-Passw0rd"


@dataclass(frozen=True)
class Scale:
    people_villages: int | None  # villages of NTB with people, cases and threads (None: all of them)
    members_per_village: int
    threads: int
    posts: int
    cases: int
    referrals: int
    bench_forum_threads: int  # threads in the benchmark's forum (Desa Jago)
    bench_thread_posts: int  # posts in the benchmark's thread
    notifications_per_person: int = 5
    # Commitments: budget lines for every village of the country (None) or of the people villages only, over
    # `commitment_years` fiscal years, about `lines_per_village_year` lines each; policies in a share of villages.
    commitment_villages: int | None = 0
    commitment_years: int = 3
    lines_per_village_year: int = 3


SCALES = {
    "small": Scale(
        people_villages=24,
        members_per_village=2,
        threads=200,
        posts=4_000,
        cases=400,
        referrals=1_200,
        bench_forum_threads=40,
        bench_thread_posts=120,
        commitment_villages=24,
    ),
    "national": Scale(
        people_villages=None,
        members_per_village=3,
        threads=50_000,
        posts=1_000_000,
        cases=100_000,
        referrals=300_000,
        bench_forum_threads=600,
        bench_thread_posts=400,
        notifications_per_person=30,
        commitment_villages=None,  # all 83,763 villages x 3 years
    ),
}


class LoadDataRefused(Exception):
    pass


# --- writing rows ---------------------------------------------------------------------------------------


class Table:
    """Streams rows (dicts keyed by attname) into one model's table with explicit primary keys."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.local_concrete_fields]
        self.defaults = {}
        for f in self.fields:
            if f.primary_key:
                continue
            self.defaults[f.attname] = None if f.null and not f.has_default() else f.get_default()
        self.json = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
        pk = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
        self.next_id = pk + 1
        self.count = 0

    def ids(self, n: int) -> range:
        start = self.next_id
        self.next_id += n
        return range(start, start + n)

    def _tuples(self, rows: Iterable[dict], *, pg: bool):
        fields, defaults, jsons = self.fields, self.defaults, self.json
        for row in rows:
            self.count += 1
            values = []
            for f in fields:
                name = f.attname
                v = row[name] if name in row else defaults[name]
                if pg:
                    if name in jsons:
                        v = json.dumps(v)
                else:
                    v = f.get_db_prep_save(v, connection)
                values.append(v)
            yield values

    def write(self, rows: Iterable[dict]) -> int:
        before = self.count
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
                    for values in self._tuples(rows, pg=True):
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                stream = self._tuples(rows, pg=False)
                while batch := list(islice(stream, 5000)):
                    cursor.executemany(sql, batch)
        return self.count - before


def reset_sequences(model_list) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- realistic values -------------------------------------------------------------------------------------

FIRST = [
    "Baiq", "Lalu", "Siti", "Muhammad", "Nurul", "Ahmad", "Inaq", "Sri", "Agus", "Dewi", "Fitri", "Yusuf",
    "Zainal", "Rohani", "Saparudin", "Hartini", "Hendra", "Rahmat", "Nur", "Wayan", "Made", "Ketut", "Eka",
    "Ani", "Rini", "Samsul", "Hamdan", "Jumadil", "Mariati", "Sahnun",
]  # fmt: skip
LAST = [
    "Hidayat", "Aminah", "Wijaya", "Sumiati", "Hasanah", "Rahman", "Fauzi", "Lestari", "Saputra", "Yulianti",
    "Mahsun", "Azizah", "Hakim", "Sari", "Pratama", "Ramdhani", "Wahyuni", "Kurniawan", "Maulida", "Ilham",
]  # fmt: skip
COUNTRIES = [("Malaysia", 55), ("Arab Saudi", 18), ("Taiwan", 9), ("Hong Kong", 7), ("Singapura", 6), ("Uni Emirat Arab", 5)]  # fmt: skip
RELATIONS = ["Nenek", "Kakek", "Bibi", "Paman", "Ayah", "Ibu", "Kakak"]
TITLES = [
    "Anak {n} belum punya akta kelahiran",
    "Jadwal posyandu bulan ini untuk anak PMI",
    "Pendataan anak pekerja migran di dusun {n}",
    "Bantuan seragam sekolah untuk anak PMI",
    "Kelas pengasuhan (parenting) untuk kakek nenek pengasuh",
    "Anak putus sekolah: bagaimana cara mendaftar kembali?",
    "Pengurusan KIA lewat jemput bola Dukcapil",
    "Koordinasi dengan Puskesmas soal imunisasi",
    "Laporan kegiatan kader minggu ke-{n}",
    "Usulan PKH untuk keluarga PMI yang belum terdaftar",
    "Rapat koordinasi desa tentang perlindungan anak",
    "Pengalaman mendampingi keluarga yang ibunya di Malaysia",
]
BODIES = [
    "Assalamualaikum. Ada anak di dusun kami yang ibunya bekerja di Malaysia sejak dua tahun lalu dan "
    "belum punya **akta kelahiran**. Neneknya yang mengasuh. Siapa yang bisa membantu mengurus?",
    "Terima kasih infonya. Kami sudah menghubungi Dukcapil, mereka minta:\n\n- fotokopi KK\n- surat "
    "keterangan lahir dari bidan\n- KTP pengasuh\n\nBesok saya antar berkasnya.",
    "Jadwal posyandu minggu depan hari Selasa jam 08.00 WITA di rumah Kadus. Mohon kader mengingatkan "
    "para pengasuh anak PMI.",
    "Sudah saya catat. Anak tersebut juga belum terdaftar di sekolah, perlu dirujuk ke Dinas Pendidikan.",
    "Kami usulkan kelas pengasuhan untuk kakek-nenek pengasuh setiap Jumat sore. Materi dari Puspaga "
    "sudah tersedia.",
    "Mohon maaf baru sempat membalas. Berkas KIA untuk tiga anak sudah diserahkan ke kecamatan kemarin.",
    "Update: akta kelahiran sudah terbit, nomornya sudah dicatat di rujukan. Terima kasih semua.",
    "Apakah ada yang tahu syarat pendaftaran PBI untuk keluarga yang kepala keluarganya bekerja di luar "
    "negeri?",
    "Hasil rapat desa:\n\n1. Pendataan ulang anak PMI bulan depan\n2. Kader tiap dusun melapor ke forum\n"
    "3. Kasus mendesak langsung ke UPTD PPA",
    "Setuju. Saya akan sampaikan di forum kecamatan supaya desa lain bisa mencontoh.",
    "Ibu kandungnya sudah bisa dihubungi lewat video call, beliau setuju datanya dibagikan ke Dinas Sosial.",
    "Siap, nanti saya dampingi ke Puskesmas untuk imunisasi lanjutan.",
]
STATUS_MIX = [
    ("draft", 3),
    ("sent", 11),
    ("accepted", 9),
    ("declined", 7),
    ("in_progress", 14),
    ("completed", 43),
    ("closed", 6),
    ("withdrawn", 7),
]
AGENCY_TEMPLATES = [
    ("Dinas Dukcapil", AgencyKind.DUKCAPIL, ["akta-kelahiran", "kia"]),
    ("Dinas Sosial", AgencyKind.DINSOS, ["pkh", "bansos-lain", "bpjs-pbi"]),
    ("Dinas Pendidikan", AgencyKind.EDUCATION, ["kip", "kembali-sekolah"]),
    ("BPJS Kesehatan", AgencyKind.HEALTH_INSURANCE, ["bpjs-pbi"]),
    ("UPTD PPA", AgencyKind.CHILD_PROTECTION, ["perlindungan-anak", "puspaga"]),
    ("Puspaga", AgencyKind.FAMILY, ["puspaga", "parenting"]),
]
# How often each service is what a child needs (birth certificates and school lead in the field reports).
SERVICE_WEIGHTS = {
    "akta-kelahiran": 22,
    "kia": 14,
    "kip": 12,
    "kembali-sekolah": 8,
    "bpjs-pbi": 14,
    "pkh": 12,
    "bansos-lain": 5,
    "puspaga": 5,
    "parenting": 5,
    "perlindungan-anak": 3,
}


# Village budget activities for these children (activity, Permendagri 20/2018 sub-field, service, low, high Rp).
VILLAGE_ACTIVITIES = [
    ("Pelayanan akta kelahiran dan KIA keliling", "1.3", "akta-kelahiran", 2_000_000, 15_000_000),
    ("Pendataan anak pekerja migran per dusun", "1.3", "kia", 1_000_000, 6_000_000),
    ("Dukungan anak kembali bersekolah", "2.1", "kembali-sekolah", 5_000_000, 30_000_000),
    ("Posyandu remaja dan pendaftaran BPJS PBI", "2.2", "bpjs-pbi", 2_000_000, 12_000_000),
    ("Kelas pengasuhan bersama (community parenting)", "4.4", "parenting", 3_000_000, 20_000_000),
    ("Konseling keluarga pekerja migran", "4.4", "puspaga", 1_500_000, 8_000_000),
    ("Forum anak dan kader perlindungan anak", "3.4", "perlindungan-anak", 1_000_000, 10_000_000),
]
UPPER_ACTIVITIES = [
    ("Akta kelahiran gratis jemput bola", "akta-kelahiran"),
    ("Puspaga: konseling keluarga pekerja migran", "puspaga"),
]
COMMITMENT_SERVICES = ["akta-kelahiran", "kia", "kembali-sekolah", "bpjs-pbi", "parenting", "puspaga"]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return lambda: rng.choices(values, weights)[0]


# --- the generator ---------------------------------------------------------------------------------------


class Generator:
    def __init__(self, *, scale: str, password: str, log: Callable[[str], None], seed: int = 8):
        self.name = scale
        self.scale = SCALES[scale]
        self.password = password
        self.log = log
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.counts: dict[str, int] = {}
        self.info: dict = {"password": password, "scale": scale}

    def step(self, label: str, started: float) -> None:
        self.log(f"  {label} ({time.monotonic() - started:.1f}s)")

    def ago(self, days_max: float, days_min: float = 0) -> dt.datetime:
        return self.now - dt.timedelta(seconds=self.rng.uniform(days_min * 86400, days_max * 86400))

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    # areas and forums -----------------------------------------------------------------------------------

    def areas(self, areas_dir) -> None:
        t = time.monotonic()
        result = areas_load(data_dir=areas_dir)
        services_sync()
        self.counts["areas"] = Area.objects.count()
        self.step(
            f"area tree: {self.counts['areas']} areas ({'unchanged' if result['skipped'] else 'loaded'})", t
        )
        ntb = list(
            Area.objects.filter(models.Q(code=PROVINCE) | models.Q(code__startswith=PROVINCE + "."))
            .order_by("code")
            .values("id", "code", "level", "parent_id")
        )
        if not ntb:
            raise LoadDataRefused("The area tree has no Nusa Tenggara Barat (52): check the area data.")
        self.ntb = ntb
        self.by_code = {a["code"]: a for a in ntb}
        villages = [a for a in ntb if a["level"] == Level.VILLAGE]
        n = self.scale.people_villages
        if n is not None and n < len(villages):
            # The benchmark's village, then a spread over NTB.
            step = max(1, len(villages) // n)
            chosen = villages[::step][:n]
            if BENCH_VILLAGE in self.by_code and self.by_code[BENCH_VILLAGE] not in chosen:
                chosen[0] = self.by_code[BENCH_VILLAGE]
            villages = chosen
        self.people_villages = villages
        self.bench_village = self.by_code.get(BENCH_VILLAGE) or villages[0]

    def forums(self) -> None:
        from forums.models import Forum

        t = time.monotonic()
        existing = dict(
            Forum.objects.filter(area_id__in=[a["id"] for a in self.ntb]).values_list("area_id", "pk")
        )
        table = Table(Forum)
        rows = []
        for a in self.ntb:
            if a["id"] not in existing:
                (pk,) = table.ids(1)
                existing[a["id"]] = pk
                rows.append({"id": pk, "area_id": a["id"], "created_at": self.ago(720, 700)})
        table.write(rows)
        self.forum_of = {a["code"]: existing[a["id"]] for a in self.ntb}
        self.counts["forums"] = len(self.forum_of)
        self.step(f"forums: {len(self.forum_of)} (every area of NTB, {len(rows)} new)", t)

    # people ---------------------------------------------------------------------------------------------

    def people(self) -> None:
        t = time.monotonic()
        User = get_user_model()
        users, members = Table(User), Table(Membership)
        hashed = make_password(self.password)
        user_rows, member_rows = [], []
        self.roles: dict[str, list[int]] = defaultdict(list)  # role -> user ids
        self.memberships: list[tuple[int, str, str]] = []  # (user id, area code, role)
        self.usernames: dict[int, str] = {}

        def user(username: str, display: str) -> int:
            (pk,) = users.ids(1)
            user_rows.append(
                {
                    "id": pk,
                    "username": PREFIX + username,
                    "password": hashed,
                    "display_name": display,
                    "language": "id" if self.rng.random() < 0.9 else "en",
                    "date_joined": self.ago(720, 600),
                    "is_active": True,
                }
            )
            self.usernames[pk] = PREFIX + username
            return pk

        def member(pk: int, code: str, role: str) -> None:
            (mid,) = members.ids(1)
            member_rows.append({"id": mid, "user_id": pk, "area_id": self.by_code[code]["id"], "role": role, "created_at": self.ago(600, 500)})  # fmt: skip
            self.memberships.append((pk, code, role))
            self.roles[role].append(pk)

        districts, regencies = set(), set()
        self.village_people: dict[str, dict[str, list[int]]] = {}
        for v in self.people_villages:
            code = v["code"]
            slug = code.replace(".", "")
            people = {"members": [], "case_workers": [], "facilitators": []}
            for i in range(self.scale.members_per_village):
                pk = user(f"kader_{slug}_{i + 1}", f"{self.person_name()} (kader)")
                member(pk, code, Role.MEMBER)
                people["members"].append(pk)
            pk = user(f"pendamping_{slug}", f"{self.person_name()} (pendamping)")
            member(pk, code, Role.CASE_WORKER)
            member(pk, code, Role.MEMBER)
            people["case_workers"].append(pk)
            pk = user(f"fasilitator_{slug}", f"{self.person_name()} (fasilitator)")
            member(pk, code, Role.FACILITATOR)
            people["facilitators"].append(pk)
            self.village_people[code] = people
            districts.add(code.rsplit(".", 1)[0])
            regencies.add(".".join(code.split(".")[:2]))
        if self.scale.people_villages is None:
            districts |= {a["code"] for a in self.ntb if a["level"] == Level.DISTRICT}
            regencies |= {a["code"] for a in self.ntb if a["level"] == Level.REGENCY}
        self.upper_people: dict[str, list[int]] = defaultdict(list)
        for code in sorted(districts):
            pk = user(f"fasilitator_{code.replace('.', '')}", f"{self.person_name()} (fasilitator kecamatan)")
            member(pk, code, Role.FACILITATOR)
            self.upper_people[code].append(pk)
        for code in sorted(regencies):
            pk = user(f"koordinator_{code.replace('.', '')}", f"{self.person_name()} (koordinator kabupaten)")
            member(pk, code, Role.COORDINATOR)
            self.upper_people[code].append(pk)
        pk = user("koordinator_ntb", f"{self.person_name()} (koordinator provinsi)")
        member(pk, PROVINCE, Role.COORDINATOR)
        self.upper_people[PROVINCE].append(pk)
        self.regencies = sorted(regencies)
        self.info["coordinator"] = self.usernames[pk]

        # Communications staff: Wagtail's editor and moderator groups, when the CMS set them up.
        self.staff_groups = []
        for group_name, username in (
            ("Editors", "editor_1"),
            ("Editors", "editor_2"),
            ("Moderators", "moderator"),
        ):
            pk = user(username, f"{self.person_name()} (komunikasi)")
            self.staff_groups.append((pk, group_name))
        users.write(user_rows)
        members.write(member_rows)
        self.users_table = users
        self.step(f"people: {len(user_rows)} people, {len(member_rows)} memberships", t)
        bench = self.village_people[self.bench_village["code"]]
        self.info["member"] = self.usernames[bench["members"][0]]
        self.info["case_worker"] = self.usernames[bench["case_workers"][0]]
        self.info["facilitator"] = self.usernames[bench["facilitators"][0]]

    def forum_permissions(self) -> None:
        from forums.models import Forum, ForumUserObjectPermission

        t = time.monotonic()
        perms = dict(
            Permission.objects.filter(
                content_type__app_label="forums", content_type__model="forum"
            ).values_list("codename", "pk")
        )
        member_perms = [perms["view_forum"], perms["post_in_forum"]]
        all_perms = [*member_perms, perms["moderate_forum"]]
        codes = sorted(self.forum_of)
        table = Table(ForumUserObjectPermission)
        held: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.posters: dict[int, list[int]] = defaultdict(list)  # forum id -> people who may post in it
        for user_id, code, role in self.memberships:
            if role in (Role.MEMBER, Role.CASE_WORKER):
                held[(user_id, self.forum_of[code])].update(member_perms)
            else:
                for other in codes:
                    if other == code or other.startswith(code + "."):
                        held[(user_id, self.forum_of[other])].update(all_perms)

        def rows():
            for (user_id, forum_id), ps in held.items():
                for p in ps:
                    (pk,) = table.ids(1)
                    yield {"id": pk, "user_id": user_id, "permission_id": p, "content_object_id": forum_id}

        # Guardian's uniqueness: skip grants the database already has (a forum created earlier by a service).
        ForumUserObjectPermission.objects.filter(user_id__in=list({u for u, _f in held})).delete()
        table.write(rows())
        for (user_id, forum_id), ps in held.items():
            if perms["post_in_forum"] in ps:
                self.posters[forum_id].append(user_id)
        self.counts["forum_permissions"] = table.count
        self.step(f"forum permissions: {table.count}", t)
        del Forum

    # agencies -----------------------------------------------------------------------------------------

    def agencies(self) -> None:
        t = time.monotonic()
        User = get_user_model()
        groups, agencies = Table(Group), Table(Agency)
        agency_services = Table(Agency.services.through)
        user_groups = Table(User.groups.through)
        services = dict(Service.objects.values_list("slug", "pk"))
        self.services = services
        self.agency_for: dict[tuple[str, str], int] = {}  # (regency code, service slug) -> agency id
        self.agency_group: dict[int, int] = {}
        self.liaisons: dict[int, list[int]] = {}
        group_rows, agency_rows, link_rows, liaison_rows = [], [], [], []
        names = dict(Area.objects.filter(code__in=self.regencies).values_list("code", "name"))
        users = self.users_table
        user_rows = []
        hashed = make_password(self.password)
        existing_groups = set(
            Group.objects.filter(name__startswith="agency:lg-").values_list("name", flat=True)
        )
        for regency in self.regencies:
            place = names[regency].title().replace("Kabupaten ", "Kab. ")
            for label, kind, slugs in AGENCY_TEMPLATES:
                (gid,) = groups.ids(1)
                group_name = f"agency:lg-{kind}-{regency.replace('.', '')}"
                if group_name in existing_groups:
                    raise LoadDataRefused(f"Agency group {group_name} already exists: use a fresh database.")
                group_rows.append({"id": gid, "name": group_name})
                (aid,) = agencies.ids(1)
                agency_rows.append(
                    {
                        "id": aid,
                        "name": f"{label} {place}",
                        "kind": kind,
                        "area_id": self.by_code[regency]["id"],
                        "group_id": gid,
                        "is_active": True,
                    }  # fmt: skip
                )
                self.agency_group[aid] = gid
                for slug in slugs:
                    if slug in services:
                        (lid,) = agency_services.ids(1)
                        link_rows.append({"id": lid, "agency_id": aid, "service_id": services[slug]})
                        self.agency_for.setdefault((regency, slug), aid)
                self.liaisons[aid] = []
                for i in range(2):
                    (uid,) = users.ids(1)
                    username = f"{PREFIX}{kind}_{regency.replace('.', '')}_{i + 1}"
                    user_rows.append(
                        {
                            "id": uid,
                            "username": username,
                            "password": hashed,
                            "display_name": f"{self.person_name()} ({label})",
                            "language": "id",
                            "date_joined": self.ago(700, 600),
                            "is_active": True,
                        }  # fmt: skip
                    )
                    self.usernames[uid] = username
                    self.liaisons[aid].append(uid)
                    (ugid,) = user_groups.ids(1)
                    liaison_rows.append({"id": ugid, "user_id": uid, "group_id": gid})
        staff = dict(Group.objects.filter(name__in=["Editors", "Moderators"]).values_list("name", "pk"))
        for uid, group_name in self.staff_groups:
            if group_name in staff:
                (ugid,) = user_groups.ids(1)
                liaison_rows.append({"id": ugid, "user_id": uid, "group_id": staff[group_name]})
        groups.write(group_rows)
        users.write(user_rows)
        agencies.write(agency_rows)
        agency_services.write(link_rows)
        user_groups.write(liaison_rows)
        self.counts["agencies"] = len(agency_rows)
        self.counts["people"] = users.count
        bench_regency = ".".join(self.bench_village["code"].split(".")[:2])
        dukcapil = self.agency_for[(bench_regency, "akta-kelahiran")]
        self.bench_agency = dukcapil
        self.info["liaison"] = self.usernames[self.liaisons[dukcapil][0]]
        self.step(f"agencies: {len(agency_rows)} with {len(user_rows)} liaisons", t)

    # cases and referrals ------------------------------------------------------------------------------

    def cases(self) -> None:
        from referrals.models import (
            CaseCounter,
            CaseTeamMember,
            ChildCase,
            Consent,
            Referral,
            ReferralEvent,
            ReferralGroupObjectPermission,
        )

        t = time.monotonic()
        rng = self.rng
        cases, team, needs = Table(ChildCase), Table(CaseTeamMember), Table(ChildCase.needs.through)
        consents, consent_agencies = Table(Consent), Table(Consent.agencies.through)
        referrals, events = Table(Referral), Table(ReferralEvent)
        grants = Table(ReferralGroupObjectPermission)
        perms = dict(
            Permission.objects.filter(
                content_type__app_label="referrals", content_type__model="referral"
            ).values_list("codename", "pk")
        )
        counters = dict(CaseCounter.objects.values_list("regency__code", "last"))
        country = _weighted(rng, COUNTRIES)
        status_of = _weighted(rng, STATUS_MIX)
        slugs = [s for s in SERVICE_WEIGHTS if s in self.services]
        service_of = _weighted(rng, [(s, SERVICE_WEIGHTS[s]) for s in slugs])
        villages = [v["code"] for v in self.people_villages]
        bench_code = self.bench_village["code"]
        # The benchmark's village is a busy one: 2% of the cases, at least a few.
        bench_cases = max(20, self.scale.cases // 50)
        per_case = self.scale.referrals / self.scale.cases
        referral_budget = self.scale.referrals
        case_ids = cases.ids(self.scale.cases)
        self.case_codes_by_village: dict[str, list[str]] = defaultdict(list)
        self.bench_referral = None
        area_of = {c: self.by_code[c]["id"] for c in villages}

        def case_rows():
            for i, cid in enumerate(case_ids):
                code = bench_code if i < bench_cases else rng.choice(villages)
                regency = ".".join(code.split(".")[:2])
                counters[regency] = counters.get(regency, 0) + 1
                case_code = f"APM-{regency.replace('.', '')}-{counters[regency]:05d}"
                self.case_codes_by_village[code].append(case_code)
                worker = self.village_people[code]["case_workers"][0]
                created = self.ago(700, 3)
                sex = rng.choice("MF")
                closed = created + dt.timedelta(days=rng.uniform(30, 300)) if rng.random() < 0.3 else None
                if closed and closed > self.now:
                    closed = None
                yield {
                    "id": cid,
                    "code": case_code,
                    "area_id": area_of[code],
                    "village_id": area_of[code],
                    "child_name": self.person_name(),
                    "sex": sex,
                    "birth_date": (created - dt.timedelta(days=rng.randint(365, 17 * 365))).date(),
                    "nik": "",
                    "caregiver_name": self.person_name(),
                    "caregiver_relation": rng.choice(RELATIONS),
                    "caregiver_phone": f"08{rng.randint(10**9, 10**10 - 1)}",
                    "address": f"RT {rng.randint(1, 9):02d} / RW {rng.randint(1, 5):02d}",
                    "parent_abroad": rng.choices(["mother", "father", "both"], [60, 30, 10])[0],
                    "destination_country": country(),
                    "abroad_since": (created - dt.timedelta(days=rng.randint(60, 2000))).date(),
                    "notes": "",
                    "created_by_id": worker,
                    "created_at": created,
                    "updated_at": created,
                    "closed_at": closed,
                }
                # side rows, kept for the writers below
                pending.append((cid, code, regency, worker, created))

        pending: list = []
        cases.write(case_rows())
        self.step(f"cases: {cases.count}", t)

        def team_rows():
            for cid, _code, _regency, worker, created in pending:
                (pk,) = team.ids(1)
                yield {
                    "id": pk,
                    "case_id": cid,
                    "user_id": worker,
                    "added_by_id": worker,
                    "added_at": created,
                }

        team.write(team_rows())

        # Referrals per case: 1 to 5, averaging scale.referrals / scale.cases, the last case takes the rest.
        plan = []
        for n, (cid, code, regency, worker, created) in enumerate(pending):
            remaining_cases = len(pending) - n
            if remaining_cases == 1:
                k = referral_budget
            else:
                k = max(1, min(5, round(rng.gauss(per_case, 1.0))))
                k = min(k, referral_budget - (remaining_cases - 1))
            referral_budget -= k
            chosen = []
            for _ in range(k):
                slug = service_of()
                if (regency, slug) not in self.agency_for:
                    slug = "akta-kelahiran"
                chosen.append(slug)
            plan.append((cid, code, regency, worker, created, chosen))

        need_rows, consent_rows, consent_agency_rows = [], [], []
        for cid, _code, _regency, _worker, _created, chosen in plan:
            for slug in sorted(set(chosen)):
                (pk,) = needs.ids(1)
                need_rows.append({"id": pk, "childcase_id": cid, "service_id": self.services[slug]})
        needs.write(need_rows)
        consent_of: dict[int, int] = {}
        for cid, _code, regency, worker, created, chosen in plan:
            (pk,) = consents.ids(1)
            consent_of[cid] = pk
            consent_rows.append(
                {
                    "id": pk,
                    "case_id": cid,
                    "given_by": self.person_name(),
                    "relation": rng.choice(RELATIONS),
                    "given_on": created.date(),
                    "recorded_by_id": worker,
                    "recorded_at": created,
                }  # fmt: skip
            )
            for aid in sorted({self.agency_for[(regency, s)] for s in chosen}):
                (lid,) = consent_agencies.ids(1)
                consent_agency_rows.append({"id": lid, "consent_id": pk, "agency_id": aid})
        consents.write(consent_rows)
        consent_agencies.write(consent_agency_rows)
        del need_rows, consent_rows, consent_agency_rows
        self.step(f"case teams, needs, consents: {consents.count} consents", t)

        event_rows: list[dict] = []
        grant_rows: list[dict] = []
        open_perms = [perms["view_referral"], perms["view_referral_identity"], perms["message_referral"]]
        hour = dt.timedelta(hours=1)

        def referral_rows():
            for cid, code, regency, worker, created, chosen in plan:
                for slug in chosen:
                    (rid,) = referrals.ids(1)
                    aid = self.agency_for[(regency, slug)]
                    status = status_of()
                    made = created + dt.timedelta(hours=rng.uniform(1, 72))
                    if made > self.now:
                        made = self.now - hour
                    row = {
                        "id": rid,
                        "case_id": cid,
                        "agency_id": aid,
                        "service_id": self.services[slug],
                        "area_id": self.by_code[code]["id"],
                        "status": status,
                        "urgency": "urgent"
                        if slug == "perlindungan-anak" or rng.random() < 0.05
                        else "routine",
                        "note": "Anak belum memiliki dokumen/layanan ini; pengasuh bersedia hadir.",
                        "shared_fields": ["child_name", "sex", "birth_date", "caregiver_name"],
                        "consent_id": consent_of[cid],
                        "created_by_id": worker,
                        "created_at": made,
                        "updated_at": made,
                    }
                    steps = [("create", "", "draft", worker, made)]
                    if status != "draft":
                        sent = made + dt.timedelta(minutes=rng.uniform(5, 600))
                        sent = min(sent, self.now - hour)
                        row.update(sent_at=sent, sent_by_id=worker, due_at=sent + dt.timedelta(days=3))
                        row["completion_due_at"] = sent + dt.timedelta(days=30)
                        steps.append(("send", "draft", "sent", worker, sent))
                        liaison = rng.choice(self.liaisons[aid])
                        respond = min(sent + dt.timedelta(days=rng.expovariate(1 / 2.0)), self.now)
                        finish = min(respond + dt.timedelta(days=rng.expovariate(1 / 12.0)), self.now)
                        if status in ("accepted", "in_progress", "completed", "closed"):
                            row["accepted_at"] = respond
                            steps.append(("accept", "sent", "accepted", liaison, respond))
                        if status in ("in_progress", "completed", "closed"):
                            row["started_at"] = respond
                            steps.append(("start", "accepted", "in_progress", liaison, respond))
                        if status == "completed":
                            row.update(
                                completed_at=finish,
                                outcome=f"Selesai, nomor dokumen {rng.randint(10**6, 10**7)}",
                            )
                            steps.append(("complete", "in_progress", "completed", liaison, finish))
                        elif status == "closed":
                            row.update(closed_at=finish, close_reason="Keluarga pindah ke luar daerah.")
                            steps.append(("close", "in_progress", "closed", liaison, finish))
                        elif status == "declined":
                            row.update(declined_at=respond, decline_reason="Di luar wilayah layanan kami.")
                            steps.append(("decline", "sent", "declined", liaison, respond))
                        elif status == "withdrawn":
                            row.update(
                                withdrawn_at=respond, withdraw_reason="Sudah diurus sendiri oleh keluarga."
                            )
                            steps.append(("withdraw", "sent", "withdrawn", worker, respond))
                        row["updated_at"] = steps[-1][4]
                        if status in ("sent", "accepted", "in_progress"):
                            granted = open_perms
                            if (
                                self.bench_referral is None
                                and aid == self.bench_agency
                                and code == self.bench_village["code"]
                            ):
                                self.bench_referral = rid
                        else:
                            granted = [perms["view_referral"]]
                        gid = self.agency_group[aid]
                        for p in granted:
                            (gpk,) = grants.ids(1)
                            grant_rows.append(
                                {"id": gpk, "group_id": gid, "permission_id": p, "content_object_id": rid}
                            )
                    for action, before, after, by, at in steps:
                        (epk,) = events.ids(1)
                        event_rows.append({"id": epk, "referral_id": rid, "action": action, "from_status": before, "status": after, "by_id": by, "at": at, "note": ""})  # fmt: skip
                    yield row

        referrals.write(referral_rows())
        self.step(f"referrals: {referrals.count}", t)
        events.write(event_rows)
        grants.write(grant_rows)
        self.step(f"referral history: {events.count} events, {grants.count} agency grants", t)
        CaseCounter.objects.all().delete()
        CaseCounter.objects.bulk_create(
            [
                CaseCounter(regency_id=self.by_code[r]["id"], last=last)
                for r, last in counters.items()
                if r in self.by_code
            ]
        )
        self.counts.update(cases=cases.count, referrals=referrals.count, referral_events=events.count)
        if self.bench_referral is None:
            self.bench_referral = Referral.objects.filter(agency_id=self.bench_agency).exclude(status="draft").values_list("pk", flat=True).first()  # fmt: skip
        self.info["referral"] = self.bench_referral
        self.models_written = [ChildCase, CaseTeamMember, ChildCase.needs.through, Consent, Consent.agencies.through, Referral, ReferralEvent, ReferralGroupObjectPermission]  # fmt: skip

    # threads and posts --------------------------------------------------------------------------------

    def threads(self) -> None:
        from forums.markup import render_markdown
        from forums.models import Post, Thread, ThreadUser

        t = time.monotonic()
        rng = self.rng
        rendered = [(b, render_markdown(b)) for b in BODIES]
        threads, posts, readers = Table(Thread), Table(Post), Table(ThreadUser)
        sc = self.scale
        bench_forum = self.forum_of[self.bench_village["code"]]
        # Where threads are: villages 80%, kecamatan 12%, kabupaten 6%, province 2%, the benchmark's forum fixed.
        forum_ids_by_level = defaultdict(list)
        for v in self.people_villages:
            forum_ids_by_level["village"].append(self.forum_of[v["code"]])
        for code in self.upper_people:
            level = {1: "province", 2: "regency", 3: "district"}[code.count(".") + 1]
            forum_ids_by_level[level].append(self.forum_of[code])
        levels = [(lv, w) for lv, w in (("village", 80), ("district", 12), ("regency", 6), ("province", 2)) if forum_ids_by_level[lv]]  # fmt: skip
        level_of = _weighted(rng, levels)
        forums = [bench_forum] * sc.bench_forum_threads
        while len(forums) < sc.threads:
            forums.append(rng.choice(forum_ids_by_level[level_of()]))
        # Posts per thread: heavy-tailed around the mean, the benchmark's thread fixed, summing to scale.posts.
        spare = sc.posts - sc.threads - (sc.bench_thread_posts - 1)
        weights = [rng.expovariate(1.0) ** 1.5 for _ in range(sc.threads - 1)]
        total = sum(weights)
        extra = [int(w / total * spare) for w in weights]
        for i in range(spare - sum(extra)):
            extra[i % len(extra)] += 1
        counts = [sc.bench_thread_posts] + [1 + e for e in extra]
        codes_of_forum = {self.forum_of[c]: codes for c, codes in self.case_codes_by_village.items()}
        thread_ids = threads.ids(sc.threads)
        self.info["forum"] = self.bench_village["code"]
        self.info["thread"] = thread_ids[0]
        post_plan: list[tuple[int, int, dt.datetime, dt.timedelta]] = []
        title_n = 0

        def thread_rows():
            nonlocal title_n
            for i, tid in enumerate(thread_ids):
                forum = forums[i]
                posters = self.posters.get(forum) or self.posters[bench_forum]
                n = counts[i]
                start = self.ago(700, 1)
                span = (self.now - start) * rng.uniform(0.05, 1.0)
                gap = span / max(n, 1)
                last = start + gap * (n - 1)
                case_codes = codes_of_forum.get(forum)
                kind, case_code = "discussion", ""
                if case_codes and rng.random() < 0.15:
                    kind, case_code = "case", rng.choice(case_codes)
                elif rng.random() < 0.03:
                    kind = "announcement"
                title_n += 1
                author = rng.choice(posters)
                post_plan.append((tid, author, start, gap))
                yield {
                    "id": tid,
                    "forum_id": forum,
                    "title": rng.choice(TITLES).format(n=title_n % 97 + 1),
                    "kind": kind,
                    "case_code": case_code,
                    "author_id": author,
                    "created_at": start,
                    "last_post_at": last,
                    "last_post_number": n,
                    "posts_count": n,
                    "pinned": kind == "announcement",
                    "locked": False,
                    "resolved_at": last if kind == "case" and rng.random() < 0.5 else None,
                    "client_token": "",
                }

        threads.write(thread_rows())
        self.step(f"threads: {threads.count}", t)

        def reader_rows():
            for tid, author, _start, _gap in post_plan:
                (pk,) = readers.ids(1)
                yield {"id": pk, "thread_id": tid, "user_id": author, "last_read_number": 1, "level": "watch"}

        readers.write(reader_rows())
        forum_of_thread = dict(zip(thread_ids, forums, strict=True))
        post_ids = iter(posts.ids(sc.posts))

        def post_rows():
            for (tid, author, start, gap), n in zip(post_plan, counts, strict=True):
                posters = self.posters.get(forum_of_thread[tid]) or self.posters[bench_forum]
                for number in range(1, n + 1):
                    body, html = rendered[rng.randrange(len(rendered))]
                    yield {
                        "id": next(post_ids),
                        "thread_id": tid,
                        "number": number,
                        "author_id": author if number == 1 else rng.choice(posters),
                        "body": body,
                        "body_html": html,
                        "created_at": start + gap * (number - 1),
                        "client_token": "",
                    }

        posts.write(post_rows())
        self.counts.update(threads=threads.count, posts=posts.count)
        self.step(f"posts: {posts.count}", t)
        self.forum_models = [Thread, Post, ThreadUser]

    # notifications --------------------------------------------------------------------------------------

    def notifications(self) -> None:
        """What the bell shows: a month or two of notifications per person, most of them read."""
        from portal.notifications.models import Notification

        t = time.monotonic()
        rng = self.rng
        table = Table(Notification)
        texts = [
            ("forum.reply", "{a} membalas di “Pendataan anak pekerja migran”", "/forums/"),
            ("forum.mention", "{a} menyebut Anda di “Jadwal posyandu bulan ini”", "/forums/"),
            ("referral.sent", "Rujukan baru APM-5202-00042 untuk Akta kelahiran", "/cases/inbox/"),
            ("referral.accepted", "Rujukan APM-5202-00042 (Akta kelahiran) diterima", "/cases/"),
            ("referral.message", "Pesan baru pada rujukan APM-5202-00042 (Akta kelahiran)", "/cases/"),
        ]
        people = list(self.usernames)
        per = self.scale.notifications_per_person

        def rows():
            for pk in people:
                for _ in range(per):
                    kind, text, url = rng.choice(texts)
                    made = self.ago(60)
                    read = made + dt.timedelta(hours=rng.uniform(0.1, 48)) if rng.random() < 0.8 else None
                    yield {
                        "id": next(ids),
                        "recipient_id": pk,
                        "actor_id": rng.choice(people),
                        "kind": kind,
                        "text": text.format(a=self.person_name()),
                        "url": url,
                        "params": {},
                        "created_at": made,
                        "read_at": read if read and read < self.now else None,
                    }

        ids = iter(table.ids(len(people) * per))
        table.write(rows())
        self.counts["notifications"] = table.count
        self.notification_models = [Notification]
        self.step(f"notifications: {table.count}", t)

    # commitments ----------------------------------------------------------------------------------------

    def commitments(self) -> None:
        """Budget lines of every village (national: the 83,763 of the country) for the last three fiscal years,
        each kabupaten's and province's own lines, village regulations in about 40% of the villages, and the
        Governor's Circular Letter for NTB. Written straight to the tables (COPY on PostgreSQL)."""
        from commitments.models import BudgetLine, FundSource, Policy

        t = time.monotonic()
        rng = self.rng
        sc = self.scale
        this_year = self.now.astimezone(dt.timezone(dt.timedelta(hours=8))).year
        years = list(range(this_year - sc.commitment_years + 1, this_year + 1))
        if sc.commitment_villages is None:
            villages = list(
                Area.objects.filter(level=Level.VILLAGE).order_by("code").values_list("id", "code")
            )
            uppers = list(
                Area.objects.filter(level__in=[Level.PROVINCE, Level.REGENCY])
                .order_by("code")
                .values_list("id", "code")
            )
        else:
            villages = [(v["id"], v["code"]) for v in self.people_villages[: sc.commitment_villages]]
            codes = {c for _i, c in villages}
            upper_codes = {c.split(".")[0] for c in codes} | {".".join(c.split(".")[:2]) for c in codes}
            uppers = list(
                Area.objects.filter(code__in=upper_codes).order_by("code").values_list("id", "code")
            )
        lines, links = Table(BudgetLine), Table(BudgetLine.services.through)
        policies, policy_links = Table(Policy), Table(Policy.services.through)
        services = [self.services[s] for s in COMMITMENT_SERVICES if s in self.services]
        village_sources = [(FundSource.DANA_DESA, 60), (FundSource.ADD, 30), (FundSource.CSR_NGO, 10)]
        source_of = _weighted(rng, village_sources)
        link_rows: list[dict] = []
        made = self.ago(400, 1)

        def line_rows():
            for area_id, code in villages:
                for year in years:
                    for _k in range(max(1, round(rng.gauss(sc.lines_per_village_year, 1)))):
                        activity, field, slug, low, high = rng.choice(VILLAGE_ACTIVITIES)
                        planned = rng.randrange(low, high, 250_000)
                        realised = None
                        if year < this_year or rng.random() < 0.6:
                            realised = (
                                planned - rng.randrange(0, planned // 3 + 1, 50_000)
                                if rng.random() < 0.9
                                else 0
                            )
                        (pk,) = lines.ids(1)
                        link_rows.append(
                            {"id": links.ids(1)[0], "budgetline_id": pk, "service_id": self.services[slug]}
                        )
                        yield {
                            "id": pk, "area_id": area_id, "area_code": code, "year": year, "source": source_of(),
                            "activity": activity, "activity_code": "", "field_code": field, "planned_idr": planned,
                            "realised_idr": realised, "realised_on": dt.date(year, rng.randint(3, 12), rng.randint(1, 28)) if realised else None,
                            "notes": "", "origin": "manual", "import_key": "", "created_at": made, "updated_at": made,
                        }  # fmt: skip
            for area_id, code in uppers:
                source = FundSource.APBD_PROVINSI if "." not in code else FundSource.APBD_KABUPATEN
                for year in years:
                    for activity, slug in UPPER_ACTIVITIES:
                        (pk,) = lines.ids(1)
                        planned = rng.randrange(50_000_000, 400_000_000, 1_000_000)
                        link_rows.append(
                            {"id": links.ids(1)[0], "budgetline_id": pk, "service_id": self.services[slug]}
                        )
                        yield {
                            "id": pk, "area_id": area_id, "area_code": code, "year": year, "source": source,
                            "activity": activity, "planned_idr": planned, "realised_idr": planned * rng.randint(40, 100) // 100,
                            "created_at": made, "updated_at": made, "origin": "manual", "import_key": "",
                        }  # fmt: skip

        lines.write(line_rows())
        links.write(link_rows)
        self.step(f"budget lines: {lines.count} ({len(villages)} villages x {len(years)} years)", t)

        policy_link_rows = []

        def policy_rows():
            for area_id, code in villages:
                if rng.random() >= 0.4:
                    continue
                (pk,) = policies.ids(1)
                issued = dt.date(rng.choice(years[:-1] or years), rng.randint(1, 12), rng.randint(1, 28))
                policy_link_rows.append(
                    {"id": policy_links.ids(1)[0], "policy_id": pk, "service_id": rng.choice(services)}
                )
                yield {
                    "id": pk, "area_id": area_id, "area_code": code, "kind": rng.choice(["perdes", "sk_kades"]),
                    "number": f"{rng.randint(1, 12)} Tahun {issued.year}", "title": "Perlindungan Anak Pekerja Migran",
                    "issued_on": issued, "issuing_body": "Kepala Desa", "status": "enacted", "summary": "",
                    "document": "", "published_at": made, "created_at": made, "updated_at": made,
                }  # fmt: skip
            if PROVINCE in self.by_code:
                (pk,) = policies.ids(1)
                yield {
                    "id": pk, "area_id": self.by_code[PROVINCE]["id"], "area_code": PROVINCE, "kind": "se_gubernur",
                    "number": "400/10/BP3AKB", "title": "Perlindungan Anak Buruh Migran", "issued_on": dt.date(2017, 1, 18),
                    "issuing_body": "Gubernur Nusa Tenggara Barat", "status": "enacted", "summary": "", "document": "",
                    "published_at": made, "created_at": made, "updated_at": made,
                }  # fmt: skip

        policies.write(policy_rows())
        policy_links.write(policy_link_rows)
        self.counts.update(budget_lines=lines.count, policies=policies.count)
        self.step(f"policies: {policies.count}", t)
        self.commitment_models = [BudgetLine, BudgetLine.services.through, Policy, Policy.services.through]


def generate(*, scale: str, password: str = DEFAULT_PASSWORD, areas_dir=None, log=print) -> LoadRun:
    """Generate the data for a scale once; a second call returns the marker of the first."""
    if getattr(settings, "PELITA_ENVIRONMENT", "") == "production":
        raise LoadDataRefused(
            "generate_load_data refuses to run with production settings: it writes thousands of made-up people."
        )
    if scale not in SCALES:
        raise LoadDataRefused(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
    done = LoadRun.objects.filter(scale=scale).first()
    if done is not None and "budget_lines" not in done.counts:
        return _top_up_commitments(done, areas_dir=areas_dir, log=log)
    if done is not None:
        log(
            f"{scale} load data already loaded on {done.finished_at:%Y-%m-%d %H:%M} (took {done.seconds:.0f}s)."
        )
        return done
    other = LoadRun.objects.exclude(scale=scale).first()
    if other is not None or get_user_model().objects.filter(username__startswith=PREFIX).exists():
        raise LoadDataRefused(
            f"This database already holds load data ({other.scale if other else 'an unfinished run'}): "
            "generate another scale into a fresh database."
        )
    started = time.monotonic()
    gen = Generator(scale=scale, password=password, log=log)
    log(f"Generating {scale} load data:")
    gen.areas(areas_dir)
    with transaction.atomic():
        gen.forums()
        gen.people()
        gen.forum_permissions()
        gen.agencies()
        gen.cases()
        gen.threads()
        gen.notifications()
        gen.commitments()
        from forums.models import Forum, ForumUserObjectPermission

        User = get_user_model()
        reset_sequences(
            [
                Forum,
                ForumUserObjectPermission,
                User,
                User.groups.through,
                Membership,
                Group,
                Agency,
                Agency.services.through,
                *gen.models_written,
                *gen.forum_models,
                *gen.notification_models,
                *gen.commitment_models,
            ]  # fmt: skip
        )
        run = LoadRun.objects.create(
            scale=scale, seconds=time.monotonic() - started, counts=gen.counts, info=gen.info
        )
    if connection.vendor == "postgresql":
        t = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        gen.step("ANALYZE", t)
    run.seconds = time.monotonic() - started
    run.save(update_fields=["seconds"])
    log(f"Done in {run.seconds:.0f}s: " + ", ".join(f"{v} {k}" for k, v in gen.counts.items()))
    return run


def _top_up_commitments(done: LoadRun, *, areas_dir, log) -> LoadRun:
    """A database generated before commitments existed: add their lines and policies once, keep the rest."""
    started = time.monotonic()
    gen = Generator(scale=done.scale, password=done.info.get("password", DEFAULT_PASSWORD), log=log)
    log(f"Adding commitments to the {done.scale} load data:")
    gen.areas(areas_dir)
    gen.services = dict(Service.objects.values_list("slug", "pk"))
    with transaction.atomic():
        gen.commitments()
        reset_sequences(gen.commitment_models)
        done.counts = {**done.counts, **gen.counts}
        done.save(update_fields=["counts"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE commitments_budgetline; ANALYZE commitments_policy")
    log(
        f"Done in {time.monotonic() - started:.0f}s: {gen.counts['budget_lines']} budget lines, {gen.counts['policies']} policies"
    )
    return done
