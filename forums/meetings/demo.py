"""Demo meetings: a year of the Desa Jago forum (the musyawarah desa and its coordination meetings), its three
dusun forums and the Kecamatan Praya coordination meeting, with attendance, minutes (Bahasa Indonesia, and English
for the kecamatan's meetings, written by its CSO facilitator), decisions and action items in every state: open,
done, dropped, overdue and raised (one from Dusun Jago Timur to Desa Jago, one from Desa Jago to Kecamatan Praya)
and one taken over by Desa Jago from Dusun Jago Barat; and proposals to the village plan (RKPDes).

Dates are relative to the day the demo is loaded (the year before it, and the weeks after it). Idempotent:
meetings are found by forum and title. Demo text written for Pelita; no real person or child."""

import datetime as dt

from django.utils import timezone

from portal.core.workdays import WITA, local_date

from ..models import Post, Thread
from ..services import forum_ensure
from . import services
from .models import ActionItem, ActionItemEvent, Meeting, Proposal

JAGO, PRAYA = "52.02.01.2013", "52.02.01"

# forum key, days from today (negative: past), start "HH:MM", title, place, agenda, attendance, minutes,
# decisions: [(text, [(what, owners, agency, due in days after the meeting, final state, note)])]
# attendance: (female, male, adults, children, village gov, health, education, religious, cso, agency)
MEETINGS = [
    (
        "desa",
        -350,
        "09:00",
        "Musyawarah desa: data anak PMI dan rencana tahun ini",
        "Aula Kantor Desa Jago",
        ["Data anak pekerja migran per dusun", "Layanan akta kelahiran dan KIA", "Pembagian tugas kader"],
        (31, 24, 52, 3, 6, 3, 4, 2, 3, 1),
        "### Ringkasan\n"
        "Kepala desa membuka musyawarah. Pendamping desa menyampaikan rekap sementara: **47 anak** yang salah "
        "satu atau kedua orang tuanya bekerja di luar negeri, terbanyak di Dusun Jago Timur.\n\n"
        "### Pembahasan\n"
        "- Banyak anak belum punya akta kelahiran karena orang tuanya di Malaysia atau Arab Saudi.\n"
        "- Bidan desa mengingatkan jadwal posyandu untuk anak yang diasuh kakek-nenek.\n"
        "- Kader sepakat memakai kode kasus di forum, bukan nama anak.\n",
        [
            (
                "Pendataan ulang anak PMI di setiap dusun selesai dalam satu bulan.",
                [("Kader tiap dusun mengirim rekap anak PMI ke pendamping desa", ["kader_jago"], None, 30, "done",
                  "Rekap dari tiga dusun sudah diterima: 52 anak.")],
            ),
            (
                "Desa meminta layanan jemput bola akta kelahiran ke Dukcapil.",
                [("Surat permohonan layanan keliling ke Dinas Dukcapil", ["fasilitator_jago"], None, 21, "done",
                  "Surat dikirim dan dijawab: Dukcapil datang bulan depan.")],
            ),
        ],
    ),
    (
        "jago_timur",
        -300,
        "20:00",
        "Pertemuan warga Dusun Jago Timur",
        "Rumah Kadus Jago Timur",
        ["Anak yang belum punya akta", "Jadwal posyandu"],
        (18, 9, 25, 2, 1, 1, 1, 1, 1, 0),
        "Pertemuan dibuka kepala dusun setelah isya. Kader menyampaikan ada beberapa anak di RT 02 dan RT 03 "
        "yang belum punya akta kelahiran; neneknya tidak tahu syarat jika ibu di luar negeri.\n\n"
        "- Kader akan mendampingi pengasuh ke kantor desa untuk surat keterangan.\n"
        "- Ibu-ibu minta posyandu tetap hari Kamis.\n",
        [
            (
                "Kader mendampingi pengasuh mengurus surat keterangan desa untuk akta.",
                [("Dampingi pengasuh ke kantor desa (RT 02 dan RT 03)", ["kader_jago"], None, 30, "done",
                  "Enam pengasuh sudah dapat surat keterangan.")],
            ),
        ],
    ),
    (
        "desa",
        -270,
        "09:00",
        "Rapat koordinasi: layanan akta kelahiran keliling",
        "Aula Kantor Desa Jago",
        ["Persiapan hari layanan Dukcapil", "Rujukan yang belum selesai"],
        (22, 15, 37, 0, 4, 2, 2, 1, 2, 2),
        "Dinas Dukcapil Lombok Tengah hadir dan menjelaskan syarat akta untuk anak yang orang tuanya di luar "
        "negeri. Hari layanan keliling disepakati di kantor desa.\n\n"
        "- Pendamping menyiapkan daftar kode kasus yang perlu akta (bukan nama).\n"
        "- Kader dusun mengumumkan di masjid dan posyandu.\n",
        [
            (
                "Hari layanan akta keliling diadakan di kantor desa.",
                [
                    ("Umumkan hari layanan di masjid dan posyandu", ["kader_jago"], None, 14, "done",
                     "Diumumkan di tiga masjid dan dua posyandu."),
                    ("Siapkan daftar kode kasus yang perlu akta", ["pendamping_jago"], None, 10, "done",
                     "Daftar 19 kode kasus diserahkan ke Dukcapil."),
                ],
            ),
        ],
    ),
    (
        "praya",
        -240,
        "10:00",
        "Kecamatan coordination meeting: children of migrant workers",
        "Kantor Camat Praya",
        ["Referral figures per village", "Birth certificates: lessons from Desa Jago"],
        (14, 12, 26, 0, 8, 3, 3, 1, 4, 7),
        "### Summary\n"
        "The camat opened the meeting. Village facilitators reported their referrals; Desa Jago shared how the "
        "mobile birth registration day worked.\n\n"
        "### Agreed\n"
        "- Every village sends its overdue referrals before the next meeting.\n"
        "- Dinas Sosial explains the PKH update schedule to the village facilitators.\n",
        [
            (
                "Dinas Sosial briefs the village facilitators on the PKH data update.",
                [("PKH data update briefing for village facilitators", [], "Dinas Sosial Kab. Lombok Tengah", 45,
                  "done", "Briefing held at the kecamatan office with 11 villages.")],
            ),
        ],
    ),
    (
        "jago_barat",
        -210,
        "20:00",
        "Pertemuan warga Dusun Jago Barat",
        "Musala Jago Barat",
        ["Anak putus sekolah", "Kelas parenting"],
        (12, 10, 20, 2, 1, 0, 2, 1, 0, 0),
        "Guru SD menyampaikan dua anak jarang masuk sekolah sejak ibunya berangkat ke luar negeri. Warga "
        "setuju meminta bantuan desa.\n\n- Kader mencatat kode kasus dan menyampaikan ke pendamping desa.\n",
        [
            (
                "Anak yang jarang sekolah dikunjungi bersama guru.",
                [("Kunjungan rumah bersama wali kelas", ["fasilitator_jago"], None, 30, "take_over",
                  "Dusun belum bisa mengatur jadwal dengan sekolah; desa mengambil alih.")],
            ),
        ],
    ),
    (
        "desa",
        -180,
        "09:00",
        "Musyawarah desa: usulan RKPDes untuk anak PMI",
        "Aula Kantor Desa Jago",
        ["Usulan dari dusun", "Kelas parenting Desmigratif", "Anggaran Dana Desa"],
        (34, 27, 58, 3, 7, 3, 3, 3, 3, 2),
        "Musyawarah membahas usulan dari dusun untuk RKPDes. Perwakilan Puspaga menjelaskan kelas parenting "
        "untuk kakek-nenek pengasuh.\n\n"
        "- Layanan akta keliling diusulkan menjadi kegiatan tahunan.\n"
        "- Kelas parenting diusulkan empat kali setahun.\n"
        "- Pojok baca di posyandu dibahas lagi setelah ada kepastian program kabupaten.\n",
        [
            (
                "Desa mengusulkan layanan akta keliling dan kelas parenting ke RKPDes.",
                [("Tulis usulan lengkap dengan perkiraan biaya", ["fasilitator_jago"], None, 20, "done",
                  "Dua usulan diserahkan ke sekretaris desa.")],
            ),
            (
                "Pojok baca anak di posyandu ditunda.",
                [("Cari donatur buku untuk pojok baca", ["kader_jago"], None, 60, "drop",
                  "Kabupaten sudah mendanai program literasi di posyandu tahun ini.")],
            ),
        ],
    ),
    (
        "jago_timur",
        -120,
        "20:00",
        "Pertemuan warga: KIA untuk anak PMI",
        "Rumah Kadus Jago Timur",
        ["Kartu Identitas Anak", "Anak yang diasuh nenek"],
        (16, 8, 22, 2, 1, 1, 0, 1, 1, 0),
        "Kader menjelaskan Kartu Identitas Anak (KIA). Banyak pengasuh belum tahu anak perlu KIA.\n\n"
        "- Kader mendata anak PMI yang belum punya KIA di RT 01 sampai RT 04.\n",
        [
            (
                "Anak PMI yang belum punya KIA didata per RT.",
                [("Data anak PMI tanpa KIA di RT 01–04 (kode kasus saja)", ["kader_jago"], None, 45, "overdue",
                  "")],
            ),
        ],
    ),
    (
        "praya",
        -100,
        "10:00",
        "Kecamatan coordination meeting: PKH and school aid",
        "Kantor Camat Praya",
        ["Overdue PKH referrals", "PIP for children of migrant workers"],
        (13, 14, 27, 0, 9, 2, 4, 1, 3, 8),
        "The facilitators reviewed the PKH referrals past their deadline. Dinas Pendidikan reminded the "
        "villages that schools need the village's list to propose PIP.\n\n"
        "- Each village checks its PIP list with the schools.\n",
        [
            (
                "Villages check the PIP lists with their schools.",
                [("Check the PIP list of Kec. Praya's schools", ["fasilitator_praya"], None, 60, "open", "")],
            ),
        ],
    ),
    (
        "desa",
        -90,
        "09:00",
        "Rapat koordinasi: PKH keluarga PMI",
        "Aula Kantor Desa Jago",
        ["Keluarga PMI yang belum masuk PKH", "Rujukan ke Dinas Sosial"],
        (19, 14, 33, 0, 5, 1, 1, 1, 2, 1),
        "Pendamping melaporkan beberapa rujukan PKH ke Dinas Sosial belum dijawab. Disepakati desa mengirim "
        "surat resmi dan menaikkan ke kecamatan bila tidak ada jawaban.\n",
        [
            (
                "Desa menyurati Dinas Sosial tentang rujukan PKH yang belum dijawab.",
                [("Kirim surat ke Dinas Sosial tentang rujukan PKH", ["pendamping_jago"], None, 30, "overdue",
                  "")],
            ),
        ],
    ),
    (
        "lendang_re",
        -60,
        "20:00",
        "Pertemuan warga Dusun Lendang Re",
        "Berugak Dusun Lendang Re",
        ["Transport sekolah anak PMI"],
        (11, 9, 18, 2, 1, 0, 1, 1, 0, 0),
        "Warga menyampaikan anak SMP harus berjalan jauh ke sekolah. Diusulkan bantuan transport untuk anak "
        "yang diasuh kakek-nenek.\n",
        [
            (
                "Dusun mengusulkan bantuan transport sekolah ke RKPDes.",
                [("Hitung jumlah anak dan perkiraan biaya transport", ["fasilitator_jago"], None, 75, "open", "")],
            ),
        ],
    ),
    (
        "desa",
        -30,
        "09:00",
        "Rapat koordinasi bulanan",
        "Aula Kantor Desa Jago",
        ["Tindak lanjut rapat sebelumnya", "Kelas parenting pertama"],
        (21, 12, 33, 0, 4, 2, 2, 1, 2, 1),
        "Kelas parenting pertama untuk pengasuh anak PMI akan diadakan bersama Puspaga.\n\n"
        "- Puspaga menyiapkan materi; kader mengundang pengasuh.\n",
        [
            (
                "Kelas parenting pertama diadakan bersama Puspaga.",
                [
                    ("Siapkan materi kelas parenting", [], "Puspaga Kab. Lombok Tengah", 40, "open", ""),
                    ("Undang pengasuh anak PMI dari tiga dusun", ["kader_jago"], None, 35, "open", ""),
                ],
            ),
        ],
    ),
    ("desa", 10, "09:00", "Musyawarah desa: evaluasi tahunan", "Aula Kantor Desa Jago",
     ["Evaluasi kegiatan setahun", "Usulan tahun depan"], None, "", []),
    ("jago_timur", 5, "20:00", "Pertemuan warga: hasil pendataan KIA", "Rumah Kadus Jago Timur",
     ["Hasil pendataan KIA"], None, "", []),
    ("praya", 20, "10:00", "Kecamatan coordination meeting: year in review", "Kantor Camat Praya",
     ["Villages' action items", "Next year's plans"], None, "", []),
]  # fmt: skip

# forum key, title, description, cost (Rp), services, plan year offset, final state, reason
PROPOSALS = [
    ("desa", "Hari layanan akta kelahiran dan KIA keliling",
     "Dukcapil datang ke kantor desa dua kali setahun untuk akta kelahiran dan KIA anak PMI; desa menyiapkan "
     "tempat, konsumsi, dan pengumuman.", 7_500_000, ["akta-kelahiran", "kia"], 1, "accept", ""),
    ("desa", "Kelas parenting untuk kakek-nenek pengasuh",
     "Empat kelas parenting setahun bersama Puspaga untuk pengasuh anak PMI: pengasuhan, keuangan keluarga, "
     "dan komunikasi dengan orang tua di luar negeri.", 12_000_000, ["parenting", "puspaga"], 1, "accept", ""),
    ("jago_timur", "Pojok baca anak di posyandu",
     "Rak buku dan tikar baca di dua posyandu Dusun Jago Timur.", 3_500_000, ["kembali-sekolah"], 1,
     "not_accept", "Sudah didanai program literasi kabupaten tahun ini."),
    ("lendang_re", "Bantuan transport sekolah anak PMI",
     "Bantuan ongkos ojek sekolah untuk anak SMP yang diasuh kakek-nenek di Lendang Re.", 9_000_000,
     ["kembali-sekolah"], 1, "submit", ""),
]  # fmt: skip


def _forums(context) -> dict:
    hamlets = context["hamlets"][JAGO]
    return {
        "desa": forum_ensure(area=context["areas"][JAGO]),
        "praya": forum_ensure(area=context["areas"][PRAYA]),
        "jago_timur": forum_ensure(area=hamlets[0]),
        "jago_barat": forum_ensure(area=hamlets[1]),
        "lendang_re": forum_ensure(area=hamlets[2]),
    }


def _facilitator(key, users):
    return users["fasilitator_praya"] if key == "praya" else users["fasilitator_jago"]


def seed(context) -> None:
    users, agencies = context["users"], context["agencies"]
    forums = _forums(context)
    today = local_date(timezone.now())
    for key, days, hhmm, title, place, agenda, attendance, minutes, decisions in MEETINGS:
        forum = forums[key]
        if Meeting.objects.filter(forum=forum, title=title).exists():
            continue
        actor = _facilitator(key, users)
        day = today + dt.timedelta(days=days)
        hour, minute = (int(x) for x in hhmm.split(":"))
        starts_at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA)
        meeting = services.meeting_schedule(
            forum=forum,
            actor=actor,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            place=place,
            agenda=agenda,
        )
        if days > 0:
            continue
        Meeting.objects.filter(pk=meeting.pk).update(created_at=starts_at - dt.timedelta(days=10))
        names = ("female", "male", "adults", "children", "village_government", "health", "education",
                 "religious_leaders", "cso", "agency")  # fmt: skip
        services.attendance_record(
            meeting=meeting, actor=actor, counts=dict(zip(names, attendance, strict=True))
        )
        meeting = services.minutes_save(meeting=meeting, actor=actor, body=minutes, publish=True)
        # The minutes were posted the evening of the meeting, not today (the thread list is by activity).
        posted = starts_at + dt.timedelta(hours=6)
        Post.objects.filter(pk=meeting.minutes_post_id).update(created_at=posted)
        Thread.objects.filter(pk=meeting.minutes_post.thread_id).update(
            created_at=posted, last_post_at=posted
        )
        for text, items in decisions:
            decision = services.decision_add(meeting=meeting, actor=actor, text=text)
            for what, owners, agency, due_in, state, note in items:
                item = services.action_item_add(
                    decision=decision,
                    actor=actor,
                    title=what,
                    owner_ids=[users[u].pk for u in owners],
                    agency_id=agencies[agency].pk if agency else None,
                    due_on=day + dt.timedelta(days=due_in),
                )
                _settle(item=item, state=state, note=note, actor=actor, users=users, day=day, due_in=due_in)
        Meeting.objects.filter(pk=meeting.pk).update(held_at=starts_at + dt.timedelta(hours=2))
    services.action_items_sweep(as_of=today)
    for key, title, description, cost, slugs, offset, state, reason in PROPOSALS:
        forum = forums[key]
        if Proposal.objects.filter(forum=forum, title=title).exists():
            continue
        proposal = services.proposal_submit(
            forum=forum,
            actor=_facilitator(key, users),
            title=title,
            description=description,
            estimated_cost_idr=cost,
            service_slugs=slugs,
            plan_year=today.year + offset,
        )
        if state in ("accept", "not_accept"):
            services.proposal_decide(
                proposal_id=proposal.pk, actor=users["fasilitator_jago"], action=state, reason=reason
            )


def _settle(*, item, state, note, actor, users, day, due_in) -> None:
    """Bring a demo item to its state, with dates that look like the year it lived (the transitions stamp now)."""
    created = dt.datetime.combine(day, dt.time(12, 0), tzinfo=WITA)
    ActionItem.objects.filter(pk=item.pk).update(created_at=created)
    ActionItemEvent.objects.filter(item=item, action="create").update(at=created)
    if state in ("done", "drop"):
        owner = item.owners.first() or actor
        who = owner if state == "done" else actor
        services.action_item_transition(item_id=item.pk, actor=who, action=state, note=note)
        finished = dt.datetime.combine(
            day + dt.timedelta(days=max(due_in - 5, 1)), dt.time(16, 0), tzinfo=WITA
        )
        stamp = "done_at" if state == "done" else "dropped_at"
        ActionItem.objects.filter(pk=item.pk).update(**{stamp: finished})
        ActionItemEvent.objects.filter(item=item, action=state).update(at=finished)
    elif state == "take_over":
        # Overdue and raised to Desa Jago, whose facilitator takes it over.
        services.action_items_sweep(as_of=day + dt.timedelta(days=due_in + 1))
        services.action_item_transition(
            item_id=item.pk, actor=users["fasilitator_jago"], action="take_over", note=note
        )
