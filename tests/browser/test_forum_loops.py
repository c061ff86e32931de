"""The forum steps of issue 20 and 18.4/19.4 in Chromium at 360 px, with and without JavaScript.

1. The cadre writes a thread in plain words (no area codes, no Markdown, no case field) and mentions the
   facilitator from the suggestions (JavaScript) or from the forum's people page (no JavaScript).
2. The facilitator escalates it: she is told, her thread says where it went (with the link), the list shows a
   badge; the desa thread quotes her and names her.
3. The case worker links the desa thread to the child's case; the case page lists the thread; the liaison
   accepts and completes the referral: Pelita posts the news ("akta kelahiran terbit") in both threads.
4. A locked thread's reply page says it is locked, with the form disabled (with and without JavaScript).
5. She edits a child's name out of a post and removes the earlier version; a neighbour cannot open the history.
Screenshots of each step are saved under test-artifacts/ (forums-*.png)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
TITLE = "Anak laki-laki belum punya akta kelahiran"
BODY = "Ibunya bekerja di Malaysia sejak 2022, anak diasuh neneknya. Mohon bantuan "
CHILD = "Lalu Zulkarnain Uji"
DUSUN = "52.02.01.2013.01"


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home/")


def _shot(page, artifacts_dir, name):
    page.screenshot(path=str(artifacts_dir / f"forums-{name}.png"), full_page=True)


def _fits(page):
    """Nothing wider than the phone: no sideways scrolling at 360 px."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def _case_and_referral(demo):
    from portal.agencies.models import Service
    from referrals.services import case_register, consent_record, referral_create

    worker = demo["users"]["pendamping_jago"]
    dukcapil = demo["agencies"]["Dinas Dukcapil Kab. Lombok Tengah"]
    case = case_register(
        actor=worker,
        area=demo["hamlets"]["52.02.01.2013"][0],
        child_name=CHILD,
        sex="M",
        birth_date=dt.date(dt.date.today().year - 6, 5, 17),
        caregiver_name="Inaq Rumenah",
        caregiver_relation="nenek",
        parent_abroad="mother",
        destination_country="Malaysia",
        needs=list(Service.objects.filter(slug="akta-kelahiran")),
    )
    consent_record(
        actor=worker, code=case.code, given_by="Inaq Rumenah", relation="nenek", agencies=[dukcapil]
    )
    referral = referral_create(
        actor=worker, code=case.code, agency=dukcapil, service=Service.objects.get(slug="akta-kelahiran")
    )
    return case, referral


def _api(page, base, token, path, payload):
    resp = page.request.post(f"{base}{path}", data=payload, headers={"Authorization": token})
    assert resp.ok, (path, resp.status, resp.text())
    return resp.json()


def test_cadre_mentions_escalation_case_news_with_javascript(
    asgi_server, demo, browser, artifacts_dir, monkeypatch, token_for
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()

    # 1. The cadre writes in plain words and picks the facilitator from the suggestions.
    _login(page, base, "kader_jago")
    page.goto(f"{base}/forums/f/{DUSUN}/new/")
    main = page.locator("main").inner_text()
    assert DUSUN not in main and "Markdown" not in main
    expect(page.get_by_label("Kode kasus")).to_have_count(0)
    page.get_by_label("Judul").fill(TITLE)
    body = page.get_by_label("Pesan")
    body.fill(BODY)
    body.press_sequentially("@fasil", delay=30)
    suggestions = page.get_by_role("listbox")
    expect(suggestions.get_by_role("option").first).to_be_visible(timeout=5000)
    expect(suggestions).to_contain_text("@fasilitator_jago")
    _shot(page, artifacts_dir, "1-mention-suggestions")
    _fits(page)
    page.keyboard.press("Enter")
    expect(body).to_have_value(re.compile(r"@fasilitator_\w+ $"))
    assert "@fasilitator_" in body.input_value()
    page.get_by_role("button", name="Kirim").click()
    page.wait_for_url(re.compile(r".*/forums/t/\d+/$"))
    dusun_url = page.url
    expect(page.locator(".post-head a.author").first).to_have_attribute("href", "/forums/people/kader_jago/")
    expect(page.locator(".post-body a.mention").first).to_be_visible()

    # 2. The facilitator escalates it.
    _login(page, base, "fasilitator_jago")
    page.goto(dusun_url)
    page.locator("summary", has_text="Alat fasilitator").click()
    page.get_by_role("link", name="Naikkan ke forum di atas").click()
    page.get_by_label("Catatan ringkasan untuk forum di atas").fill(
        "Kasus akta kelahiran, ibu di Malaysia. Mohon pendamping desa membantu rujukan ke Dukcapil."
    )
    page.get_by_role("button", name="Naikkan").click()
    page.wait_for_url(dusun_url)

    # ... and the cadre hears it, sees where it went, and the forum's list shows it.
    _login(page, base, "kader_jago")
    page.goto(f"{base}/notifications/")
    expect(page.locator("main")).to_contain_text("menaikkan “" + TITLE + "” ke Forum Desa Jago")
    page.goto(dusun_url)
    banner = page.locator(".msg-warning")
    expect(banner).to_contain_text("Dinaikkan ke Forum Desa Jago")
    _shot(page, artifacts_dir, "2-dusun-thread-escalated")
    _fits(page)
    banner.get_by_role("link", name="Buka").click()
    desa_url = page.url
    assert desa_url != dusun_url
    origin = page.locator(".escalated-from")
    expect(origin).to_contain_text("Diangkat oleh")
    expect(origin).to_contain_text("Baiq Nurul")
    expect(origin.locator("blockquote")).to_contain_text("Ibunya bekerja di Malaysia")
    _shot(page, artifacts_dir, "3-desa-thread-quotes-the-cadre")
    _fits(page)
    page.goto(f"{base}/forums/f/{DUSUN}/")
    expect(page.locator(".thread-row", has_text=TITLE).locator(".escalated-to")).to_have_text(
        "Dinaikkan ke Desa Jago"
    )
    _shot(page, artifacts_dir, "4-forum-list-badge")

    # 3. The case worker links the desa thread to the case; the case page lists it.
    case, referral = _case_and_referral(demo)
    _login(page, base, "pendamping_jago")
    page.goto(desa_url)
    page.locator("summary", has_text="Tautkan topik ini ke kasus").click()
    page.get_by_label("Kode kasus").fill(case.code)
    page.get_by_role("button", name="Tautkan", exact=True).click()
    expect(page.locator(".case-link")).to_contain_text(case.code)
    page.locator(".case-link a").click()
    expect(page.locator("main")).to_contain_text("Topik forum tentang kasus ini")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(
        1
    )  # the desa one: she does not read the dusun's
    _shot(page, artifacts_dir, "5-case-page-lists-threads")

    # The liaison accepts, starts and completes the referral (through the API).
    token = token_for(demo["users"]["dukcapil_loteng_1"])
    for action, extra in (("accept", {}), ("start", {}), ("complete", {"outcome": "5202-LT-0042"})):
        _api(page, base, token, f"/api/v1/referrals/{referral.pk}/transitions", {"action": action, **extra})

    # The cadre reads the news in her thread, in her words, by code only.
    _login(page, base, "kader_jago")
    page.goto(dusun_url)
    news = page.locator(".post.system")
    expect(news).to_have_count(2)
    expect(news.last).to_contain_text(f"Kasus {case.code}: akta kelahiran terbit")
    assert CHILD not in page.content() and "5202-LT-0042" not in page.content()
    _shot(page, artifacts_dir, "6-case-news-in-dusun-thread")
    _fits(page)
    context.close()


def test_people_page_locked_reply_and_history_without_javascript(
    asgi_server, demo, browser, artifacts_dir, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from forums import services
    from tests.factories import make_member

    base = asgi_server
    dusun_forum = services.forum_ensure(area=demo["hamlets"]["52.02.01.2013"][0])
    kader, fas = demo["users"]["kader_jago"], demo["users"]["fasilitator_jago"]
    make_member(dusun_forum.area, username="tetangga")
    locked = services.thread_create(forum=dusun_forum, author=kader, title="Jadwal posyandu", body="Kamis")
    services.thread_set_state(thread=locked, actor=fas, locked=True)

    for js in (False, True):
        context = browser.new_context(viewport=PHONE, java_script_enabled=js)
        page = context.new_page()
        _login(page, base, "kader_jago")
        # The locked thread's reply page: it says so, and the form is disabled.
        response = page.goto(f"{base}/forums/t/{locked.pk}/reply/")
        assert response.status == 200
        expect(page.locator("main .msg-warning")).to_contain_text("Topik ini dikunci")
        expect(page.get_by_label("Balasan Anda")).to_be_disabled()
        expect(page.get_by_role("button", name="Balas")).to_be_disabled()
        _shot(page, artifacts_dir, f"7-locked-reply-{'js' if js else 'nojs'}")
        _fits(page)
        context.close()

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    _login(page, base, "kader_jago")
    # Without JavaScript, who can be mentioned is one link away.
    page.goto(f"{base}/forums/f/{DUSUN}/new/")
    with context.expect_page() as new_tab:
        page.get_by_role("link", name=re.compile("Siapa yang bisa disebut")).click()
    people = new_tab.value
    people.wait_for_load_state()
    expect(people.locator("main")).to_contain_text("@fasilitator_jago")
    _shot(people, artifacts_dir, "8-people-page-nojs")
    people.close()

    # 5. She names a child, edits it out, and removes the earlier version for good.
    page.get_by_label("Judul").fill("Anak belum sekolah")
    page.get_by_label("Pesan").fill(f"Anaknya bernama {CHILD}, belum masuk SD.")
    page.get_by_role("button", name="Kirim").click()
    page.wait_for_url(re.compile(r".*/forums/t/\d+/$"))
    thread_url = page.url
    page.locator(".post-actions").get_by_role("link", name="Ubah").first.click()
    page.get_by_label("Pesan").fill("Seorang anak belum masuk SD.")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("link", name="diubah").click()
    history_url = page.url
    expect(page.locator("main")).to_contain_text(CHILD)
    page.get_by_role("button", name="Hapus versi ini selamanya").click()
    expect(page.locator("main")).to_contain_text("Dihapus oleh")
    assert CHILD not in page.content()
    _shot(page, artifacts_dir, "9-history-redacted")
    _fits(page)

    # A neighbour in the same forum sees "edited" but cannot open the history.
    _login(page, base, "tetangga")
    page.goto(thread_url)
    expect(page.locator(".post-head").first).to_contain_text("diubah")
    expect(page.get_by_role("link", name="diubah")).to_have_count(0)
    assert page.goto(history_url).status == 404
    context.close()
