"""Journey 2 in Chromium at 360 px, with and without JavaScript: the Desa Jago case worker registers the boy (the
form comes in short steps; a NIK that does not match the birth date is refused and nothing typed is lost), records
consent and refers him to Dinas Dukcapil Lombok Tengah for a birth certificate. Both Dukcapil liaisons, each on
their own phone, have their inbox open: with JavaScript the referral arrives live; without, it is there when the
page is reloaded. One accepts; the other's stale button is refused with a clear message; they talk in the
referral's private thread; the referral is completed with the certificate number. Each step checks what the
person sees, that nothing scrolls sideways, and keeps a screenshot (test-artifacts/journey2-*-{js,nojs}.png)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.phone import JS, apart, headings_differ, login, open_menu_link, phone, step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD = "Lalu Ahmad Fadli"
CERTIFICATE = "5202-LT-24112026-0042"


def _live(page):
    expect(page.locator("#notif-bell")).to_have_attribute("data-live", "on", timeout=10000)


@pytest.mark.parametrize(**JS)
def test_journey2_register_consent_refer_accept_talk_complete(
    asgi_server, demo, browser, artifacts_dir, monkeypatch, js
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    contexts = [phone(browser, js) for _ in range(3)]
    worker, liaison1, liaison2 = (c.new_page() for c in contexts)

    def shot(page, name):
        step(page, artifacts_dir, "journey2", name, js)

    # The two liaisons have their inbox open.
    for page, name in ((liaison1, "dukcapil_loteng_1"), (liaison2, "dukcapil_loteng_2")):
        login(page, base, name)
        open_menu_link(page, "Kotak masuk lembaga")
        expect(page.locator("h1")).to_have_text("Kotak masuk lembaga")
        if js:
            _live(page)
    shot(liaison1, "1-inbox-before")

    # 1. The case worker registers the child; a NIK that does not match the birth date is refused when leaving
    # the first step (the server checks the step, with JavaScript too), what was typed kept.
    login(worker, base, "pendamping_jago")
    open_menu_link(worker, "Anak dan kasus")
    expect(worker.locator("h1")).to_have_text("Anak dan kasus")
    shot(worker, "2-cases")
    worker.get_by_role("link", name="Daftarkan anak").click()
    born = dt.date(dt.date.today().year - 6, 3, 14)
    # The date of birth is three number fields.
    worker.get_by_label("Nama anak").fill(CHILD)
    worker.get_by_label("Laki-laki").check()
    worker.locator("#id_birth_date_day").fill(str(born.day))
    worker.locator("#id_birth_date_month").fill(str(born.month))
    worker.locator("#id_birth_date_year").fill(str(born.year))
    worker.get_by_label("NIK").fill("5202011403990001")
    worker.get_by_label("Dusun atau desa").select_option(label="Dusun Jago Timur, Desa Jago")
    shot(worker, "3-register-child")

    def refused():
        expect(worker.locator(".field-error .errorlist")).to_contain_text(
            f"NIK tidak sesuai dengan tanggal lahir: untuk anak yang lahir {born.day} Mar {born.year}, digit ke-7 "
            f"sampai ke-12 NIK adalah {born:%d%m%y}."  # the digits, not a format code such as TTBBTT
        )
        expect(worker.locator("#error-summary")).to_be_focused()
        expect(worker.get_by_label("Nama anak")).to_have_value(CHILD)
        shot(worker, "4-register-nik-refused")
        worker.get_by_label("NIK").fill(f"520201{born:%d%m%y}0007")

    worker.locator("#step-child").get_by_role("button", name="Lanjut").click()
    refused()
    worker.locator("#step-child").get_by_role("button", name="Lanjut").click()
    worker.get_by_label("Nama pengasuh").fill("Inaq Saenah")
    worker.get_by_label("Hubungan pengasuh dengan anak").fill("nenek")
    worker.locator("#step-caregiver").get_by_role("button", name="Lanjut").click()
    worker.get_by_label("Ibu", exact=True).check()
    worker.get_by_label("Negara tempat orang tua bekerja").fill("Malaysia")
    worker.locator("#step-abroad").get_by_role("button", name="Lanjut").click()
    worker.get_by_label("Belum punya akta kelahiran").check()
    shot(worker, "5-register-needs")
    worker.locator("#step-needs").get_by_role("button", name="Daftarkan").click()
    worker.wait_for_url(re.compile(r".*/cases/APM-5202-\d{5}/$"))
    code = re.search(r"APM-5202-\d{5}", worker.url).group(0)
    expect(worker.locator(".messages")).to_contain_text(f"Anak telah didaftarkan dengan kode {code}")
    expect(worker.locator("main")).to_contain_text(CHILD)
    apart(worker.locator(".case-next a"))  # the next steps: two buttons, not glued together
    shot(worker, "6-case-registered")

    # 2. Consent to share with Dukcapil.
    worker.get_by_role("link", name="Catat persetujuan").first.click()  # first among the case's next steps
    expect(worker.get_by_label("Persetujuan diberikan oleh")).to_have_value("Inaq Saenah")
    worker.get_by_label("Dinas Dukcapil Kab. Lombok Tengah").check()
    shot(worker, "7-consent-form")
    worker.get_by_role("button", name="Catat persetujuan").click()
    expect(worker.locator(".messages")).to_contain_text("Persetujuan telah dicatat")

    # 3. The referral: the picker offers only the agency providing birth certificates for Desa Jago. With
    # JavaScript the choice of service shows the agencies at once; without, its button does.
    worker.get_by_role("link", name="Rujuk ke lembaga").click()
    worker.wait_for_load_state()  # the picker's script is attached (a slow machine selects before it otherwise)
    worker.get_by_label("1. Layanan yang dibutuhkan anak").select_option("akta-kelahiran")
    if not js:
        worker.get_by_role("button", name="Tampilkan lembaga").click()
    worker.wait_for_url(re.compile(r".*service=akta-kelahiran"))
    agencies = worker.locator("input[name=agency]")
    expect(agencies).to_have_count(1)
    expect(worker.locator("label.choice")).to_contain_text("Dinas Dukcapil Kab. Lombok Tengah")
    worker.get_by_label("Kebutuhan anak").fill(
        "Anak belum punya akta kelahiran; ibu bekerja di Malaysia sejak 2022."
    )
    shot(worker, "8-referral-form")
    worker.get_by_role("button", name="Kirim rujukan").click()
    worker.wait_for_url(re.compile(r".*/cases/referrals/\d+/$"))
    referral_url = worker.url
    expect(worker.locator(".status-line")).to_contain_text("Terkirim")
    shot(worker, "9-referral-sent")

    # 4. Both liaisons see it arrive (live, or on reload); the inbox shows the code, never the name.
    for page in (liaison1, liaison2):
        if not js:
            page.reload()
        expect(page.locator("[data-live-inbox]")).to_contain_text(code, timeout=10000)
        assert CHILD not in page.locator("[data-live-inbox]").inner_text()
        if page is liaison1:
            shot(page, "10-inbox-new-referral")
        page.locator("[data-live-inbox]").get_by_role("link", name=re.compile(code)).click()
        page.wait_for_url(referral_url)
        expect(page.locator("main")).to_contain_text(CHILD)  # the referral shares the identity while open
        if js:
            _live(page)
    shot(liaison1, "11-referral-for-liaison")

    # 5. One accepts; the other (live: a banner) presses the stale button and is refused with a clear message.
    liaison1.get_by_role("button", name="Terima").click()
    expect(liaison1.locator(".status-line")).to_contain_text("Diterima")
    if js:
        expect(liaison2.locator("[data-live-banner]")).to_be_visible(timeout=10000)
    liaison2.get_by_role("button", name="Terima").click()
    expect(liaison2.locator(".messages")).to_contain_text("sekarang berstatus “Diterima”")
    expect(liaison2.locator(".status-line")).to_contain_text("Diterima")
    shot(liaison2, "12-stale-accept-refused")

    # 6. The private thread: a question from the agency, an answer from the case worker.
    liaison1.get_by_label("Pesan").fill("Mohon kirim fotokopi KK dan buku nikah orang tua.")
    liaison1.get_by_role("button", name="Kirim pesan").click()
    expect(liaison1.locator(".thread")).to_contain_text("fotokopi KK")
    worker.goto(referral_url)
    expect(worker.locator(".thread")).to_contain_text("fotokopi KK")
    worker.get_by_label("Pesan").fill("Baik, besok saya antar ke kantor Dukcapil.")
    worker.get_by_role("button", name="Kirim pesan").click()
    expect(worker.locator(".thread")).to_contain_text("besok saya antar")
    shot(worker, "13-referral-thread")

    # 7. Work starts; completing without the outcome is refused, then done with the certificate number.
    liaison2.reload()
    liaison2.get_by_role("button", name="Mulai proses").click()
    expect(liaison2.locator(".status-line")).to_contain_text("Sedang diproses")
    liaison2.get_by_role("button", name="Selesaikan").click()
    expect(liaison2.locator("#action-complete .errorlist")).to_contain_text("Tuliskan hasilnya")
    shot(liaison2, "14-complete-refused")
    liaison2.get_by_label("Hasil (misalnya nomor akta)").fill(f"Akta kelahiran terbit, nomor {CERTIFICATE}")
    liaison2.get_by_role("button", name="Selesaikan").click()
    expect(liaison2.locator(".status-line")).to_contain_text("Selesai")
    # The agency keeps the record it made, but no longer the child's identity.
    expect(liaison2.locator("main")).to_contain_text(CERTIFICATE)
    assert CHILD not in liaison2.locator("main").inner_text()
    shot(liaison2, "15-completed-for-agency")

    # 8. The case worker sees the outcome and the whole history.
    worker.reload()
    expect(worker.locator(".status-line")).to_contain_text("Selesai")
    expect(worker.locator("main")).to_contain_text(CERTIFICATE)
    history = worker.locator(".timeline").inner_text()
    for status in ("Terkirim", "Diterima", "Sedang diproses", "Selesai"):
        assert status in history
    headings_differ(worker)
    shot(worker, "16-referral-completed")
    liaison1.goto(f"{base}/cases/inbox/?tab=all")
    expect(liaison1.locator("[data-live-inbox]")).to_contain_text(code)
    lines = liaison1.locator("[data-live-inbox]").inner_text().splitlines()
    assert not [line for line in lines if line.strip().startswith("·")], lines  # no dangling separator
    shot(liaison1, "17-agency-inbox-all")
    for context in contexts:
        context.close()
