"""Accessibility and reach in Chromium: axe-core on every main page (zero serious or critical violations),
every page readable at 320 px wide (no horizontal scroll), keyboard-only login and reply, and the thread page
usable within 3 seconds on a slow 3G connection. One browser session for all pages, to keep CI cost modest."""

import contextlib
import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}
# WebPageTest's "3G Slow" profile: 400 ms round trip, 400 kbit/s down and up.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/accounts/login/" not in page.url, f"login as {username} failed"


def _targets():
    """(who, path) for every main page that exists, with real objects from the demo."""
    from django.urls import NoReverseMatch, reverse

    from cms.models import StoryPage
    from forums.models import Thread
    from referrals.models import Referral

    thread = Thread.objects.filter(forum__area__code="52.02.01.2013").order_by("pk").first()
    referral = Referral.objects.filter(case__team__user__username="pendamping_jago").order_by("pk").first()
    story = StoryPage.objects.live().order_by("pk").first()
    targets = [(None, "/"), (None, "/accounts/login/")]
    if story is not None:
        targets.append((None, story.url))
    targets += [
        ("kader_jago", "/home/"),
        ("kader_jago", "/areas/"),
        ("kader_jago", "/forums/"),
        ("kader_jago", "/forums/f/52.02.01.2013/"),
        ("kader_jago", "/notifications/"),
    ]
    if thread is not None:
        opening = thread.posts.order_by("number").first()
        targets += [
            ("kader_jago", f"/forums/t/{thread.pk}/"),
            ("kader_jago", f"/forums/t/{thread.pk}/reply/"),
            ("kader_jago", "/forums/f/52.02.01.2013/new/"),
            ("kader_jago", "/forums/f/52.02.01.2013/people/"),
            ("fasilitator_jago", f"/forums/p/{opening.pk}/history/"),
            ("fasilitator_jago", f"/forums/p/{opening.pk}/hide/"),
            ("fasilitator_jago", f"/forums/p/{opening.pk}/delete/"),
        ]
    escalated = Thread.objects.filter(escalated_from__isnull=False).order_by("pk").first()
    if escalated is not None:
        targets.append(("fasilitator_jago", f"/forums/t/{escalated.pk}/"))
    targets.append(("pendamping_jago", "/cases/"))
    if referral is not None:
        targets += [
            ("pendamping_jago", f"/cases/{referral.case.code}/"),
            ("pendamping_jago", f"/cases/referrals/{referral.pk}/"),
            ("dukcapil_loteng_1", f"/cases/referrals/{referral.pk}/"),
        ]
    targets.append(("dukcapil_loteng_1", "/cases/inbox/"))
    from forums.meetings.models import ActionItem, Meeting

    meeting = Meeting.objects.filter(forum__area__code="52.02.01.2013", status="held").order_by("pk").first()
    item = ActionItem.objects.filter(forum__area__code="52.02.01.2013").order_by("pk").first()
    targets += [
        ("fasilitator_jago", "/forums/f/52.02.01.2013/meetings/"),
        ("fasilitator_jago", "/forums/f/52.02.01.2013/meetings/new/"),
        ("fasilitator_jago", "/forums/f/52.02.01.2013/proposals/"),
        ("fasilitator_jago", "/forums/action-items/"),
    ]
    if meeting is not None:
        targets += [
            ("fasilitator_jago", f"/forums/m/{meeting.pk}/"),
            ("fasilitator_jago", f"/forums/m/{meeting.pk}/attendance/"),
            ("fasilitator_jago", f"/forums/m/{meeting.pk}/decisions/new/"),
        ]
    if item is not None:
        targets.append(("fasilitator_jago", f"/forums/action-items/{item.pk}/"))
    with contextlib.suppress(NoReverseMatch):
        targets.append(("koordinator_ntb", reverse("dashboard:index")))
    targets += _journey_targets()
    with contextlib.suppress(NoReverseMatch):
        targets += [
            ("koordinator_ntb", reverse("commitments:area", args=["52.02"])),
            ("koordinator_ntb", reverse("commitments:area", args=["52.02.01.2013"])),
            ("koordinator_ntb", reverse("commitments:line_new", args=["52.02.01.2013"])),
            ("koordinator_ntb", reverse("commitments:import", args=["52.02.01.2013"])),
            (None, reverse("commitments:area", args=["52"])),
            (None, reverse("commitments:card", args=["52.02.01.2013"])),
        ]
    return targets


def _journey_targets():
    """The pages of PRODUCT.md's five journeys (tests/browser/test_journey*.py) that the list above lacks."""
    from cms.models import StoryIndexPage, StoryPage
    from forums.models import Thread
    from referrals.models import ChildCase, Referral

    targets = []
    dusun_thread = (
        Thread.objects.filter(forum__area__parent__code="52.02.01.2013", escalated_to__isnull=True)
        .order_by("pk")
        .first()
    )
    if dusun_thread is not None:  # journey 1: the escalation form
        targets.append(("fasilitator_jago", f"/forums/t/{dusun_thread.pk}/escalate/"))
    case = ChildCase.objects.filter(team__user__username="pendamping_jago").order_by("pk").first()
    targets.append(("pendamping_jago", "/cases/new/"))  # journey 2
    if case is not None:
        targets += [
            ("pendamping_jago", f"/cases/{case.code}/consents/new/"),
            ("pendamping_jago", f"/cases/{case.code}/referrals/new/?service=akta-kelahiran"),
        ]
    targets.append(("dukcapil_loteng_1", "/cases/inbox/?tab=all"))
    raised = Referral.objects.filter(
        overdue_raised_at__isnull=False, area__code__startswith="52.02.01"
    ).first()
    targets += [
        ("fasilitator_praya", "/notifications/"),
        ("fasilitator_praya", "/forums/f/52.02.01/"),
    ]  # journey 3
    if raised is not None:
        targets.append(("fasilitator_praya", f"/cases/{raised.case.code}/"))
    index = StoryIndexPage.objects.live().filter(locale__language_code="id").first()  # journey 4: the reader
    if index is not None:
        targets += [(None, index.url), (None, f"{index.url}?q=ayah")]
    english = StoryPage.objects.live().filter(locale__language_code="en").order_by("pk").first()
    if english is not None:
        targets.append((None, english.url))
    targets += [  # journey 5
        ("koordinator_ntb", "/dashboard/?area=52.02"),
        ("koordinator_ntb", "/dashboard/?area=52.02&date_from=2026-11-01&date_to=2026-11-30"),
        (None, "/dashboard/public/?area=52"),
    ]
    return targets


def test_main_pages_have_no_serious_violations_and_fit_320px(asgi_server, demo_full, page, artifacts_dir):
    axe = Axe()
    targets = _targets()
    page.set_viewport_size({"width": 320, "height": 720})
    report, failures, current = [], [], "-"
    for who, path in targets:
        if who != current:
            if who is None:
                page.context.clear_cookies()
            else:
                _login(page, asgi_server, who)
            current = who
        response = page.goto(f"{asgi_server}{path}")
        assert response is not None and response.status < 400, (
            f"{path} as {who}: {response and response.status}"
        )
        page.wait_for_load_state("load")
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
        width = page.evaluate("document.scrollingElement.scrollWidth")
        entry = {
            "page": path,
            "as": who,
            "scroll_width": width,
            "violations": [
                {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                for v in results.response["violations"]
            ],
        }
        report.append(entry)
        if serious:
            failures.append(f"{path} as {who}: {[(v['id'], v['impact']) for v in serious]}")
        if width > 320:
            failures.append(f"{path} as {who}: {width}px wide at a 320px viewport")
    page.screenshot(path=str(artifacts_dir / "a11y-last-page-320.png"), full_page=True)
    (artifacts_dir / "a11y-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    assert len(report) >= 10
    assert not failures, "\n".join(failures)


def test_keyboard_only_login_and_reply(asgi_server, demo_full, page, artifacts_dir):
    from forums.models import Post, Thread

    thread = Thread.objects.filter(forum__area__code="52.02.01.2013", locked=False).order_by("pk").first()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{asgi_server}/accounts/login/")

    def tab_to(selector, limit=40):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # The first Tab reaches the skip link: keyboard users can jump over the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')")
    tab_to("input[name=username]")
    page.keyboard.type("kader_jago")
    tab_to("input[name=password]")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{asgi_server}/home/")

    page.goto(f"{asgi_server}/forums/t/{thread.pk}/")
    tab_to("textarea[name=body]", limit=200)
    page.keyboard.type("Balasan dengan papan ketik saja.")
    # Focus is visible on the reply box (an outline or a box shadow).
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + '|' + s.boxShadow; }"
    )
    assert outline != "none|none"
    tab_to("form.reply button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Post.objects.filter(thread=thread, body="Balasan dengan papan ketik saja.").exists()
    page.screenshot(path=str(artifacts_dir / "a11y-keyboard-reply.png"), full_page=True)


def test_thread_page_is_usable_within_3_seconds_on_slow_3g(asgi_server, demo_full, page, artifacts_dir):
    from forums.models import Thread

    thread = Thread.objects.filter(forum__area__code="52.02.01.2013").order_by("pk").first()
    _login(page, asgi_server, "kader_jago")
    page.goto(f"{asgi_server}/forums/t/{thread.pk}/")  # warm the server, as a returning visitor's would be
    page.context.clear_cookies(name="pelita_language")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # a first visit: nothing cached
    # ... and no service worker answering from its cache (the offline worker of docs/OFFLINE.md registered on the
    # warm-up visit; Chromium's throttling does not apply to a worker's own fetches)
    cdp.send("Network.setBypassServiceWorker", {"bypass": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{asgi_server}/forums/t/{thread.pk}/", wait_until="load")
    timing = page.evaluate(
        """() => { const n = performance.getEntriesByType('navigation')[0];
                   const paint = performance.getEntriesByName('first-contentful-paint')[0];
                   return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, bytes: performance
                     .getEntriesByType('resource').reduce((a, r) => a + r.transferSize, n.transferSize),
                     fcp: paint ? paint.startTime : null}; }"""
    )
    assert page.locator("h1").is_visible() and page.locator("textarea[name=body]").count() == 1
    (artifacts_dir / "slow3g-thread.json").write_text(json.dumps(timing), encoding="utf-8")
    page.screenshot(path=str(artifacts_dir / "slow3g-thread.png"))
    assert timing["dcl"] < 3000, timing
