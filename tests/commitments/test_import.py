"""The budget import: a good file (CSV and XLSX, Siskeudes column names), bad rows with their errors in
Indonesian, preview before writing, re-import changes nothing, hand-entered lines survive, huge files refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from commitments import imports, services
from commitments.models import BudgetLine, ImportBatch, LineOrigin
from portal.core.errors import Conflict, InvalidInput
from tests.factories import area

JAGO, SUKARAJA = "52.02.01.2013", "52.02.06.2001"

GOOD_CSV = (
    "kode_wilayah;tahun;sumber_dana;kode_kegiatan;kegiatan;bidang;layanan;anggaran;realisasi;tanggal_realisasi;keterangan\n"
    f"{JAGO};2026;Dana Desa;2.1.05;Dukungan kembali bersekolah;02.01;kembali-sekolah;15.000.000;9.750.000;30/09/2026;25 anak\n"
    f"{JAGO};2026;DDS;1.3.04;Akta kelahiran keliling;1.3;akta-kelahiran, kia;Rp 8.500.000;;;\n"
    f"{SUKARAJA};2026;ADD;4.4.01;Kelas pengasuhan bersama;4.4;parenting;12000000;6000000;2026-07-15;\n"
    ";2025;PBK;;Pendataan anak pekerja migran;;;4.000.000;4.000.000;;kabupaten\n"
)


def upload(name, data):
    return SimpleUploadedFile(name, data if isinstance(data, bytes) else data.encode("utf-8"))


def preview(actor, data, name="anggaran.csv", code="52.02"):
    return services.import_preview(actor=actor, area=area(code), upload=upload(name, data))


def test_a_good_file_is_previewed_then_applied_once(demo):
    actor = demo["users"]["koordinator_ntb"]
    batch = preview(actor, GOOD_CSV)
    assert BudgetLine.objects.count() == 0  # a preview writes nothing
    assert [r["action"] for r in batch.rows] == ["create"] * 4
    assert all(not r["errors"] for r in batch.rows)
    result = services.import_apply(actor=actor, batch=batch)
    assert result == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    line = BudgetLine.objects.get(activity_code="2.1.05")
    assert (line.area_code, line.year, line.source, line.field_code) == (JAGO, 2026, "dana_desa", "2.1")
    assert (line.planned_idr, line.realised_idr, str(line.realised_on)) == (
        15_000_000,
        9_750_000,
        "2026-09-30",
    )
    assert [s.slug for s in line.services.all()] == ["kembali-sekolah"]
    assert line.origin == LineOrigin.IMPORT
    kab = BudgetLine.objects.get(source="apbd_kabupaten")
    assert kab.area_code == "52.02" and kab.year == 2025  # an empty area code is the import's own area
    assert set(BudgetLine.objects.get(activity_code="1.3.04").services.values_list("slug", flat=True)) == {
        "akta-kelahiran",
        "kia",
    }
    with pytest.raises(Conflict):
        services.import_apply(actor=actor, batch=batch)  # a batch is applied once
    assert BudgetLine.objects.count() == 4


def test_reimporting_the_same_file_changes_nothing_and_a_changed_figure_updates(demo):
    actor = demo["users"]["koordinator_ntb"]
    services.import_apply(actor=actor, batch=preview(actor, GOOD_CSV))
    before = {line.pk: (line.planned_idr, line.updated_at) for line in BudgetLine.objects.all()}
    again = preview(actor, GOOD_CSV)
    assert [r["action"] for r in again.rows] == ["unchanged"] * 4
    assert services.import_apply(actor=actor, batch=again) == {
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "skipped": 0,
    }
    assert {line.pk: (line.planned_idr, line.updated_at) for line in BudgetLine.objects.all()} == before
    # The realised amount moves on in the village's books: the same line is updated, not duplicated.
    changed = GOOD_CSV.replace("15.000.000;9.750.000", "15.000.000;12.000.000")
    batch = preview(actor, changed)
    assert [r["action"] for r in batch.rows] == ["update", "unchanged", "unchanged", "unchanged"]
    services.import_apply(actor=actor, batch=batch)
    assert BudgetLine.objects.count() == 4
    assert BudgetLine.objects.get(activity_code="2.1.05").realised_idr == 12_000_000


def test_hand_entered_lines_are_never_touched(demo):
    actor = demo["users"]["koordinator_ntb"]
    hand = services.budget_line_create(actor=actor, area=area(JAGO), year=2026, source="dana_desa",
                                       activity="Akta kelahiran keliling", planned_idr=7_000_000)  # fmt: skip
    batch = preview(actor, GOOD_CSV)
    warned = [r for r in batch.rows if r["warnings"]]
    assert len(warned) == 1 and warned[0]["values"]["activity_code"] == "1.3.04"
    services.import_apply(actor=actor, batch=batch)
    hand.refresh_from_db()
    assert (hand.planned_idr, hand.origin) == (7_000_000, LineOrigin.MANUAL)
    # A person corrects an imported line by hand: it becomes theirs, and the next import leaves it alone.
    imported = BudgetLine.objects.get(activity_code="2.1.05")
    services.budget_line_update(actor=actor, line=imported, realised_idr=9_800_000)
    imported.refresh_from_db()
    assert imported.origin == LineOrigin.MANUAL
    services.import_apply(actor=actor, batch=preview(actor, GOOD_CSV))
    imported.refresh_from_db()
    assert imported.realised_idr == 9_800_000
    assert (
        BudgetLine.objects.filter(activity_code="2.1.05").count() == 2
    )  # the file's own line is back, beside it


BAD_ROWS = [
    # (cells after kode_wilayah, the Indonesian message expected)
    ("2026;Dana Desa;;Posyandu;;;dua juta;;;", "bukan jumlah rupiah bulat"),
    ("2026;Dana Desa;;Posyandu;;;12.500.000,50;;;", "bukan jumlah rupiah bulat"),
    ("tahun lalu;Dana Desa;;Posyandu;;;1000;;;", "bukan tahun anggaran"),
    ("2026;Arisan;;Posyandu;;;1000;;;", "Sumber dana “Arisan” tidak dikenal"),
    ("2026;Dana Desa;;;;;1000;;;", "Kegiatan kosong"),
    ("2026;Dana Desa;;Posyandu;9.9;;1000;;;", "bukan bidang atau sub-bidang"),
    ("2026;Dana Desa;;Posyandu;;sulap;1000;;;", "Layanan “sulap” tidak dikenal"),
    ("2026;Dana Desa;;Posyandu;;;1000;;32/13/2026;", "bukan tanggal"),
    ("2026;Dana Desa;;Posyandu;;;;;;", "Anggaran kosong"),
    ("2026;Dana Desa;;Posyandu;;;1000;500;2020-01-01;", "tahun anggaran"),
]


@pytest.mark.parametrize(("cells", "message"), BAD_ROWS)
def test_bad_rows_get_their_error_in_indonesian_and_are_left_out(demo, cells, message):
    actor = demo["users"]["koordinator_ntb"]
    header = "kode_wilayah;tahun;sumber_dana;kode_kegiatan;kegiatan;bidang;layanan;anggaran;realisasi;tanggal_realisasi;keterangan\n"
    data = header + f"{JAGO};2026;ADD;;Kelas pengasuhan;;;5.000.000;;;\n" + f"{JAGO};{cells}\n"
    with translation.override("id"):
        batch = preview(actor, data)
    good, bad = batch.rows
    assert not good["errors"] and good["action"] == "create"
    assert bad["row"] == 3 and bad["action"] is None
    assert any(message.lower() in e.lower() for e in bad["errors"]), bad["errors"]
    assert services.import_apply(actor=actor, batch=batch) == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
    }


def test_rows_outside_the_area_and_duplicates_are_errors(demo):
    actor = demo["users"]["fasilitator_praya"]
    header = "kode_wilayah,tahun,sumber_dana,kegiatan,anggaran\n"
    data = header + (
        f"{SUKARAJA},2026,DD,Posyandu,1000\n"  # Praya Timur, not Praya
        "99.99,2026,DD,Posyandu,1000\n"  # no such area
        f"{JAGO},2026,DD,Posyandu,1000\n"
        f"{JAGO},2026,DD,posyandu ,2000\n"  # the same line twice
        f"{JAGO}.01,2026,DD,Posyandu,1000\n"  # a dusun
    )
    with translation.override("id"):
        batch = preview(actor, data, code="52.02.01")
    errors = [r["errors"] for r in batch.rows]
    assert "tidak berada di" in errors[0][0] and "tidak ada" in errors[1][0]
    assert errors[2] == [] and "baris 4" in errors[3][0] and "dusun" in errors[4][0]


def test_xlsx_template_round_trip_and_siskeudes_headers(demo):
    """The downloadable XLSX template imports as it is; a Siskeudes-like sheet (Kd_Keg, Nama_Kegiatan,
    Sumberdana, Anggaran, numbers as spreadsheet numbers) does too."""
    from openpyxl import Workbook

    actor = demo["users"]["koordinator_ntb"]
    batch = preview(actor, imports.template_xlsx(), name="template.xlsx")
    assert [r["errors"] for r in batch.rows] == [[], [], []]
    assert services.import_apply(actor=actor, batch=batch)["created"] == 3
    wb = Workbook()
    ws = wb.active
    ws.append(["Tahun", "Kd_Keg", "Nama_Kegiatan", "Sumberdana", "Anggaran", "Realisasi"])
    ws.append([2026, "4.4.02", "Sesi pengasuhan komunitas", "ADD", 9000000.0, 3000000])
    ws.append([None, None, None, None, None, None])
    ws.append([2026, "2.1.03", "Transport sekolah", "DDS", 11250000, None])
    buf = io.BytesIO()
    wb.save(buf)
    batch = preview(actor, buf.getvalue(), name="siskeudes.xlsx", code=JAGO)
    assert [(r["values"]["planned_idr"], r["values"]["source"]) for r in batch.rows] == [
        (9_000_000, "add"), (11_250_000, "dana_desa")]  # fmt: skip
    # The template CSV too.
    assert not any(r["errors"] for r in preview(actor, imports.template_csv(), name="t.csv").rows)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "huge.csv",
            b"tahun,sumber_dana,kegiatan,anggaran\n" + b"2026,DD,Posyandu desa,1000\n" * 120_000,
            "paling besar",
        ),
        (
            "many.csv",
            b"tahun,sumber_dana,kegiatan,anggaran\n" + b"".join(b"2026,DD,K%d,1\n" % i for i in range(5001)),
            "lebih dari 5.000 baris",
        ),
        ("empty.csv", b"  \n", "kosong"),
        ("nohead.csv", b"a,b,c\n1,2,3\n", "tidak ada: tahun, sumber_dana, kegiatan, anggaran"),
        ("fake.xlsx", b"PK\x03\x04 not really a zip", "bukan berkas XLSX"),
        ("picture.png", b"\x89PNG\r\n\x1a\n", "CSV atau XLSX"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_whole_with_a_clear_message(
    demo, settings, name, data, message
):
    actor = demo["users"]["koordinator_ntb"]
    with translation.override("id"), pytest.raises(InvalidInput) as exc:
        preview(actor, data, name=name)
    assert message in str(exc.value.message), exc.value.message
    assert "file" in exc.value.errors
    assert ImportBatch.objects.count() == 0 and BudgetLine.objects.count() == 0


def test_the_import_pages_preview_and_confirm(demo):
    client = Client()
    client.force_login(demo["users"]["koordinator_ntb"])
    url = reverse("commitments:import", args=["52.02"])
    page = client.get(url)
    assert page.status_code == 200 and "kode_wilayah" in page.content.decode()
    response = client.post(url, {"file": upload("anggaran.csv", GOOD_CSV)})
    assert response.status_code == 302
    preview_url = response["Location"]
    text = client.get(preview_url).content.decode()
    assert "4 baru" in text and BudgetLine.objects.count() == 0
    done = client.post(preview_url, follow=True)
    assert "4 baru" in done.content.decode() and BudgetLine.objects.count() == 4
    # The huge file, through the page: the message and no preview.
    settings_limit = imports.max_bytes()
    big = upload(
        "besar.csv",
        b"tahun,sumber_dana,kegiatan,anggaran\n" + b"2026,DD,Posyandu,1\n" * (settings_limit // 18),
    )
    refused = client.post(url, {"file": big})
    assert refused.status_code == 200 and "paling besar" in refused.content.decode()
