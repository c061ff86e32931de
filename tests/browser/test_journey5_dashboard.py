"""Journey 5 in Chromium: the provincial coordinator opens the dashboard from the home page, sees the
figures, charts and the breakdown per kabupaten, drills down to Kab. Lombok Tengah, filters, and downloads
the figures as CSV. On a 390 px wide phone screen."""

from pathlib import Path

import pytest

from tests.dashboard.conftest import world  # noqa: F401 (the hand-computed data)
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_reads_the_dashboard_drills_down_and_downloads(
    asgi_server,
    world,  # noqa: F811
    page,
    artifacts_dir,
    monkeypatch,
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from portal.audit.models import AuditEntry

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{asgi_server}/accounts/login/")
    page.get_by_label("Nama pengguna").fill("koordinator_ntb")
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{asgi_server}/home/")
    page.locator("main a[href='/dashboard/']").click()
    page.wait_for_url(f"{asgi_server}/dashboard/")
    assert "Nusa Tenggara Barat" in page.locator("h1").inner_text()
    figures = page.locator(".figures").first.inner_text()
    assert "Anak terdaftar" in figures and "5" in figures
    assert page.locator("svg[role=img] title").count() >= 4

    # Drill down: the kabupaten row of the breakdown.
    page.locator("table.breakdown").get_by_role("link", name="Kab. Lombok Tengah").click()
    page.wait_for_url("**/dashboard/?area=52.02*")
    assert "Kab. Lombok Tengah" in page.locator("h1").inner_text()
    assert "Kec. Praya" in page.locator("table.breakdown").inner_text()

    # Filter to November: the referrals sent that month in Lombok Tengah (r1 r2 r3 r4 r5).
    page.get_by_label("Dari").fill("2026-11-01")
    page.get_by_label("Sampai").fill("2026-11-30")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**date_from=2026-11-01*")
    assert page.get_by_label("Dari").input_value() == "2026-11-01"
    assert "5" in page.locator(".figures").first.inner_text()

    with page.expect_download() as info:
        page.get_by_role("link", name="Angka sebagai CSV").click()
    path = info.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert "Anak terdaftar" in text and "Secret" not in text
    assert AuditEntry.objects.filter(action="dashboard.export", actor_name="koordinator_ntb").exists()

    page.goto(f"{asgi_server}/dashboard/?area=52")
    page.screenshot(path=str(artifacts_dir / "journey5-dashboard.png"), full_page=True)
    page.goto(f"{asgi_server}/dashboard/public/?area=52")
    assert "<5" in page.locator("table.breakdown").inner_text()
    page.screenshot(path=str(artifacts_dir / "journey5-public.png"), full_page=True)
