"""Issue 14 in Chromium at 360 px (a cheap Android phone): the Dusun Jago Timur facilitator schedules a meeting,
records the attendance, publishes the minutes and a decision with an action item for the cadre; the cadre finds it
on her home page and marks it done. Screenshots of each step in the artifacts folder."""

import datetime as dt
import re

import pytest

from portal.core.workdays import WITA
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Pertemuan warga: pendataan KIA"
TASK = "Data anak PMI tanpa KIA di RT 02"


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home/")


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide at 360px"


def test_journey_schedule_record_assign_complete(asgi_server, demo, page, artifacts_dir, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    page.set_viewport_size({"width": 360, "height": 740})
    today = dt.datetime.now(WITA).date()

    # 1. The facilitator schedules the dusun's meeting from the forum page.
    _login(page, base, "fasilitator_jago")
    page.get_by_role("link", name="Forum saya").first.click()
    page.get_by_role("link", name="Forum Dusun Jago Timur").click()
    page.get_by_role("link", name="Rapat dan tindak lanjut").click()
    page.get_by_role("link", name="Jadwalkan rapat").click()
    page.get_by_label("Judul").fill(TITLE)
    page.get_by_label("Tanggal").fill(today.isoformat())
    page.get_by_label("Mulai (WITA)").fill("00:30")
    page.get_by_label("Tempat").fill("Rumah Kadus Jago Timur")
    page.get_by_label("Agenda").fill("Kartu Identitas Anak\nJadwal posyandu")
    page.get_by_role("button", name="Jadwalkan").click()
    page.wait_for_url(re.compile(r".*/forums/m/\d+/$"))
    meeting_url = page.url
    assert page.locator("h1").inner_text() == TITLE
    assert "00:30 WITA" in page.locator("main").inner_text()
    _fits(page)
    page.screenshot(path=str(artifacts_dir / "meetings-1-scheduled.png"), full_page=True)

    # 2. After the meeting: attendance (a wrong total is refused, what was typed stays).
    page.get_by_role("link", name="Catat kehadiran").click()
    page.get_by_label("Perempuan (P)").fill("18")
    page.get_by_label("Laki-laki (L)").fill("9")
    page.get_by_label("Dewasa").fill("20")
    page.get_by_label("Anak dan remaja").fill("2")
    page.get_by_label("Pemerintah desa").fill("1")
    page.get_by_role("button", name="Simpan kehadiran").click()
    assert "harus sama dengan" in page.locator(".errorlist").first.inner_text()
    assert page.get_by_label("Perempuan (P)").input_value() == "18"
    page.get_by_label("Dewasa").fill("25")
    page.get_by_label("Baiq Nurul").check()
    page.get_by_role("button", name="Simpan kehadiran").click()
    page.wait_for_url(meeting_url)
    assert "27 peserta (P:18, L:9)" in page.locator("main").inner_text()

    # 3. The minutes, published to the forum.
    page.get_by_role("link", name="Tulis notulen").click()
    page.get_by_label("Notulen").fill(
        "Kader menjelaskan **KIA**. Pengasuh anak PMI di RT 02 belum tahu syaratnya.\n\n- Kader mendata per RT."
    )
    page.get_by_role("button", name="Terbitkan di forum").click()
    page.wait_for_url(meeting_url)
    assert "Notulen diterbitkan di forum" in page.locator(".messages").inner_text()

    # 4. A decision with an action item for the cadre, due in a week.
    page.get_by_role("link", name="Catat keputusan").click()
    page.get_by_label("Keputusan").fill("Anak PMI yang belum punya KIA didata per RT.")
    page.get_by_label("Apa yang harus dikerjakan").fill(TASK)
    page.get_by_label("Baiq Nurul").check()
    page.get_by_label("Batas waktu").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Simpan keputusan").click()
    page.wait_for_url(re.compile(re.escape(meeting_url) + r"#decision-\d+$"))
    assert TASK in page.locator("main").inner_text()
    _fits(page)
    page.screenshot(path=str(artifacts_dir / "meetings-2-recorded.png"), full_page=True)

    # 5. The cadre sees it on her home page and marks it done.
    _login(page, base, "kader_jago")
    home = page.locator("main").inner_text()
    assert "Tindak lanjut saya" in home and TASK in home
    page.screenshot(path=str(artifacts_dir / "meetings-3-home.png"), full_page=True)
    page.get_by_role("link", name=TASK).first.click()
    page.get_by_role("link", name="Tandai selesai").click()
    page.get_by_role("button", name="Tandai selesai").click()
    assert "tulis catatan singkat" in page.locator(".errorlist").first.inner_text()
    page.get_by_label("Apa yang sudah dikerjakan").fill(
        "Sudah didata: 7 anak di RT 02, kode kasus ke pendamping."
    )
    page.get_by_role("button", name="Tandai selesai").click()
    page.wait_for_url(re.compile(r".*/forums/action-items/\d+/$"))
    main = page.locator("main").inner_text()
    assert "Selesai" in main and "Sudah didata: 7 anak" in main
    _fits(page)
    page.screenshot(path=str(artifacts_dir / "meetings-4-done.png"), full_page=True)

    # 6. Back on the meeting page, the item shows done.
    page.goto(meeting_url)
    assert "Selesai" in page.locator("li.action-item", has_text=TASK).inner_text()
    page.screenshot(path=str(artifacts_dir / "meetings-5-meeting.png"), full_page=True)
