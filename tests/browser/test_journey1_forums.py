"""Journey 1 in Chromium at 360 px, with and without JavaScript: a cadre of Dusun Jago Timur opens a thread about a
boy with no birth certificate (a too-short title is refused and what was typed is kept); the Desa Jago facilitator
escalates it from the facilitator tools (a <details>, no script needed); the Kec. Praya facilitator finds it in
the Desa Jago forum's "needs attention" list; a cadre of another village gets a 404. Each step checks what the
person sees, that nothing scrolls sideways, and keeps a screenshot (test-artifacts/journey1-*-{js,nojs}.png)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.phone import JS, login, open_menu_link, phone, step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Anak laki-laki belum punya akta kelahiran"


@pytest.mark.parametrize(**JS)
def test_journey1_post_escalate_needs_attention_and_outsider_404(
    asgi_server, demo, browser, artifacts_dir, monkeypatch, js
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    context = phone(browser, js)
    page = context.new_page()

    def shot(name):
        step(page, artifacts_dir, "journey1", name, js)

    # 1. The cadre finds the dusun forum from the menu and posts in it.
    login(page, base, "kader_jago")
    open_menu_link(page, "Forum saya")
    expect(page.locator("h1")).to_have_text("Forum saya")
    shot("1-my-forums")
    page.get_by_role("link", name="Forum Dusun Jago Timur").click()
    expect(page.locator("h1")).to_contain_text("Forum Dusun Jago Timur")
    shot("2-dusun-forum")
    page.get_by_role("link", name="Topik baru").click()
    page.get_by_label("Judul").fill("Akta")  # too short: the message is shown and the body is kept
    page.get_by_label("Pesan").fill("Ibunya bekerja di Malaysia sejak 2022, anak diasuh neneknya.")
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator(".errorlist").first).to_contain_text("paling sedikit 5 karakter")
    expect(page.get_by_label("Pesan")).to_have_value(re.compile("Malaysia"))
    shot("3-new-thread-refused")
    page.get_by_label("Judul").fill(TITLE)
    page.get_by_role("button", name="Kirim").click()
    page.wait_for_url(re.compile(r".*/forums/t/\d+/$"))
    thread_url = page.url
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text("Ibunya bekerja di Malaysia")
    shot("4-thread-posted")

    # 2. The Desa Jago facilitator escalates it with a summary note.
    login(page, base, "fasilitator_jago")
    page.goto(thread_url)
    page.locator("summary", has_text="Alat fasilitator").click()
    page.get_by_role("link", name="Naikkan ke forum di atas").click()
    expect(page.locator("h1")).to_contain_text("forum Desa Jago")
    page.get_by_label("Catatan ringkasan untuk forum di atas").fill(
        "Kasus akta kelahiran, ibu di Malaysia. Mohon pendamping desa membantu rujukan ke Dukcapil."
    )
    shot("5-escalate-form")
    page.get_by_role("button", name="Naikkan").click()
    page.wait_for_url(thread_url)
    expect(page.locator(".msg-warning")).to_contain_text("Dinaikkan ke Forum Desa Jago")
    shot("6-escalated-dusun-thread")

    # 3. The Kec. Praya facilitator sees it in the Desa Jago forum's needs-attention list.
    login(page, base, "fasilitator_praya")
    open_menu_link(page, "Forum saya")
    page.get_by_role("link", name="Forum Desa Jago").click()
    attention = page.locator("section.attention")
    expect(attention).to_contain_text("Perlu perhatian")
    expect(attention).to_contain_text(TITLE)
    shot("7-needs-attention")
    attention.get_by_role("link", name=TITLE).click()
    expect(page.locator("main")).to_contain_text("Dinaikkan dari Forum Dusun Jago Timur")
    expect(page.locator("main")).to_contain_text("Mohon pendamping desa membantu")
    shot("8-desa-thread")

    # 4. A cadre of another village: 404 on the thread and on both forums, with a page that says so.
    login(page, base, "kader_sukaraja")
    for url in (thread_url, f"{base}/forums/f/52.02.01.2013/", f"{base}/forums/f/52.02.01.2013.01/"):
        response = page.goto(url)
        assert response.status == 404, url
        assert TITLE not in page.content()
        expect(page.locator("h1")).to_be_visible()
    shot("9-outsider-404")
    context.close()
