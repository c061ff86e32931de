"""Journey 5 in Chromium at 360 px, with and without JavaScript: the provincial coordinator opens the dashboard from
the home page, sees the figures, charts and the breakdown per kabupaten, drills down to Kab. Lombok Tengah, filters,
and downloads the figures as CSV; the public dashboard hides small counts. Each step checks what the person sees,
that nothing scrolls sideways, and keeps a screenshot (test-artifacts/journey5-*-{js,nojs}.png)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.phone import JS, login, phone, step, text_fits_its_box
from tests.dashboard.conftest import world  # noqa: F401 (the hand-computed data)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(**JS)
def test_coordinator_reads_the_dashboard_drills_down_and_downloads(
    asgi_server,
    world,  # noqa: F811
    browser,
    artifacts_dir,
    monkeypatch,
    js,
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from portal.audit.models import AuditEntry

    base = asgi_server
    context = phone(browser, js)
    page = context.new_page()

    def shot(name):
        step(page, artifacts_dir, "journey5", name, js)

    login(page, base, "koordinator_ntb")
    shot("1-home")
    page.locator("main a[href='/dashboard/']").click()
    page.wait_for_url(f"{base}/dashboard/")
    expect(page.locator("h1")).to_contain_text("Nusa Tenggara Barat")
    figures = page.locator(".figures").first.inner_text()
    assert "Anak terdaftar" in figures and "5" in figures
    assert page.locator("svg[role=img] title").count() >= 4  # the charts are drawn by the server
    expect(page.locator("table.breakdown")).to_contain_text("Kab. Lombok Tengah")
    text_fits_its_box(page.locator("table.breakdown thead a.sort"))  # the headers wrap, none over the next
    text_fits_its_box(page.locator(".table-wrap:has(table.breakdown)"))  # all four columns seen, overdue too
    caption = page.locator(".table-wrap caption:not(.visually-hidden)")
    for box in (caption.nth(i).bounding_box() for i in range(caption.count())):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box  # a wide table's caption is read whole
    regions = page.locator("[role=region]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert len(regions) == len(set(regions)), regions  # each scrolling table named for what it holds
    shot("2-dashboard-province")

    # Drill down: the kabupaten row of the breakdown.
    page.locator("table.breakdown").get_by_role("link", name="Kab. Lombok Tengah").click()
    page.wait_for_url("**/dashboard/?area=52.02*")
    expect(page.locator("h1")).to_contain_text("Kab. Lombok Tengah")
    expect(page.locator("table.breakdown")).to_contain_text("Kec. Praya")
    text_fits_its_box(page.locator(".table-wrap:has(table.breakdown)"))
    shot("3-dashboard-kabupaten")

    # Filter to November: the referrals sent that month in Lombok Tengah (r1 r2 r3 r4 r5).
    page.get_by_label("Dari").fill("2026-11-01")
    page.get_by_label("Sampai").fill("2026-11-30")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**date_from=2026-11-01*")
    expect(page.get_by_label("Dari")).to_have_value("2026-11-01")
    assert "5" in page.locator(".figures").first.inner_text()
    shot("4-dashboard-filtered")

    with page.expect_download() as info:
        page.get_by_role("link", name="Angka sebagai CSV").click()
    path = info.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert "Anak terdaftar" in text and "Secret" not in text
    assert AuditEntry.objects.filter(action="dashboard.export", actor_name="koordinator_ntb").exists()

    page.goto(f"{base}/dashboard/public/?area=52")
    assert "<5" in page.locator("table.breakdown").inner_text()
    shot("5-dashboard-public")
    context.close()
