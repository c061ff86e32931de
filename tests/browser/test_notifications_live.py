"""Live notifications in Chromium: two people in two browser contexts. The case worker's colleague mentions the
facilitator in a forum post; the facilitator's bell count and a toast change without reloading. While the
facilitator's socket is down another mention arrives: on reconnect the page catches up through the API."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JAGO = "52.02.01.2013"


def log_in(context, base, username):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home/")
    return page


def api_post(context, base, path, payload):
    """A call from the person's own browser session (cookie + CSRF token), as a page script would make."""
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    response = context.request.post(f"{base}{path}", data=payload, headers={"X-CSRFToken": csrf})
    assert response.ok, response.text()
    return response.json()


def test_mention_reaches_the_other_persons_bell_live_and_after_a_reconnect(
    asgi_server, demo, browser, artifacts_dir, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    phone = {"viewport": {"width": 390, "height": 844}}
    facilitator_ctx, kader_ctx = browser.new_context(**phone), browser.new_context()
    try:
        sockets = []

        def keep(ws):  # pass the page's socket through to the server, keeping a handle to cut it later
            ws.connect_to_server()
            sockets.append(ws)

        facilitator_ctx.route_web_socket(re.compile(r".*/ws/notifications/$"), keep)
        facilitator = log_in(facilitator_ctx, asgi_server, "fasilitator_jago")
        log_in(kader_ctx, asgi_server, "kader_jago")
        bell = facilitator.locator("#notif-bell [data-notif-count]")
        expect(bell).to_be_hidden()
        expect(facilitator.locator("#notif-bell")).to_have_attribute("data-live", "on")

        thread = api_post(
            kader_ctx,
            asgi_server,
            f"/api/v1/forums/{JAGO}/threads",
            {
                "title": "Anak tanpa akta kelahiran di Dusun Jago Timur",
                "body": "Ibunya bekerja di Malaysia.",
                "kind": "discussion",
            },
        )
        api_post(
            kader_ctx,
            asgi_server,
            f"/api/v1/threads/{thread['id']}/posts",
            {"body": "@fasilitator_jago mohon bantuan"},
        )

        expect(bell).to_have_text(re.compile(r"^1"))  # no reload
        toast = facilitator.locator("#notif-toasts .notif-toast")
        expect(toast.first).to_contain_text(
            "menyebut Anda di “Anak tanpa akta kelahiran di Dusun Jago Timur”"
        )
        expect(facilitator.locator("#notif-toasts")).to_have_attribute("aria-live", "polite")
        facilitator.wait_for_timeout(400)  # let the toast's entry animation finish
        facilitator.screenshot(path=str(artifacts_dir / "notifications-toast-phone.png"))

        # The connection drops (weak network); a second mention arrives meanwhile and is caught up on reconnect.
        facilitator.locator("#notif-toasts .notif-toast button").first.click()
        sockets[-1].close()
        expect(facilitator.locator("#notif-bell")).to_have_attribute("data-live", "off")
        api_post(
            kader_ctx,
            asgi_server,
            f"/api/v1/threads/{thread['id']}/posts",
            {"body": "Sekali lagi @fasilitator_jago"},
        )
        expect(facilitator.locator("#notif-bell")).to_have_attribute("data-live", "on", timeout=15000)
        expect(bell).to_have_text(re.compile(r"^2"))
        expect(toast.last).to_contain_text("menyebut Anda")
        assert len(sockets) >= 2

        # Following the toast marks it read; the page reached is the thread.
        toast.last.locator("a").click()
        facilitator.wait_for_url(re.compile(rf".*/forums/.*{thread['id']}.*"))
        expect(facilitator.locator("#notif-bell [data-notif-count]")).to_have_text(re.compile(r"^1"))
        facilitator.goto(f"{asgi_server}/notifications/")
        expect(facilitator.locator(".notif-list li")).to_have_count(2)
        expect(facilitator.locator(".notif-list li.unread")).to_have_count(1)
        facilitator.screenshot(path=str(artifacts_dir / "notifications-list-phone.png"), full_page=True)
    finally:
        facilitator_ctx.close()
        kader_ctx.close()


def test_a_session_that_ends_stops_the_live_client_and_asks_to_log_in_again(
    asgi_server, demo, browser, artifacts_dir, monkeypatch, settings
):
    """The server accepts the socket and closes it with 4401 (API.md); live.js stops reconnecting and says so."""
    from django.contrib.sessions.models import Session

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PELITA_WS_RECHECK_SECONDS = 0.5
    context = browser.new_context(viewport={"width": 360, "height": 780})
    try:
        closes, opened = [], []
        page = log_in(context, asgi_server, "kader_jago")
        page.on("websocket", lambda ws: (opened.append(ws), ws.on("close", lambda _ws: closes.append(1))))
        page.reload()
        expect(page.locator("#notif-bell")).to_have_attribute("data-live", "on")
        Session.objects.all().delete()  # logged out everywhere
        notice = page.locator("#notif-login-again")
        expect(notice).to_be_visible(timeout=10_000)
        expect(notice).to_contain_text("masuk lagi")
        expect(notice.get_by_role("link")).to_have_attribute("href", re.compile(r"/accounts/login/\?next="))
        seen = len(opened)
        page.wait_for_timeout(4_000)  # longer than the first backoff steps: a reconnecting client would retry
        assert len(opened) == seen, "the client reconnected after 4401"
        page.screenshot(path=str(artifacts_dir / "notifications-login-again.png"))
    finally:
        context.close()
