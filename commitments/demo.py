"""The commitments of the demo (API.md's demo accounts): Desa Jago and Desa Sukaraja with two years of budget lines
and a village regulation each, the Lombok Tengah kabupaten's lines, and the NTB Governor's Circular Letter
400/10/BP3AKB of 18 January 2017 as the province's seed policy (the letter that asks for these commitments).
Idempotent: a record is looked up by its area and title (or activity) before it is made. Demo text is written for
Pelita."""

import datetime as dt

from django.utils import timezone

from portal.agencies.models import Service

from .models import BudgetLine, FundSource, Policy, PolicyStatus
from .services import budget_line_create, policy_create, policy_publish

JAGO, SUKARAJA, LOTENG, NTB = "52.02.01.2013", "52.02.06.2001", "52.02", "52"

POLICIES = [
    # area, recorder, kind, number, title, issuing body, date, services, status, published
    (NTB, "koordinator_ntb", "se_gubernur", "400/10/BP3AKB",
     "Perlindungan Anak Buruh Migran", "Gubernur Nusa Tenggara Barat", dt.date(2017, 1, 18),
     ["akta-kelahiran", "kip", "bpjs-pbi", "pkh"], PolicyStatus.ENACTED, True,
     "Meminta bupati/wali kota menjamin layanan dasar anak buruh migran (pendidikan, kesehatan, hak sipil, bantuan "
     "sosial), membuat kebijakan dan anggaran yang responsif termasuk melalui Dana Desa, dan memperkuat forum warga "
     "berjenjang dari dusun sampai provinsi."),
    (JAGO, "fasilitator_jago", "perdes", "5 Tahun 2025",
     "Perlindungan Anak Pekerja Migran di Desa Jago", "Kepala Desa Jago bersama BPD", dt.date(2025, 3, 10),
     ["akta-kelahiran", "kia", "kembali-sekolah", "parenting"], PolicyStatus.ENACTED, True,
     "Pendataan anak pekerja migran tiap dusun, layanan akta dan KIA keliling, dukungan kembali bersekolah dan kelas "
     "pengasuhan bersama dibiayai Dana Desa setiap tahun."),
    (SUKARAJA, "koordinator_ntb", "sk_kades", "141/07/SK/2026",
     "Pembentukan Forum Perlindungan Anak Desa Sukaraja", "Kepala Desa Sukaraja", dt.date(2026, 2, 2),
     ["perlindungan-anak", "puspaga"], PolicyStatus.ENACTED, True,
     "Menetapkan anggota forum anak desa, tugas kader tiap dusun dan rujukan kasus mendesak ke UPTD PPA."),
    (SUKARAJA, "koordinator_ntb", "perdes", "",
     "Rancangan Perdes Perlindungan Anak Pekerja Migran", "Kepala Desa Sukaraja", None,
     ["akta-kelahiran", "kembali-sekolah"], PolicyStatus.DRAFT, False, "Rancangan untuk musyawarah desa."),
]  # fmt: skip

# area, year, source, activity code, activity, field, services, planned, realised, realised on
LINES = [
    (JAGO, 2025, FundSource.DANA_DESA, "1.3.04", "Pelayanan akta kelahiran dan KIA keliling bersama Dukcapil", "1.3",
     ["akta-kelahiran", "kia"], 9_500_000, 9_350_000, dt.date(2025, 8, 20)),
    (JAGO, 2025, FundSource.DANA_DESA, "2.1.05", "Dukungan anak kembali bersekolah (seragam, alat tulis)", "2.1",
     ["kembali-sekolah"], 14_000_000, 13_200_000, dt.date(2025, 7, 28)),
    (JAGO, 2025, FundSource.ADD, "4.4.02", "Kelas pengasuhan bersama untuk kakek-nenek pengasuh", "4.4",
     ["parenting"], 7_200_000, 7_200_000, dt.date(2025, 11, 30)),
    (JAGO, 2026, FundSource.DANA_DESA, "1.3.04", "Pelayanan akta kelahiran dan KIA keliling bersama Dukcapil", "1.3",
     ["akta-kelahiran", "kia"], 10_000_000, 4_500_000, dt.date(2026, 6, 12)),
    (JAGO, 2026, FundSource.DANA_DESA, "2.1.05", "Dukungan anak kembali bersekolah (seragam, alat tulis)", "2.1",
     ["kembali-sekolah"], 15_000_000, 9_750_000, dt.date(2026, 7, 30)),
    (JAGO, 2026, FundSource.ADD, "4.4.02", "Kelas pengasuhan bersama untuk kakek-nenek pengasuh", "4.4",
     ["parenting", "puspaga"], 12_000_000, 6_000_000, dt.date(2026, 7, 15)),
    (JAGO, 2026, FundSource.CSR_NGO, "", "Pendampingan kader perlindungan anak (LSM mitra)", "",
     ["perlindungan-anak"], 6_500_000, None, None),
    (SUKARAJA, 2025, FundSource.DANA_DESA, "4.4.01", "Pendataan anak pekerja migran per dusun", "4.4",
     ["akta-kelahiran", "kip"], 4_000_000, 4_000_000, dt.date(2025, 5, 14)),
    (SUKARAJA, 2025, FundSource.DANA_DESA, "2.2.03", "Posyandu remaja dan pendaftaran BPJS PBI anak", "2.2",
     ["bpjs-pbi"], 8_750_000, 8_100_000, dt.date(2025, 10, 2)),
    (SUKARAJA, 2026, FundSource.DANA_DESA, "4.4.01", "Pendataan anak pekerja migran per dusun", "4.4",
     ["akta-kelahiran", "kip"], 4_500_000, 4_500_000, dt.date(2026, 4, 22)),
    (SUKARAJA, 2026, FundSource.ADD, "4.4.03", "Sesi pengasuhan komunitas (Community Parenting Desmigratif)", "4.4",
     ["parenting"], 9_000_000, 3_000_000, dt.date(2026, 8, 8)),
    (SUKARAJA, 2026, FundSource.DANA_DESA, "2.1.05", "Beasiswa transport anak kembali bersekolah", "2.1",
     ["kembali-sekolah", "kip"], 11_250_000, None, None),
    (LOTENG, 2025, FundSource.APBD_KABUPATEN, "", "Akta kelahiran gratis jemput bola untuk anak pekerja migran", "",
     ["akta-kelahiran", "kia"], 185_000_000, 171_400_000, dt.date(2025, 12, 15)),
    (LOTENG, 2025, FundSource.APBD_KABUPATEN, "", "Puspaga: konseling keluarga pekerja migran", "",
     ["puspaga"], 120_000_000, 112_000_000, dt.date(2025, 12, 20)),
    (LOTENG, 2026, FundSource.APBD_KABUPATEN, "", "Akta kelahiran gratis jemput bola untuk anak pekerja migran", "",
     ["akta-kelahiran", "kia"], 210_000_000, 96_500_000, dt.date(2026, 9, 30)),
    (LOTENG, 2026, FundSource.APBN, "", "Desa Migran Produktif (Desmigratif): pilar pengasuhan bersama", "",
     ["parenting"], 150_000_000, 60_000_000, dt.date(2026, 8, 31)),
    (LOTENG, 2026, FundSource.APBD_PROVINSI, "", "Bantuan keuangan provinsi: kembali bersekolah anak PMI", "",
     ["kembali-sekolah"], 95_000_000, None, None),
]  # fmt: skip


def _demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with these lines of text (Helvetica): the demo's stand-in for a scanned regulation."""

    def esc(text):
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")

    stream = b"BT /F1 12 Tf 56 780 Td 16 TL " + b" ".join(b"(" + esc(t) + b") '" for t in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


DOCUMENTS = {
    "400/10/BP3AKB": [
        "GUBERNUR NUSA TENGGARA BARAT",
        "SURAT EDARAN NOMOR 400/10/BP3AKB, 18 Januari 2017",
        "tentang Perlindungan Anak Buruh Migran",
        "",
        "Contoh dokumen demo Pelita (bukan salinan resmi).",
        "1. Koordinasi para pihak provinsi dan kabupaten/kota untuk layanan dasar anak buruh migran:",
        "   BSM/KIP, BPJS Kesehatan/KIS, PKH dan akta kelahiran gratis.",
        "2. Kebijakan dan perencanaan anggaran yang responsif, termasuk penggunaan Dana Desa.",
        "3. Penguatan forum warga dan forum multipihak berjenjang dari dusun sampai provinsi.",
    ],
    "5 Tahun 2025": [
        "PERATURAN DESA JAGO NOMOR 5 TAHUN 2025",
        "tentang Perlindungan Anak Pekerja Migran di Desa Jago",
        "",
        "Contoh dokumen demo Pelita (bukan salinan resmi).",
    ],
}


def _kabupaten_coordinator(context):
    """koordinator_loteng: the coordinator of Kab. Lombok Tengah, who follows its villages' commitments."""
    from django.contrib.auth import get_user_model

    from portal.people.models import Role
    from portal.people.services import membership_add

    User = get_user_model()
    user = User.objects.filter(username="koordinator_loteng").first()
    if user is None:
        user = User(
            username="koordinator_loteng",
            display_name="Lalu Sahnun (koordinator kabupaten)",
            email="koordinator_loteng@pelita.local",
        )
        user.set_password(context["password"])
        user.save()
        context.setdefault("created_users", []).append(user.username)
    membership_add(user=user, area=context["areas"][LOTENG], role=Role.COORDINATOR)
    context["users"][user.username] = user
    return user


def seed(context) -> None:
    areas, users = context["areas"], context["users"]
    _kabupaten_coordinator(context)
    services = {s.slug: s for s in Service.objects.all()}
    admin = users["admin"]
    for code, who, kind, number, title, body, date, slugs, status, published, summary in POLICIES:
        if Policy.objects.filter(area_code=code, title=title).exists():
            continue
        document = None
        if number in DOCUMENTS:
            from django.core.files.uploadedfile import SimpleUploadedFile

            name = number.replace("/", "-").replace(" ", "-") + ".pdf"
            document = SimpleUploadedFile(name, _demo_pdf(DOCUMENTS[number]), content_type="application/pdf")
        policy = policy_create(
            actor=users.get(who, admin), area=areas[code], kind=kind, number=number, title=title,
            issuing_body=body, issued_on=date, status=status, services=[services[s] for s in slugs if s in services],
            summary=summary, document=document,
        )  # fmt: skip
        if published:
            policy_publish(actor=admin, policy=policy)
    this_year = timezone.localdate().year
    for code, year, source, act_code, activity, field, slugs, planned, realised, on in LINES:
        # The demo's two years are the last one and this one, whatever year the demo runs in.
        year = this_year - (2026 - year)
        on = min(on.replace(year=year), timezone.localdate()) if on else None
        if BudgetLine.objects.filter(area_code=code, year=year, source=source, activity=activity).exists():
            continue
        budget_line_create(
            actor=admin, area=areas[code], year=year, source=source, activity=activity, activity_code=act_code,
            field_code=field, services=[services[s] for s in slugs if s in services], planned_idr=planned,
            realised_idr=realised, realised_on=on,
        )  # fmt: skip
