"""Issue 20 in Chromium at 360 px, with and without JavaScript: a Dukcapil liaison triages the agency inbox
(filters as GET parameters, "Saya tangani", the colleague sees who handles it, bulk accept) and declines with a
reason from the list; the kecamatan facilitator opens an overdue item from the forum's "needs attention" list,
reminds the agency and marks it handled. Screenshots under test-artifacts/."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
CHILD = "Lalu Triage Test"


def _axe_clean(page, js):
    """axe-core: no serious or critical violation (a script in the page: with JavaScript only)."""
    if not js:
        return
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in SERIOUS]
    assert not serious, serious


SERIOUS = {"serious", "critical"}


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home/")


def _world(demo):
    """Two children of Desa Jago referred to Dukcapil (sent), one of them overdue and raised to Kec. Praya."""
    from portal.agencies.models import Service
    from referrals.models import Referral
    from referrals.services import case_register, consent_record, referral_create

    worker = demo["users"]["pendamping_jago"]
    dukcapil = demo["agencies"]["Dinas Dukcapil Kab. Lombok Tengah"]
    akta = Service.objects.get(slug="akta-kelahiran")
    referrals = []
    for i in range(2):
        born = dt.date(dt.date.today().year - 5 - i, 2, 10)
        case = case_register(
            actor=worker,
            area=demo["hamlets"]["52.02.01.2013"][0],
            child_name=f"{CHILD} {i}",
            sex="M",
            birth_date=born,
            caregiver_name="Inaq Test",
            caregiver_relation="nenek",
            parent_abroad="mother",
            destination_country="Malaysia",
            needs=[akta],
        )
        consent_record(
            actor=worker, code=case.code, given_by="Inaq Test", relation="nenek", agencies=[dukcapil]
        )
        referrals.append(
            referral_create(actor=worker, code=case.code, agency=dukcapil, service=akta, note="Akta")
        )
    past = timezone.now() - dt.timedelta(days=9)
    Referral.objects.filter(pk=referrals[0].pk).update(
        sent_at=past, due_at=past + dt.timedelta(days=3), overdue_raised_at=past + dt.timedelta(days=4)
    )
    return referrals


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_liaison_triages_claims_and_bulk_accepts(asgi_server, demo, browser, artifacts_dir, monkeypatch, js):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    first, second = _world(demo)
    suffix = "js" if js else "nojs"
    one = browser.new_context(viewport=PHONE, java_script_enabled=js).new_page()
    two = browser.new_context(viewport=PHONE, java_script_enabled=js).new_page()
    _login(one, base, "dukcapil_loteng_1")
    one.goto(f"{base}/cases/inbox/")
    inbox = one.locator("[data-live-inbox]")
    expect(inbox).to_contain_text(first.case.code)
    expect(inbox).to_contain_text("Siti Aminah")  # the sending case worker
    expect(inbox).to_contain_text("Kec. Praya")
    assert CHILD not in inbox.inner_text()
    # Sorted by deadline: the overdue one first.
    assert inbox.inner_text().index(first.case.code) < inbox.inner_text().index(second.case.code)
    # Filters are GET parameters, folded into "Saring" on the phone (a <details>: no JavaScript needed), closed
    # while no filter is on.
    fold = one.locator("details.filters-fold")
    assert fold.get_attribute("open") is None
    expect(one.get_by_label("Hanya yang terlambat")).to_be_hidden()
    one.screenshot(path=str(artifacts_dir / f"triage-inbox-folded-{suffix}.png"), full_page=True)
    fold.locator("summary").click()
    one.get_by_label("Hanya yang terlambat").check()
    one.locator("form.filters button[type=submit]").click()
    one.wait_for_url(re.compile(r".*overdue=on"))
    # A filter is on: "Saring" is open and its summary names it; the page still fits the phone.
    assert one.locator("details.filters-fold").get_attribute("open") is not None
    expect(one.locator("details.filters-fold summary")).to_contain_text("Hanya yang terlambat")
    assert one.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _axe_clean(one, js)
    expect(inbox).to_contain_text(first.case.code)
    expect(inbox).not_to_contain_text(second.case.code)
    one.screenshot(path=str(artifacts_dir / f"triage-inbox-overdue-{suffix}.png"), full_page=True)

    # "Saya tangani" on the first; the colleague sees who handles it.
    one.goto(f"{base}/cases/referrals/{first.pk}/")
    one.get_by_role("button", name="Saya tangani").click()
    expect(one.locator(".messages")).to_contain_text("Anda sekarang menangani rujukan ini")
    expect(one.locator("#claim")).to_contain_text("Anda menangani rujukan ini")
    one.screenshot(path=str(artifacts_dir / f"triage-claimed-{suffix}.png"), full_page=True)
    _login(two, base, "dukcapil_loteng_2")
    two.goto(f"{base}/cases/inbox/")
    expect(two.locator("[data-live-inbox]")).to_contain_text("ditangani Ni Made Sari")
    two.goto(f"{base}/cases/referrals/{first.pk}/")
    expect(two.locator("#claim")).to_contain_text("Ni Made Sari menangani rujukan ini")
    expect(two.get_by_role("button", name="Saya tangani")).to_have_count(0)

    # Bulk accept both from the inbox.
    one.goto(f"{base}/cases/inbox/")
    for r in (first, second):
        one.locator(f"#pick-{r.pk}").check()
    one.get_by_role("button", name="Terima rujukan yang dipilih").click()
    expect(one.locator(".messages")).to_contain_text("Diterima 2 rujukan")
    one.screenshot(path=str(artifacts_dir / f"triage-bulk-accepted-{suffix}.png"), full_page=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "accepted"


def test_liaison_declines_with_a_reason_from_the_list(asgi_server, demo, browser, artifacts_dir, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    first, _second = _world(demo)
    page = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    _login(page, base, "dukcapil_loteng_1")
    page.goto(f"{base}/cases/referrals/{first.pk}/")
    page.locator("#action-decline summary").click()  # the decline form opens (a <details>, no script)
    page.get_by_label("Dokumen tidak lengkap").check()
    page.get_by_label("Catatan untuk tim kasus (tidak wajib)").fill("KK belum diperbarui")
    page.screenshot(path=str(artifacts_dir / "triage-decline-form-nojs.png"), full_page=True)
    page.locator("#action-decline button[type=submit]").click()
    expect(page.locator(".status-line")).to_contain_text("Ditolak")
    expect(page.locator("dl.facts")).to_contain_text("Dokumen tidak lengkap")
    expect(page.locator("dl.facts")).not_to_contain_text("KK belum diperbarui")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_facilitator_reminds_and_marks_handled(asgi_server, demo, browser, artifacts_dir, monkeypatch, js):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from portal.notifications.models import Notification

    base = asgi_server
    first, _second = _world(demo)
    suffix = "js" if js else "nojs"
    page = browser.new_context(viewport=PHONE, java_script_enabled=js).new_page()
    _login(page, base, "fasilitator_praya")
    page.goto(f"{base}/forums/f/52.02.01/")
    attention = page.locator("section.attention")
    expect(attention).to_contain_text(first.case.code)
    expect(attention).to_contain_text("Dinas Dukcapil")
    expect(attention).to_contain_text("menunggu 9 hari")
    page.screenshot(path=str(artifacts_dir / f"triage-needs-attention-{suffix}.png"), full_page=True)
    attention.get_by_role("link", name="Ingatkan, bahas, atau tandai sudah ditangani").click()
    page.wait_for_url(f"{base}/cases/attention/{first.pk}/")
    expect(page.locator("main")).to_contain_text(first.case.code)
    assert CHILD not in page.locator("main").inner_text()
    # A note typed for "mark handled" and then "Ingatkan lembaga" pressed comes back as typed (never lost).
    page.locator("#handled-note").fill("Sudah ditelepon kantor lembaga")
    page.get_by_role("button", name="Ingatkan lembaga").click()
    expect(page.locator(".messages")).to_contain_text("sudah diingatkan")
    expect(page.locator("#handled-note")).to_have_value("Sudah ditelepon kantor lembaga")
    assert Notification.objects.filter(kind="referral.reminder").count() == 2
    expect(page.get_by_role("link", name="Buat topik forum tentang ini")).to_have_attribute(
        "href", f"/forums/f/52.02.01/new/?case={first.case.code}"
    )
    page.screenshot(path=str(artifacts_dir / f"triage-attention-page-{suffix}.png"), full_page=True)

    # Link an existing thread of the kecamatan forum: chosen from its open threads, then one typed by number.
    from forums.models import Thread
    from forums.services import forum_ensure, thread_create

    forum = forum_ensure(area=demo["areas"]["52.02.01"])
    facilitator = demo["users"]["fasilitator_praya"]
    chosen = thread_create(forum=forum, author=facilitator, title="Akta yang belum terbit", body="Daftar.")
    typed = thread_create(forum=forum, author=facilitator, title="Rapat bulan ini", body="Agenda.")
    page.goto(f"{base}/cases/attention/{first.pk}/")  # (not reload: the page above answered a POST)
    threads = page.locator("#attention-threads")
    expect(threads).to_contain_text("Belum ada topik forum yang ditautkan")
    threads.get_by_label("Akta yang belum terbit").check()
    threads.get_by_role("button", name="Tautkan topik ke kasus ini").click()
    page.wait_for_url(f"{base}/cases/attention/{first.pk}/")
    expect(page.locator(".messages")).to_contain_text("ditautkan ke kasus")
    expect(threads.get_by_role("link", name="Akta yang belum terbit")).to_have_attribute(
        "href", f"/forums/t/{chosen.pk}/"
    )
    threads.get_by_label("Atau ketik nomor topiknya").fill(f"#{typed.pk}")
    threads.get_by_role("button", name="Tautkan topik ke kasus ini").click()
    expect(threads.get_by_role("link", name="Rapat bulan ini")).to_be_visible()
    assert set(Thread.objects.filter(case_code=first.case.code).values_list("pk", flat=True)) >= {
        chosen.pk,
        typed.pk,
    }
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir / f"triage-attention-linked-{suffix}.png"), full_page=True)
    _axe_clean(page, js)
    page.get_by_label("Apa yang sudah dilakukan").fill("Sudah ditelepon, dijadwalkan minggu ini")
    page.get_by_role("button", name="Tandai sudah ditangani").click()
    page.wait_for_url(f"{base}/forums/f/52.02.01/")
    expect(page.locator(".messages")).to_contain_text("keluar dari daftar")
    expect(page.locator("main")).not_to_contain_text("Ingatkan, bahas, atau tandai sudah ditangani")
    page.screenshot(path=str(artifacts_dir / f"triage-handled-{suffix}.png"), full_page=True)
