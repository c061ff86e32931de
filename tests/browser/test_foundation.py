"""Foundation journey in Chromium: log in, switch to English, browse from NTB down to a dusun of Desa Jago."""

import pytest

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_switch_language_and_browse_to_a_dusun(asgi_server, demo, page, artifacts_dir, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{asgi_server}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.get_by_label("Nama pengguna").fill("kader_jago")
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{asgi_server}/home/")
    assert "Halo" in page.locator("h1").inner_text()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Hello" in page.locator("h1").inner_text()

    page.get_by_role("link", name="Areas").first.click()
    page.get_by_role("link", name="Nusa Tenggara Barat").click()
    page.get_by_role("link", name="Kab. Lombok Tengah").click()
    page.get_by_role("link", name="Kec. Praya", exact=True).click()
    page.get_by_role("link", name="Desa Jago").click()
    assert "52.02.01.2013" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Dusun Jago Timur").click()
    heading = page.locator("h1").inner_text()
    assert "Dusun Jago Timur" in heading and "52.02.01.2013.01" in heading
    crumbs = page.locator(".breadcrumbs").inner_text()
    assert "Kab. Lombok Tengah" in crumbs and "Desa Jago" in crumbs
    page.screenshot(path=str(artifacts_dir / "foundation-dusun.png"), full_page=True)
