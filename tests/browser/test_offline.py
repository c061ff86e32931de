"""Issue 16 in Chromium at 360 px, with Playwright's offline mode: a cadre reads her forum in a dead zone, writes
replies that wait in the outbox and are posted once when the network returns (a reply to a thread locked
meanwhile comes back with the server's message); logging out or another person logging in clears what the
device kept; a case page offline shows the offline page and nothing of the child is in the device's caches;
a new service worker takes over without a broken page."""

import json

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HAMLET = "52.02.01.2013.01"  # Dusun Jago Timur (the first hamlet of Desa Jago in the demo)
CHILD_NAME = "Baiq Kirana Offlinetest"


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home/")


def _controlled(page):
    """Wait until the service worker is active and controls the page (it claims its clients on activation)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")


def _open(page, url):
    """Open a page online and wait until the service worker has kept its copy."""
    page.goto(url)
    path = url.split("://", 1)[1].split("/", 1)[1]
    page.wait_for_function(
        "async (p) => !!(await caches.match(location.origin + '/' + p, {cacheName: 'pelita-pages'}))",
        arg=path,
    )


CACHES_JS = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = [];
    for (const key of await cache.keys()) out[name].push([key.url, await (await cache.match(key)).text()]);
  }
  return out;
}"""

OUTBOX_JS = """() => new Promise((ok) => {
  const r = indexedDB.open('pelita-offline', 1);
  r.onupgradeneeded = () => r.result.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true });
  r.onsuccess = () => { const g = r.result.transaction('outbox').objectStore('outbox').getAll(); g.onsuccess = () => ok(g.result); };
})"""


@pytest.fixture
def forum_world(demo):
    from forums.services import forum_ensure, thread_create

    users = demo["users"]
    hamlet = next(h for h in demo["hamlets"]["52.02.01.2013"] if h.code == HAMLET)
    forum = forum_ensure(area=hamlet)
    first = thread_create(
        forum=forum,
        author=users["kader_jago"],
        title="Posyandu bulan ini",
        body="Jadwal posyandu hari Kamis.",
    )
    second = thread_create(
        forum=forum,
        author=users["kader_jago"],
        title="Anak putus sekolah di Lendang",
        body="Perlu bantuan untuk kembali sekolah.",
    )
    return {**demo, "forum": forum, "first": first, "second": second}


def _reply_offline(page, text):
    page.locator("form.reply textarea").fill(text)
    page.locator("form.reply button[type=submit]").click()


def test_read_a_thread_offline_and_a_reply_written_offline_is_posted_once(
    asgi_server, forum_world, page, artifacts_dir
):
    from forums.models import Post

    base, thread = asgi_server, forum_world["first"]
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, base, "kader_jago")
    page.goto(f"{base}/forums/")
    _controlled(page)
    _open(page, f"{base}/forums/")
    _open(page, f"{base}/forums/f/{forum_world['forum'].area.code}/")
    _open(page, f"{base}/forums/t/{thread.pk}/")

    page.context.set_offline(True)
    response = page.goto(f"{base}/forums/t/{thread.pk}/")
    assert "script-src" in response.headers.get("content-security-policy", "")  # the page's own policy kept
    assert "Jadwal posyandu hari Kamis." in page.locator("main").inner_text()
    assert "Salinan offline dari" in page.locator(".offline-copy").inner_text()
    page.goto(f"{base}/forums/")
    assert "Salinan offline dari" in page.locator(".offline-copy").inner_text()

    page.goto(f"{base}/forums/t/{thread.pk}/")
    _reply_offline(page, "Saya akan datang membawa buku KIA.")
    expect(page.locator(".outbox summary")).to_contain_text("menunggu dikirim (1)")
    [draft] = page.evaluate(OUTBOX_JS)
    assert draft["state"] == "waiting" and len(draft["fields"]["once_token"]) == 32
    page.screenshot(path=str(artifacts_dir / "offline-outbox-waiting.png"), full_page=True)

    page.context.set_offline(False)
    page.wait_for_selector(".outbox-sent")
    assert page.evaluate(OUTBOX_JS) == []
    # The same draft sent again (a retry whose answer was lost): stored once.
    status = page.evaluate(
        """async (fields) => (await fetch(location.pathname + 'reply/', {method: 'POST',
             body: new URLSearchParams(fields), credentials: 'same-origin'})).status""",
        draft["fields"],
    )
    assert status == 200
    assert Post.objects.filter(thread=thread, body="Saya akan datang membawa buku KIA.").count() == 1
    page.goto(f"{base}/forums/t/{thread.pk}/")
    assert page.locator("main").inner_text().count("Saya akan datang membawa buku KIA.") == 1
    page.screenshot(path=str(artifacts_dir / "offline-reply-posted.png"), full_page=True)


def test_two_replies_offline_one_thread_locked_meanwhile_comes_back_with_the_message(
    asgi_server, forum_world, page, artifacts_dir
):
    from forums.models import Post
    from forums.services import thread_set_state

    base, first, second = asgi_server, forum_world["first"], forum_world["second"]
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, base, "kader_jago")
    page.goto(f"{base}/forums/")
    _controlled(page)
    _open(page, f"{base}/forums/t/{first.pk}/")
    _open(page, f"{base}/forums/t/{second.pk}/")

    page.context.set_offline(True)
    page.goto(f"{base}/forums/t/{first.pk}/")
    _reply_offline(page, "Balasan pertama dari dusun.")
    page.wait_for_selector(".outbox summary")
    page.goto(f"{base}/forums/t/{second.pk}/")
    _reply_offline(page, "Balasan kedua untuk topik sekolah.")
    # The draft is kept, then the same thread page is opened again (from the device): two drafts wait.
    expect(page.locator(".outbox summary")).to_contain_text("menunggu dikirim (2)")

    thread_set_state(thread=second, actor=forum_world["users"]["fasilitator_jago"], locked=True)
    page.context.set_offline(False)
    page.wait_for_selector(".outbox-reason")
    with translation.override("id"):
        locked = translation.gettext("This thread is locked: no new replies.")
    box = page.locator(".outbox").inner_text()
    assert locked in box and "dikembalikan kepada Anda (1)" in box
    assert page.locator(".outbox textarea").input_value() == "Balasan kedua untuk topik sekolah."
    assert Post.objects.filter(thread=first, body="Balasan pertama dari dusun.").count() == 1
    assert not Post.objects.filter(thread=second, body="Balasan kedua untuk topik sekolah.").exists()
    page.screenshot(path=str(artifacts_dir / "offline-reply-returned.png"), full_page=True)
    # It stays until the person discards it.
    page.reload()
    assert locked in page.locator(".outbox").inner_text()
    page.locator(".outbox button", has_text="Buang").click()
    page.locator(".outbox").wait_for(state="detached")
    assert page.evaluate(OUTBOX_JS) == []


def test_logout_and_another_person_clear_the_offline_copies_and_the_outbox(asgi_server, forum_world, page):
    from forums.services import thread_set_state

    base, first = asgi_server, forum_world["first"]
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, base, "kader_jago")
    page.goto(f"{base}/forums/")
    _controlled(page)
    _open(page, f"{base}/forums/t/{first.pk}/")
    page.context.set_offline(True)
    page.goto(f"{base}/forums/t/{first.pk}/")
    _reply_offline(page, "Draf yang tidak boleh tertinggal.")
    page.wait_for_selector(".outbox summary")
    thread_set_state(thread=first, actor=forum_world["users"]["fasilitator_jago"], locked=True)
    page.context.set_offline(False)
    page.wait_for_selector(".outbox-reason")  # returned: it stays on the device until discarded
    assert page.evaluate(CACHES_JS).get("pelita-pages")

    if not page.locator(".nav-menu").evaluate("menu => menu.open"):
        page.locator(".nav-menu summary").click()  # "Keluar" sits in the header's menu
    with page.expect_navigation(url=f"{base}/"):  # LOGOUT_REDIRECT_URL
        page.get_by_role("button", name="Keluar").click()
    page.wait_for_function("async () => !(await caches.keys()).includes('pelita-pages')")
    assert page.evaluate(OUTBOX_JS) == []

    # Another person on the same phone, without logging out (the session ended): the first one's copies go.
    thread_set_state(thread=first, actor=forum_world["users"]["fasilitator_jago"], locked=False)
    _login(page, base, "kader_jago")
    _open(page, f"{base}/forums/t/{first.pk}/")
    page.context.clear_cookies()
    _login(page, base, "fasilitator_jago")
    page.wait_for_function("async () => !(await caches.keys()).includes('pelita-pages')")
    page.goto(f"{base}/forums/")
    cached = page.evaluate(CACHES_JS)
    assert not any(f"/forums/t/{first.pk}/" in url for url, _body in cached.get("pelita-pages", []))


def test_a_case_page_offline_shows_the_offline_page_and_nothing_of_the_child(
    asgi_server, forum_world, page, artifacts_dir
):
    from portal.agencies.models import Service
    from referrals.services import case_register

    base = asgi_server
    worker = forum_world["users"]["pendamping_jago"]
    case = case_register(
        actor=worker,
        area=forum_world["hamlets"]["52.02.01.2013"][0],
        child_name=CHILD_NAME,
        sex="F",
        birth_date=__import__("datetime").date(2019, 5, 17),
        nik="5202015705190001",
        caregiver_name="Inaq Offlinetest",
        caregiver_relation="nenek",
        caregiver_phone="081234567890",
        address="Dusun Offlinetest RT 01",
        parent_abroad="mother",
        destination_country="Malaysia",
        needs=list(Service.objects.filter(slug__in=["akta-kelahiran"])),
    )
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, base, "pendamping_jago")
    page.goto(f"{base}/forums/")
    _controlled(page)
    response = page.goto(f"{base}/cases/{case.code}/")
    assert CHILD_NAME in page.content() and "no-store" in response.headers["cache-control"]
    page.goto(f"{base}/cases/")

    page.context.set_offline(True)
    for url in (f"{base}/cases/{case.code}/", f"{base}/cases/"):
        page.goto(url)
        assert page.locator("h1").inner_text() == "Anda sedang offline"
        assert CHILD_NAME not in page.content() and case.code not in page.content()
    page.screenshot(path=str(artifacts_dir / "offline-case-page.png"), full_page=True)
    cached = page.evaluate(CACHES_JS)
    for name, entries in cached.items():
        for url, body in entries:
            assert "/cases/" not in url, (name, url)
            assert CHILD_NAME not in body and "5202015705190001" not in body, (name, url)
    assert CHILD_NAME not in json.dumps(page.evaluate(OUTBOX_JS))


def test_a_new_service_worker_takes_over_without_a_broken_page(asgi_server, forum_world, page, monkeypatch):
    from portal.core import offline

    base, first = asgi_server, forum_world["first"]
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, base, "kader_jago")
    page.goto(f"{base}/forums/")
    _controlled(page)
    _open(page, f"{base}/forums/t/{first.pk}/")
    before = [n for n in page.evaluate("caches.keys()") if n.startswith("pelita-static-")]

    monkeypatch.setattr(offline, "THREADS", 19)  # a new version of the worker
    page.evaluate(
        """() => new Promise((ok) => {
          navigator.serviceWorker.addEventListener('controllerchange', () => ok(true));
          navigator.serviceWorker.getRegistration().then((r) => r.update());
        })"""
    )
    page.reload()
    assert page.locator("h1").inner_text() == "Forum saya" or page.locator("main").is_visible()
    page.wait_for_function(
        "async (old) => { const n = await caches.keys(); return !n.includes(old[0]) &&"
        " n.some((x) => x.startsWith('pelita-static-')); }",
        arg=before,
    )
    # The offline copies kept by the old worker are still read by the new one.
    page.context.set_offline(True)
    page.goto(f"{base}/forums/t/{first.pk}/")
    assert "Jadwal posyandu hari Kamis." in page.locator("main").inner_text()
    assert page.locator(".offline-copy").is_visible()


def test_a_new_thread_and_a_referral_message_written_in_an_open_tab_offline_are_sent(
    asgi_server, forum_world, page, artifacts_dir
):
    from forums.models import Thread
    from portal.agencies.models import Service
    from referrals.models import ReferralMessage
    from referrals.services import case_register, consent_record, referral_create

    base, forum = asgi_server, forum_world["forum"]
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, base, "kader_jago")
    page.goto(f"{base}/forums/")
    _controlled(page)
    _open(page, f"{base}/forums/f/{forum.area.code}/")
    page.goto(f"{base}/forums/f/{forum.area.code}/new/")  # the tab is open when the network goes
    page.context.set_offline(True)
    page.get_by_label("Judul").fill("Jadwal imunisasi di dusun")
    page.get_by_label("Pesan").fill("Imunisasi campak hari Sabtu di posyandu.")
    page.get_by_role("button", name="Kirim").click()
    page.wait_for_url(f"{base}/forums/f/{forum.area.code}/")
    assert page.locator(".offline-copy").is_visible()
    assert "menunggu dikirim (1)" in page.locator(".outbox summary").inner_text()
    page.context.set_offline(False)
    page.wait_for_selector(".outbox-sent")
    assert Thread.objects.filter(forum=forum, title="Jadwal imunisasi di dusun").count() == 1

    # A case worker's referral message, written while the referral page is open and the network gone.
    users, agencies = forum_world["users"], forum_world["agencies"]
    worker, dukcapil = users["pendamping_jago"], agencies["Dinas Dukcapil Kab. Lombok Tengah"]
    case = case_register(
        actor=worker,
        area=forum_world["hamlets"]["52.02.01.2013"][0],
        child_name=CHILD_NAME,
        sex="F",
        birth_date=__import__("datetime").date(2019, 5, 17),
        nik="5202015705190001",
        caregiver_name="Inaq Offlinetest",
        caregiver_relation="nenek",
        caregiver_phone="081234567890",
        address="Dusun Offlinetest RT 01",
        parent_abroad="mother",
        destination_country="Malaysia",
        needs=list(Service.objects.filter(slug__in=["akta-kelahiran"])),
    )
    consent_record(
        actor=worker, code=case.code, given_by="Inaq Offlinetest", relation="nenek", agencies=[dukcapil]
    )
    referral = referral_create(
        actor=worker,
        code=case.code,
        agency=dukcapil,
        service=Service.objects.get(slug="akta-kelahiran"),
        note="",
    )
    page.context.clear_cookies()
    _login(page, base, "pendamping_jago")
    page.goto(f"{base}/cases/referrals/{referral.pk}/")
    page.context.set_offline(True)
    form = page.locator('form[action$="/messages/"]')
    form.locator("textarea").fill("Akta sudah diajukan, mohon dicek.")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Anda sedang offline")  # never kept: the offline page
    assert page.url == f"{base}/cases/referrals/{referral.pk}/"
    assert CHILD_NAME not in page.content()
    expect(page.locator(".outbox summary")).to_contain_text("menunggu dikirim (1)")
    page.screenshot(path=str(artifacts_dir / "offline-referral-message-waiting.png"), full_page=True)
    page.context.set_offline(False)
    page.wait_for_selector(".outbox-sent")
    assert (
        ReferralMessage.objects.filter(referral=referral, body="Akta sudah diajukan, mohon dicek.").count()
        == 1
    )


def test_only_the_last_threads_opened_are_kept(asgi_server, forum_world, page, monkeypatch):
    from forums.services import thread_create
    from portal.core import offline

    monkeypatch.setattr(offline, "THREADS", 2)  # 20 in production: the same code path
    third = thread_create(
        forum=forum_world["forum"],
        author=forum_world["users"]["kader_jago"],
        title="Rapat kader bulan depan",
        body="Rapat di balai dusun.",
    )
    base = asgi_server
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, base, "kader_jago")
    page.goto(f"{base}/forums/")
    _controlled(page)
    for thread in (forum_world["first"], forum_world["second"]):
        _open(page, f"{base}/forums/t/{thread.pk}/")
    _open(page, f"{base}/forums/")
    _open(page, f"{base}/forums/t/{third.pk}/")
    page.wait_for_function("async () => (await (await caches.open('pelita-pages')).keys()).length === 3")
    kept = sorted(url.removeprefix(base) for url, _body in page.evaluate(CACHES_JS)["pelita-pages"])
    assert kept == sorted(["/forums/", f"/forums/t/{forum_world['second'].pk}/", f"/forums/t/{third.pk}/"])


def test_without_javascript_the_pages_work_as_before(asgi_server, forum_world, browser):
    """No JavaScript, no service worker: a reply is posted by the plain form, as before issue 16."""
    from forums.models import Post

    base, thread = asgi_server, forum_world["first"]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        _login(page, base, "kader_jago")
        page.goto(f"{base}/forums/t/{thread.pk}/")
        page.locator("form.reply textarea").fill("Balasan tanpa JavaScript.")
        page.locator("form.reply button[type=submit]").click()
        page.wait_for_load_state("load")
        assert "Balasan tanpa JavaScript." in page.locator("main").inner_text()
        assert Post.objects.filter(thread=thread, body="Balasan tanpa JavaScript.").count() == 1
    finally:
        context.close()
