"""Issue 20, "Words and the small screen", in Chromium at 360 px, with and without JavaScript: the header is one
row (measured), its menu opens without JavaScript and fits the screen; the home shows what waits for the person;
the dashboard's area table sorts from its headers, the overdue figure leads to the overdue referrals, the bar
labels are inside their chart; the referral letter's print button prints and is not printed."""

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home/")


def _header_is_one_row(page):
    bar = page.locator(".site-header .bar").bounding_box()
    parts = [page.locator(sel).bounding_box() for sel in (".brand", "#notif-bell", ".nav-menu summary")]
    assert all(parts), parts
    tops = [p["y"] for p in parts]
    assert max(tops) - min(tops) < 16, parts  # side by side, not wrapped
    assert bar["height"] <= 64, bar
    for p in parts:
        assert p["x"] >= 0 and p["x"] + p["width"] <= PHONE["width"], parts
    assert page.locator(".site-header").inner_text().count("Pemberitahuan") == 1


@pytest.mark.parametrize("javascript", [True, False])
def test_header_is_one_row_and_its_menu_fits(
    asgi_server, demo_full, browser, artifacts_dir, monkeypatch, javascript
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    suffix = "js" if javascript else "nojs"
    for username in ("kader_jago", "pendamping_jago", "dukcapil_loteng_1", "koordinator_ntb", "editor"):
        _login(page, asgi_server, username)
        _header_is_one_row(page)
    # koordinator_ntb's header has the most sections; "editor" the back office too. Open the menu.
    _login(page, asgi_server, "koordinator_ntb")
    menu = page.locator(".nav-list")
    assert not menu.is_visible()
    page.locator(".nav-menu summary").click()
    assert menu.is_visible()
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page.get_by_role("link", name="Dasbor").first.is_visible()
    assert page.get_by_role("button", name="Keluar").is_visible()
    page.screenshot(path=str(artifacts_dir / f"small-screen-menu-{suffix}.png"))
    page.get_by_role("link", name="Akun saya").click()
    page.wait_for_url("**/accounts/")
    context.close()


def test_home_shows_what_waits_for_the_person(asgi_server, demo_full, page, artifacts_dir, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from referrals.models import ChildCase, Referral, Status

    names = [n for n in ChildCase.objects.values_list("child_name", flat=True) if n]
    page.set_viewport_size(PHONE)

    _login(page, asgi_server, "dukcapil_loteng_1")
    waiting = page.locator("#home-waiting")
    assert waiting.is_visible()
    sent = Referral.objects.filter(
        status=Status.SENT, agency__group__user__username="dukcapil_loteng_1"
    ).first()
    assert sent.case.code in waiting.inner_text()
    text = page.locator("main").inner_text()
    assert not any(n in text for n in names)
    page.screenshot(path=str(artifacts_dir / "small-screen-home-liaison.png"), full_page=True)
    waiting.get_by_role("link", name=sent.case.code).first.click()
    page.wait_for_url(f"**/cases/referrals/{sent.pk}/")

    _login(page, asgi_server, "fasilitator_praya")
    overdue = page.locator("#home-overdue")
    assert overdue.is_visible() and "APM-" in overdue.inner_text()
    assert not any(n in page.locator("main").inner_text() for n in names)
    page.screenshot(path=str(artifacts_dir / "small-screen-home-overseer.png"), full_page=True)

    # More overdue than the panel shows: five, "n dari N ditampilkan", and "Lihat semua" to the dashboard's list.
    from referrals.selectors import overdue_q

    base = Referral.objects.filter(overdue_q(), case__village__code__startswith="52.02.01.").first()
    for _i in range(6):
        copy = Referral.objects.get(pk=base.pk)
        copy.pk = None
        copy.save()
    page.goto(f"{asgi_server}/home/")
    assert overdue.locator("li").count() == 5
    expect(overdue).to_contain_text("ditampilkan")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir / "small-screen-home-overseer-more.png"), full_page=True)
    overdue.get_by_role("link", name="Lihat semua").click()
    page.wait_for_url("**/dashboard/overdue/")
    expect(page.locator("main")).to_contain_text(base.case.code)

    _login(page, asgi_server, "kader_jago")
    assert page.locator("#home-topics").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # nothing wider than the phone
    page.screenshot(path=str(artifacts_dir / "small-screen-home-cadre.png"), full_page=True)


@pytest.mark.parametrize("javascript", [True, False])
def test_dashboard_sorts_links_and_labels_fit(
    asgi_server, demo_full, browser, artifacts_dir, monkeypatch, javascript
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    _login(page, asgi_server, "koordinator_ntb")
    page.goto(f"{asgi_server}/dashboard/?area=52.02")

    # Sort the area table by children registered, largest first, from its header.
    table = page.locator("table.breakdown")
    table.locator("thead").get_by_role("link", name="Anak terdaftar").click()
    page.wait_for_url("**sort=-children**")
    header = page.locator("table.breakdown thead th[aria-sort]")
    assert header.get_attribute("aria-sort") == "descending"
    values = [int(v) for v in page.locator("table.breakdown tbody tr td:nth-child(2)").all_inner_texts()]
    assert values == sorted(values, reverse=True) and len(values) > 1
    page.locator("table.breakdown thead").get_by_role("link", name="Wilayah").click()
    page.wait_for_url("**sort=name**")
    names = page.locator("table.breakdown tbody tr th").all_inner_texts()
    assert [n.casefold() for n in names] == sorted(n.casefold() for n in names)

    # Bar labels inside their charts.
    for svg in page.locator("svg.bars").all():
        frame = svg.bounding_box()
        if frame is None:
            continue
        for label in svg.locator("text").all():
            box = label.bounding_box()
            assert (
                box["x"] >= frame["x"] - 0.5 and box["x"] + box["width"] <= frame["x"] + frame["width"] + 0.5
            ), (
                label.inner_html(),
                box,
                frame,
            )
    page.screenshot(
        path=str(artifacts_dir / f"small-screen-dashboard-{'js' if javascript else 'nojs'}.png"),
        full_page=True,
    )

    # The overdue figure leads to the overdue referrals.
    figure = page.locator("a.figure")
    if figure.count():
        figure.first.click()
        page.wait_for_url("**/dashboard/overdue/**")
        assert "APM-" in page.locator("table.overdue-list").inner_text()
        # h7: the days overdue, the figure this list is for, in sight at 360 px (it was the last column, cut off).
        for cell in (
            page.locator("table.overdue-list thead th.num"),
            page.locator("table.overdue-list td.num").first,
        ):
            box = cell.bounding_box()
            assert box["x"] + box["width"] <= PHONE["width"], box
        page.screenshot(
            path=str(artifacts_dir / f"small-screen-overdue-{'js' if javascript else 'nojs'}.png"),
            full_page=True,
        )
    else:
        from referrals.models import Referral
        from referrals.selectors import overdue_q

        assert not Referral.objects.filter(overdue_q(), area__code__startswith="52.02").exists()
    context.close()


def test_letter_print_button(asgi_server, demo_full, browser, artifacts_dir, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from referrals.models import Referral, Status

    referral = (
        Referral.objects.filter(created_by__username="pendamping_jago")
        .exclude(status__in=[Status.DRAFT])
        .order_by("pk")
        .first()
    )
    assert referral is not None
    url = f"{asgi_server}/cases/referrals/{referral.pk}/letter/"

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _login(page, asgi_server, "pendamping_jago")
    page.goto(url)
    button = page.get_by_role("button", name="Cetak atau simpan sebagai PDF")
    assert button.is_visible()
    # (a trailing value: Playwright calls an expression that ends as a function)
    page.evaluate("window.__printed = 0; window.print = () => { window.__printed += 1; }; true")
    button.click()
    assert page.evaluate("window.__printed") == 1
    assert " (" not in page.locator("footer.signature").inner_text()
    page.screenshot(path=str(artifacts_dir / "small-screen-letter.png"), full_page=True)
    page.emulate_media(media="print")
    assert not button.is_visible()
    assert not page.locator(".site-header").is_visible()
    context.close()

    # Without JavaScript: no button that would do nothing; the hint says how to print.
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    _login(page, asgi_server, "pendamping_jago")
    page.goto(url)
    assert not page.locator("[data-print]").is_visible()
    assert page.locator("[data-print-hint]").is_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_long_word_in_a_message_stays_inside_the_phone(
    asgi_server, demo_full, browser, artifacts_dir, monkeypatch, javascript
):
    """h7 (break-it 20): a pasted link or any long unbroken word in the private thread made the referral page
    28,000 px wide at 360 px (the whole page scrolled sideways, the form out of sight)."""
    from django.contrib.auth import get_user_model

    from referrals.models import Referral
    from referrals.services import referral_message_post

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    referral = Referral.objects.filter(agency__name__icontains="Dukcapil").order_by("pk").first()
    worker = get_user_model().objects.get(username="pendamping_jago")
    long_word = "https://contoh.go.id/" + "x" * 3000
    referral_message_post(actor=worker, referral_id=referral.pk, body=f"Lihat {long_word} 😀", request=None)
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    _login(page, asgi_server, "dukcapil_loteng_1")
    page.goto(f"{asgi_server}/cases/referrals/{referral.pk}/")
    expect(page.locator(".thread .message").last).to_contain_text("contoh.go.id")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    page.screenshot(path=str(artifacts_dir / f"small-screen-long-word-{'js' if javascript else 'nojs'}.png"))
    context.close()
