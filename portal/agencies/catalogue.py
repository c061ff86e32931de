"""The service catalogue of PRODUCT.md (slugs as in API.md). Loaded by `manage.py load_services` and the demo."""

from django.db import transaction

from .models import Service

# slug, name (id), name (en), need (id), need (en), completion target in days, child protection
SERVICES = [
    (
        "akta-kelahiran",
        "Akta kelahiran",
        "Birth certificate",
        "Belum punya akta kelahiran",
        "No birth certificate",
        14,
        False,
    ),
    (
        "kia",
        "Kartu Identitas Anak (KIA)",
        "Child identity card (KIA)",
        "Belum punya KIA",
        "No KIA",
        14,
        False,
    ),
    (
        "kip",
        "Bantuan sekolah (BSM / KIP / PIP)",
        "School aid (BSM / KIP / PIP)",
        "Belum menerima bantuan sekolah",
        "No school aid",
        30,
        False,
    ),
    (
        "kembali-sekolah",
        "Kembali ke sekolah",
        "Return to school",
        "Tidak bersekolah",
        "Out of school",
        30,
        False,
    ),
    (
        "bpjs-pbi",
        "BPJS Kesehatan PBI / KIS",
        "National health insurance (BPJS PBI / KIS)",
        "Belum punya KIS",
        "No KIS",
        30,
        False,
    ),
    (
        "pkh",
        "Program Keluarga Harapan (PKH)",
        "Family cash transfer (PKH)",
        "Keluarga belum masuk PKH",
        "Family not in PKH",
        60,
        False,
    ),
    (
        "bansos-lain",
        "Bantuan sosial lainnya",
        "Other social assistance",
        "Butuh bantuan sosial lain",
        "Needs other social assistance",
        60,
        False,
    ),
    (
        "puspaga",
        "Konseling dan dukungan keluarga (Puspaga)",
        "Counselling and family support (Puspaga)",
        "Butuh konseling keluarga",
        "Needs family counselling",
        21,
        False,
    ),
    (
        "parenting",
        "Pengasuhan berbasis komunitas (Desmigratif)",
        "Community parenting (Desmigratif)",
        "Pengasuh butuh dukungan pengasuhan",
        "Caregiver needs parenting support",
        30,
        False,
    ),
    (
        "perlindungan-anak",
        "Penanganan kasus perlindungan anak (UPTD PPA)",
        "Child protection case handling (UPTD PPA)",
        "Risiko kekerasan, eksploitasi, perdagangan orang atau perkawinan anak",
        "Risk of violence, exploitation, trafficking or child marriage",
        7,
        True,
    ),
]


@transaction.atomic
def services_sync() -> int:
    """Create or update the catalogue; returns how many services were created."""
    created = 0
    for position, (slug, name_id, name_en, need_id, need_en, days, protection) in enumerate(SERVICES):
        _obj, was_created = Service.objects.update_or_create(
            slug=slug,
            defaults={
                "name_id": name_id,
                "name_en": name_en,
                "need_id": need_id,
                "need_en": need_en,
                "completion_days": days,
                "child_protection": protection,
                "position": position,
            },
        )
        created += was_created
    return created
