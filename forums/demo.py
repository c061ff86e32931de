"""Demo forums: the Jago dusun and desa forums, Kec. Praya and Desa Sukaraja, with a few threads in Bahasa
Indonesia, one of them escalated from the dusun to Desa Jago (journey 1). Idempotent: threads are found by title."""

from .models import Thread
from .services import forum_ensure, post_create, thread_create, thread_escalate

JAGO, PRAYA, SUKARAJA = "52.02.01.2013", "52.02.01", "52.02.06.2001"

DUSUN_THREADS = [
    (
        "kader_jago",
        "Anak laki-laki di Jago Timur belum punya akta kelahiran",
        "Ada anak laki-laki umur 6 tahun di RT 02, ibunya bekerja di Malaysia sejak 2022. "
        "Anak tinggal dengan neneknya dan belum punya akta kelahiran, jadi susah daftar SD tahun depan. "
        "Kartu keluarga masih atas nama ibunya. Ada yang tahu syaratnya kalau ibunya di luar negeri?",
        [
            (
                "fasilitator_jago",
                "Terima kasih Bu @kader_jago. Akta bisa diurus walaupun ibunya di luar negeri, "
                "tapi perlu surat keterangan dari desa. Saya angkat ke forum desa supaya pendamping ikut membantu.",
            ),
        ],
        "Anak 6 tahun di Dusun Jago Timur belum punya akta kelahiran; ibu bekerja di Malaysia, anak diasuh nenek. "
        "Perlu bantuan pendamping desa untuk surat keterangan dan rujukan ke Dukcapil Lombok Tengah.",
    ),
    (
        "kader_jago",
        "Jadwal posyandu bulan depan",
        "Posyandu Jago Timur bulan depan pindah ke hari Kamis minggu kedua. Mohon diingatkan ke keluarga "
        "yang anaknya diasuh kakek-nenek.",
        [],
        None,
    ),
]

DESA_THREADS = [
    (
        "fasilitator_jago",
        "announcement",
        "Rapat koordinasi perlindungan anak PMI, Sabtu ini",
        "Rapat koordinasi di kantor desa hari Sabtu jam 09.00 WITA. Agenda: data anak PMI terbaru, "
        "rujukan yang belum selesai, dan jadwal kelas parenting Desmigratif.",
        [("pendamping_jago", "Saya hadir dan membawa rekap rujukan bulan ini.")],
    ),
    (
        "pendamping_jago",
        "discussion",
        "Beasiswa PIP untuk anak yang orang tuanya di luar negeri",
        "Beberapa anak di Desa Jago belum terdaftar PIP padahal memenuhi syarat. Sekolah minta data dari desa. "
        "Siapa yang bisa bantu mencocokkan data dengan kader dusun?",
        [("kader_jago", "Saya bisa bantu untuk Dusun Jago Timur, nanti saya kirim daftarnya.")],
    ),
]

PRAYA_THREADS = [
    (
        "fasilitator_praya",
        "discussion",
        "Rekap rujukan kecamatan bulan ini",
        "Mohon fasilitator desa memperbarui rujukan yang melewati batas waktu, terutama PKH dan akta kelahiran. "
        "Kita bahas di rapat kecamatan minggu depan.",
        [],
    ),
]

SUKARAJA_THREADS = [
    (
        "kader_sukaraja",
        "discussion",
        "Kelas parenting untuk pengasuh anak PMI",
        "Kami mau mengadakan kelas parenting untuk nenek dan kakek yang mengasuh cucu. Ada contoh materi?",
        [],
    ),
]


def _thread(forum, users, username, kind, title, body, replies):
    thread = Thread.objects.filter(forum=forum, title=title).first()
    if thread is not None:
        return thread, False
    thread = thread_create(forum=forum, author=users[username], title=title, body=body, kind=kind)
    for replier, text in replies:
        post_create(thread=thread, author=users[replier], body=text)
    return thread, True


def seed(context) -> None:
    users = context["users"]
    areas = context["areas"]
    dusun = context["hamlets"][JAGO][0]
    dusun_forum = forum_ensure(area=dusun)
    for username, title, body, replies, note in DUSUN_THREADS:
        thread, created = _thread(dusun_forum, users, username, "discussion", title, body, replies)
        if created and note:
            thread_escalate(thread=thread, actor=users["fasilitator_jago"], note=note)
    for code, threads in ((JAGO, DESA_THREADS), (PRAYA, PRAYA_THREADS), (SUKARAJA, SUKARAJA_THREADS)):
        forum = forum_ensure(area=areas[code])
        for username, kind, title, body, replies in threads:
            _thread(forum, users, username, kind, title, body, replies)
    forum_ensure(area=context["hamlets"][SUKARAJA][0])
