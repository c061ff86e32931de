"""Journey 2 in Chromium: the Desa Jago case worker (on a phone) registers the boy, records consent and refers him
to Dinas Dukcapil Lombok Tengah for a birth certificate. Both Dukcapil liaisons, each in their own browser,
see it arrive live; one accepts, the other sees the change live and is refused when pressing the stale
button; they talk in the referral's private thread; the referral is completed with the certificate number."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD = "Lalu Ahmad Fadli"
CERTIFICATE = "5202-LT-24112026-0042"


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home/")


def _live(page):
    expect(page.locator("#notif-bell")).to_have_attribute("data-live", "on", timeout=10000)


def test_journey2_register_consent_refer_accept_talk_complete(
    asgi_server, demo, browser, artifacts_dir, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    one, two = browser.new_context(), browser.new_context()
    worker, liaison1, liaison2 = phone.new_page(), one.new_page(), two.new_page()

    # The two liaisons have their inbox open.
    for page, name in ((liaison1, "dukcapil_loteng_1"), (liaison2, "dukcapil_loteng_2")):
        _login(page, base, name)
        page.get_by_role("link", name="Kotak masuk lembaga").first.click()
        expect(page.locator("h1")).to_have_text("Kotak masuk lembaga")
        _live(page)

    # 1. The case worker registers the child; a NIK that does not match the birth date is refused when leaving
    # the first step (the server's check), kept.
    _login(worker, base, "pendamping_jago")
    worker.get_by_role("link", name="Anak dan kasus").first.click()
    worker.get_by_role("link", name="Daftarkan anak").click()
    born = dt.date(dt.date.today().year - 6, 3, 14)
    # On the phone the form comes in short steps (issue 20); the date of birth is three number fields.
    worker.get_by_label("Nama anak").fill(CHILD)
    worker.get_by_label("Laki-laki").check()
    worker.locator("#id_birth_date_day").fill(str(born.day))
    worker.locator("#id_birth_date_month").fill(str(born.month))
    worker.locator("#id_birth_date_year").fill(str(born.year))
    worker.get_by_label("NIK").fill("5202011403990001")
    worker.get_by_label("Dusun atau desa").select_option(label="Dusun Jago Timur, Desa Jago")
    # "Lanjut" asks the server to check the step: the NIK rule refuses it there, what was typed kept.
    worker.locator("#step-child").get_by_role("button", name="Lanjut").click()
    expect(worker.locator(".field-error .errorlist")).to_contain_text("NIK tidak sesuai dengan tanggal lahir")
    expect(worker.locator("#error-summary")).to_be_focused()
    expect(worker.get_by_label("Nama anak")).to_have_value(CHILD)
    worker.get_by_label("NIK").fill(f"520201{born:%d%m%y}0007")
    worker.locator("#step-child").get_by_role("button", name="Lanjut").click()
    worker.get_by_label("Nama pengasuh").fill("Inaq Saenah")
    worker.get_by_label("Hubungan pengasuh dengan anak").fill("nenek")
    worker.locator("#step-caregiver").get_by_role("button", name="Lanjut").click()
    worker.get_by_label("Ibu", exact=True).check()
    worker.get_by_label("Negara tempat orang tua bekerja").fill("Malaysia")
    worker.locator("#step-abroad").get_by_role("button", name="Lanjut").click()
    worker.get_by_label("Belum punya akta kelahiran").check()
    worker.locator("#step-needs").get_by_role("button", name="Daftarkan").click()
    worker.wait_for_url(re.compile(r".*/cases/APM-5202-\d{5}/$"))
    code = re.search(r"APM-5202-\d{5}", worker.url).group(0)
    expect(worker.locator(".messages")).to_contain_text(f"Anak telah didaftarkan dengan kode {code}")

    # 2. Consent to share with Dukcapil.
    worker.get_by_role("link", name="Catat persetujuan").first.click()  # first among the case's next steps
    expect(worker.get_by_label("Persetujuan diberikan oleh")).to_have_value("Inaq Saenah")
    worker.get_by_label("Dinas Dukcapil Kab. Lombok Tengah").check()
    worker.get_by_role("button", name="Catat persetujuan").click()
    expect(worker.locator(".messages")).to_contain_text("Persetujuan telah dicatat")

    # 3. The referral: the picker offers only the agency providing birth certificates for Desa Jago.
    worker.get_by_role("link", name="Rujuk ke lembaga").click()
    worker.wait_for_load_state()  # the picker's script is attached (a slow machine selects before it otherwise)
    worker.get_by_label("1. Layanan yang dibutuhkan anak").select_option("akta-kelahiran")
    worker.wait_for_url(re.compile(r".*service=akta-kelahiran"))
    agencies = worker.locator("input[name=agency]")
    expect(agencies).to_have_count(1)
    expect(worker.locator("label.choice")).to_contain_text("Dinas Dukcapil Kab. Lombok Tengah")
    worker.get_by_label("Kebutuhan anak").fill(
        "Anak belum punya akta kelahiran; ibu bekerja di Malaysia sejak 2022."
    )
    worker.get_by_role("button", name="Kirim rujukan").click()
    worker.wait_for_url(re.compile(r".*/cases/referrals/\d+/$"))
    referral_url = worker.url
    expect(worker.locator(".status-line")).to_contain_text("Terkirim")

    # 4. Both liaisons see it arrive without reloading; the inbox shows the code, never the name.
    for page in (liaison1, liaison2):
        expect(page.locator("[data-live-inbox]")).to_contain_text(code, timeout=10000)
        assert CHILD not in page.locator("[data-live-inbox]").inner_text()
        page.locator("[data-live-inbox]").get_by_role("link", name=re.compile(code)).click()
        page.wait_for_url(referral_url)
        expect(page.locator("main")).to_contain_text(CHILD)  # the referral shares the identity while open
        _live(page)

    # 5. One accepts; the other sees the change live, and the stale button is refused with a clear message.
    liaison1.get_by_role("button", name="Terima").click()
    expect(liaison1.locator(".status-line")).to_contain_text("Diterima")
    expect(liaison2.locator("[data-live-banner]")).to_be_visible(timeout=10000)
    liaison2.get_by_role("button", name="Terima").click()
    expect(liaison2.locator(".messages")).to_contain_text("sekarang berstatus “Diterima”")
    expect(liaison2.locator(".status-line")).to_contain_text("Diterima")

    # 6. The private thread: a question from the agency, an answer from the case worker.
    liaison1.get_by_label("Pesan").fill("Mohon kirim fotokopi KK dan buku nikah orang tua.")
    liaison1.get_by_role("button", name="Kirim pesan").click()
    expect(liaison1.locator(".thread")).to_contain_text("fotokopi KK")
    worker.goto(referral_url)
    expect(worker.locator(".thread")).to_contain_text("fotokopi KK")
    worker.get_by_label("Pesan").fill("Baik, besok saya antar ke kantor Dukcapil.")
    worker.get_by_role("button", name="Kirim pesan").click()
    expect(worker.locator(".thread")).to_contain_text("besok saya antar")

    # 7. Work starts; completing without the outcome is refused, then done with the certificate number.
    liaison2.reload()
    liaison2.get_by_role("button", name="Mulai proses").click()
    expect(liaison2.locator(".status-line")).to_contain_text("Sedang diproses")
    liaison2.get_by_role("button", name="Selesaikan").click()
    expect(liaison2.locator("#action-complete .errorlist")).to_contain_text("Tuliskan hasilnya")
    liaison2.get_by_label("Hasil (misalnya nomor akta)").fill(f"Akta kelahiran terbit, nomor {CERTIFICATE}")
    liaison2.get_by_role("button", name="Selesaikan").click()
    expect(liaison2.locator(".status-line")).to_contain_text("Selesai")
    # The agency keeps the record it made, but no longer the child's identity.
    expect(liaison2.locator("main")).to_contain_text(CERTIFICATE)
    assert CHILD not in liaison2.locator("main").inner_text()

    # 8. The case worker sees the outcome and the whole history.
    worker.reload()
    expect(worker.locator(".status-line")).to_contain_text("Selesai")
    expect(worker.locator("main")).to_contain_text(CERTIFICATE)
    history = worker.locator(".timeline").inner_text()
    for status in ("Terkirim", "Diterima", "Sedang diproses", "Selesai"):
        assert status in history
    worker.screenshot(path=str(artifacts_dir / "journey2-referral-completed.png"), full_page=True)
    liaison1.goto(f"{base}/cases/inbox/?tab=all")
    liaison1.screenshot(path=str(artifacts_dir / "journey2-agency-inbox.png"), full_page=True)
    for context in (phone, one, two):
        context.close()
