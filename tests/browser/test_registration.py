"""The registration and identity steps of issue 20 (forms that help, GOV.UK patterns) in Chromium at 360 px,
with and without JavaScript:

1. An empty register: the error summary ("Ada masalah") takes the focus, each message links to its field.
2. The form in short steps (child, caregiver, parent abroad, needs): nothing typed is lost between them; the
   date of birth is three number fields (hari, bulan, tahun), no date picker.
3. A child with a similar name and the same birth date in the same desa: "Mungkin sudah terdaftar: APM-…",
   with a link to that case, and "register anyway".
4. The case team corrects the child's name; the audit trail keeps the old value.
Screenshots under test-artifacts/ (registration-*.png)."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
EXISTING = "Lalu Zulkarnain Uji"


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home/")


def _shot(page, artifacts_dir, name):
    page.screenshot(path=str(artifacts_dir / f"registration-{name}.png"), full_page=True)


def _axe_clean(page, js):
    """axe-core: no serious or critical violation (as tests/accessibility for the main pages). axe runs as a
    script in the page: with JavaScript only (the markup is the same without)."""
    if not js:
        return
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in SERIOUS]
    assert not serious, serious


SERIOUS = {"serious", "critical"}


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def _existing_case(demo, born):
    from referrals.services import case_register

    return case_register(
        actor=demo["users"]["pendamping_jago"],
        area=demo["hamlets"]["52.02.01.2013"][0],
        child_name=EXISTING,
        sex="M",
        birth_date=born,
        caregiver_name="Inaq Rumenah",
        caregiver_relation="nenek",
        parent_abroad="mother",
        destination_country="Malaysia",
    )


def _step(page, name):
    return page.locator(f"#step-{name}")


@pytest.mark.parametrize("js", [False, True], ids=["nojs", "js"])
def test_registration_steps_summary_date_duplicates_and_correction(
    js, asgi_server, demo, browser, artifacts_dir, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base, tag = asgi_server, "js" if js else "nojs"
    born = dt.date(dt.date.today().year - 6, 5, 17)
    existing = _existing_case(demo, born)
    context = browser.new_context(viewport=PHONE, java_script_enabled=js)
    page = context.new_page()
    _login(page, base, "pendamping_jago")
    page.goto(f"{base}/cases/new/")

    # Step 1 only; the date of birth is three numeric inputs, not a date picker.
    expect(_step(page, "child")).to_be_visible()
    expect(_step(page, "caregiver")).to_be_hidden()
    assert page.locator("input[type=date]").count() == 0
    for part in ("day", "month", "year"):
        expect(page.locator(f"#id_birth_date_{part}")).to_have_attribute("inputmode", "numeric")
    _fits(page)
    _shot(page, artifacts_dir, f"1-step-child-{tag}")

    # 1. "Lanjut" with nothing typed: the step being left is checked by the server's rules (with JavaScript a
    # check asked in the background, the page not reloaded; without, a submit), the summary has the focus and
    # links to each field, and the step stays.
    if js:
        page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Lanjut").first.click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary a[href='#id_child_name']")).to_have_text("Tulis nama anak.")
    expect(page.locator("#error-summary")).to_contain_text("Tulis tanggal lahir anak.")
    expect(page.locator("#error-summary")).not_to_contain_text("Tulis nama pengasuh")  # only this step
    expect(page.locator("#step-child .field-error").first).to_be_visible()  # the messages at the fields too
    expect(_step(page, "child")).to_be_visible()
    expect(_step(page, "caregiver")).to_be_hidden()
    assert page.title().startswith("Galat: ")
    if js:
        assert page.evaluate("window.__sameDocument === true")  # no round trip of the page
    _shot(page, artifacts_dir, f"2-error-summary-{tag}")
    _axe_clean(page, js)
    page.locator("#error-summary a[href='#id_child_name']").click()
    expect(page.locator("#id_child_name")).to_be_focused()

    # 2. The steps, filled one by one: the NIK rule is checked with the date and the sex of the same step.
    page.locator("#id_child_name").fill("lalu  zulkarnain")
    page.get_by_label("Laki-laki").check()
    page.locator("#id_birth_date_day").fill(str(born.day))
    page.locator("#id_birth_date_month").fill(str(born.month))
    page.locator("#id_birth_date_year").fill(str(born.year))
    page.locator("#id_area").select_option(label="Dusun Jago Timur, Desa Jago")
    # A NIK of another kecamatan (Praya Timur, 52.02.06) with the child's birth date and sex: valid, warned
    # about at the register.
    other_nik = f"520206{born.day:02d}{born.month:02d}{born.year % 100:02d}0042"
    page.locator("#id_nik").fill(other_nik)
    page.locator("#step-child").get_by_role("button", name="Lanjut").click()
    expect(_step(page, "caregiver")).to_be_visible()
    expect(_step(page, "child")).to_be_hidden()
    expect(page.locator("#error-summary")).to_have_count(0)  # the step passed: the summary is gone
    assert not page.title().startswith("Galat")
    if js:
        assert page.evaluate("window.__sameDocument === true")
    # "Lanjut" on the caregiver step with nothing typed: stays, with that step's messages.
    page.locator("#step-caregiver").get_by_role("button", name="Lanjut").click()
    expect(page.locator("#error-summary")).to_contain_text("Tulis nama pengasuh")
    expect(_step(page, "caregiver")).to_be_visible()
    expect(page.locator("#id_child_name")).to_have_value("lalu  zulkarnain")  # nothing lost
    page.locator("#id_caregiver_name").fill("Inaq Saenah")
    page.locator("#id_caregiver_relation").fill("nenek")
    page.locator("#step-caregiver").get_by_role("button", name="Lanjut").click()
    page.locator("#step-abroad").get_by_role("button", name="Kembali").click()
    expect(page.locator("#id_caregiver_name")).to_have_value("Inaq Saenah")  # nothing lost going back
    page.locator("#step-caregiver").get_by_role("button", name="Lanjut").click()
    page.locator("#step-abroad").get_by_label("Ibu", exact=True).check()
    page.locator("#id_destination_country").fill("Malaysia")
    _shot(page, artifacts_dir, f"3-step-abroad-{tag}")
    page.locator("#step-abroad").get_by_role("button", name="Lanjut").click()
    page.get_by_label("Belum punya akta kelahiran").check()
    page.locator("#step-needs").get_by_role("button", name="Daftarkan").click()

    # The NIK of another kecamatan: a warning, not a refusal; the case worker confirms it.
    nik_warning = page.locator("#nik-warning")
    expect(nik_warning).to_contain_text("NIK ini terdaftar di wilayah lain: Kec. Praya Timur")
    expect(nik_warning).to_be_focused()
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(page.locator("#id_nik")).to_have_value(other_nik)
    _fits(page)
    _shot(page, artifacts_dir, f"3b-nik-warning-{tag}")
    _axe_clean(page, js)
    nik_warning.get_by_role("button", name="NIK sudah benar: lanjutkan").click()

    # 3. The possible duplicate, to the case team: open it or register anyway.
    warning = page.locator("#duplicates")
    expect(warning).to_contain_text(f"Mungkin sudah terdaftar: {existing.code}")
    expect(warning.get_by_role("link", name="Buka kasus ini")).to_have_attribute(
        "href", f"/cases/{existing.code}/"
    )
    expect(warning).to_be_focused()
    _fits(page)
    _shot(page, artifacts_dir, f"4-duplicate-{tag}")
    _axe_clean(page, js)
    warning.get_by_role("button", name="Ini anak lain: tetap daftarkan").click()
    page.wait_for_url(re.compile(r".*/cases/APM-5202-\d{5}/$"))
    code = re.search(r"APM-5202-\d{5}", page.url).group(0)
    assert code != existing.code
    expect(page.locator("main")).to_contain_text("lalu zulkarnain")
    expect(page.locator("main")).to_contain_text("Inaq Saenah")

    # 4. The case team corrects the name; the audit trail shows the old value.
    page.get_by_role("link", name="Koreksi data anak").click()
    expect(page.locator("#id_birth_date_year")).to_have_value(str(born.year))
    page.locator("#id_child_name").fill("Lalu Zulkarnain Saputra")
    page.get_by_label("Alasan koreksi").fill("Sesuai Kartu Keluarga")
    _shot(page, artifacts_dir, f"5-identity-{tag}")
    _axe_clean(page, js)
    page.get_by_role("button", name="Simpan koreksi").click()
    page.wait_for_url(f"{base}/cases/{code}/")
    expect(page.locator("main")).to_contain_text("Lalu Zulkarnain Saputra")
    page.goto(f"{base}/cases/{code}/audit/")
    expect(page.locator("main del").first).to_have_text("lalu zulkarnain")
    expect(page.locator("main ins").first).to_have_text("Lalu Zulkarnain Saputra")
    _shot(page, artifacts_dir, f"6-audit-{tag}")
    context.close()


def test_the_phones_back_button_goes_back_one_step_and_keeps_the_typing(
    asgi_server, demo, browser, artifacts_dir, monkeypatch
):
    """h7 (break-it 20): with JavaScript the steps were one page, so the phone's back button on step 2 left the
    form (to the home page) and everything typed was gone. Each step shown by "Lanjut" is now a history entry."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _login(page, base, "pendamping_jago")
    page.goto(f"{base}/cases/new/")
    page.evaluate("window.__sameDocument = true")
    page.locator("#id_child_name").fill("Baiq Uji 😀")
    page.get_by_label("Perempuan").check()
    page.locator("#id_birth_date_day").fill("17")
    page.locator("#id_birth_date_month").fill("5")
    page.locator("#id_birth_date_year").fill(str(dt.date.today().year - 6))
    page.locator("#id_area").select_option(label="Dusun Jago Timur, Desa Jago")
    page.locator("#step-child").get_by_role("button", name="Lanjut").click()
    expect(_step(page, "caregiver")).to_be_visible()
    page.locator("#id_caregiver_name").fill("Inaq Uji")
    page.evaluate("history.back()")  # the phone's back button
    expect(_step(page, "child")).to_be_visible()
    assert page.url == f"{base}/cases/new/"
    expect(page.locator("#id_child_name")).to_have_value("Baiq Uji 😀")
    page.evaluate("history.forward()")
    expect(_step(page, "caregiver")).to_be_visible()
    expect(page.locator("#id_caregiver_name")).to_have_value("Inaq Uji")
    # "Kembali" walks the same history: back again from step 1 leaves the form, not step 2 again.
    page.locator("#step-caregiver").get_by_role("button", name="Kembali").click()
    expect(_step(page, "child")).to_be_visible()
    assert page.evaluate("window.__sameDocument === true")
    _fits(page)
    _shot(page, artifacts_dir, "7-back-button-js")
    page.evaluate("history.back()")
    page.wait_for_url(f"{base}/home/")
    context.close()
