"""Commitments in Chromium on a 360 px phone: the Lombok Tengah coordinator opens the commitments from the home
page (the kabupaten's villages, this year, by source, planned and spent), enters a budget line for Desa Jago,
imports a budget file (preview with a bad row, then confirm), and sees the kabupaten roll-up change; then anyone
sees the same figures without logging in."""

import pytest

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "kode_wilayah;tahun;sumber_dana;kode_kegiatan;kegiatan;bidang;layanan;anggaran;realisasi\n"
    "52.02.06.2001;{year};Dana Desa;2.2.03;Kelas remaja sehat dan BPJS PBI anak;2.2;bpjs-pbi;6.000.000;1.500.000\n"
    "52.02.06.2001;{year};Arisan;;Baris yang salah;;;1.000.000;\n"
)


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 362, page.url


def test_coordinator_enters_a_line_imports_a_file_and_sees_the_rollup(
    asgi_server, demo, browser, artifacts_dir, tmp_path, monkeypatch, settings
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.utils import timezone

    from commitments import demo as commitments_demo
    from commitments.models import BudgetLine

    settings.PELITA_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    demo["password"] = TEST_PASSWORD
    commitments_demo.seed(demo)
    year = timezone.localdate().year
    phone = browser.new_context(viewport={"width": 360, "height": 780})
    page = phone.new_page()
    page.goto(f"{asgi_server}/accounts/login/")
    page.get_by_label("Nama pengguna").fill("koordinator_loteng")
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{asgi_server}/home/")

    # One click from home: the kabupaten's villages this year, by source, planned and realised.
    page.locator("main a[href='/commitments/']").first.click()
    page.wait_for_url(f"{asgi_server}/commitments/a/52.02/")
    villages = page.locator("table.c-villages")
    assert "Desa Jago" in villages.inner_text() and "Rp 43.500.000" in villages.inner_text()
    assert "Dana Desa: Rp 25.000.000" in villages.inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts_dir / "commitments-1-kabupaten.png"), full_page=True)

    # Enter a line for Desa Jago.
    villages.get_by_role("link", name="Desa Jago").click()
    page.wait_for_url("**/commitments/a/52.02.01.2013/**")
    page.get_by_role("link", name="Tambah baris anggaran").click()
    page.get_by_label("Kegiatan", exact=True).fill("Pelayanan KIA keliling di Dusun Lendang Re")
    page.get_by_label("Sumber dana").select_option("dana_desa")
    page.get_by_label("Bidang / sub-bidang (Permendagri 20/2018)").select_option("1.3")
    page.get_by_label("Anggaran (Rp)").fill("7,5 juta")
    page.get_by_role("button", name="Simpan").click()
    assert (
        "Ketik jumlah rupiah bulat" in page.locator("main").inner_text()
    )  # and what was typed is still there
    assert (
        page.get_by_label("Kegiatan", exact=True).input_value()
        == "Pelayanan KIA keliling di Dusun Lendang Re"
    )
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts_dir / "commitments-2-line-error.png"), full_page=True)
    page.get_by_label("Anggaran (Rp)").fill("7.500.000")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url("**/commitments/a/52.02.01.2013/**")
    assert "Baris anggaran disimpan" in page.locator(".messages").inner_text()
    assert "Pelayanan KIA keliling" in page.locator("#lines").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts_dir / "commitments-3-village.png"), full_page=True)

    # Import a file for the kabupaten: the preview first, with the bad row's error in Indonesian.
    page.goto(f"{asgi_server}/commitments/a/52.02/")
    page.get_by_role("link", name="Impor berkas anggaran").click()
    path = tmp_path / "anggaran-sukaraja.csv"
    path.write_text(CSV.format(year=year), encoding="utf-8")
    page.get_by_label("Berkas anggaran (CSV atau XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Periksa berkas").click()
    page.wait_for_url("**/commitments/imports/**")
    summary = page.locator(".c-summary").inner_text()
    assert "1 baru" in summary and "1 bermasalah" in summary
    assert "Sumber dana “Arisan” tidak dikenal" in page.locator("table.c-preview").inner_text()
    assert not BudgetLine.objects.filter(activity__startswith="Kelas remaja sehat").exists()
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts_dir / "commitments-4-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Konfirmasi impor").click()
    page.wait_for_url(f"{asgi_server}/commitments/a/52.02/")
    assert "Impor selesai: 1 baru" in page.locator(".messages").inner_text()

    # The kabupaten roll-up has both: Jago 43.500.000 + 7.500.000, Sukaraja 24.750.000 + 6.000.000.
    villages = page.locator("table.c-villages")
    assert "Rp 51.000.000" in villages.inner_text() and "Rp 30.750.000" in villages.inner_text()
    assert "Rp 536.750.000" in page.locator(".c-figures").first.inner_text()
    page.screenshot(path=str(artifacts_dir / "commitments-5-kabupaten-after.png"), full_page=True)

    # The dashboard's commitments section says the same, styled like the commitments pages.
    page.goto(f"{asgi_server}/dashboard/?area=52.02")
    section = page.locator("#h-commitments").locator("xpath=..")
    assert "Rp 536.750.000" in section.inner_text()
    assert section.locator(".c-figures").evaluate("e => getComputedStyle(e).display") == "grid"
    _no_sideways_scroll(page)
    section.screenshot(path=str(artifacts_dir / "commitments-5b-dashboard-section.png"))

    # The same without logging in.
    anon = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    anon.goto(f"{asgi_server}/commitments/a/52.02/")
    assert "Rp 51.000.000" in anon.locator("table.c-villages").inner_text()
    assert anon.get_by_role("link", name="Tambah baris anggaran").count() == 0
    _no_sideways_scroll(anon)
    anon.screenshot(path=str(artifacts_dir / "commitments-6-public.png"), full_page=True)
    anon.goto(f"{asgi_server}/commitments/a/52.02.01.2013/card/")
    assert "Rp 51.000.000" in anon.locator(".c-figures").inner_text()
    _no_sideways_scroll(anon)
    anon.screenshot(path=str(artifacts_dir / "commitments-7-card.png"), full_page=True)
