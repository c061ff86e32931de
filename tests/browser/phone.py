"""What the journey tests share: a 360 px phone, with or without JavaScript, logging in, "no sideways scrolling"
and a screenshot of each step under test-artifacts/ (named journeyN-<step>-<js|nojs>.png)."""

from tests.factories import TEST_PASSWORD

PHONE = {"width": 360, "height": 740}
JS = {"argnames": "js", "argvalues": [True, False], "ids": ["js", "nojs"]}  # pytest.mark.parametrize(**JS)


def tag(js):
    return "js" if js else "nojs"


def phone(browser, js):
    """A new browser context sized like a cheap Android phone, JavaScript on or off."""
    return browser.new_context(viewport=PHONE, java_script_enabled=js)


def login(page, base, username, password=TEST_PASSWORD):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/home/")


def fits(page):
    """Nothing wider than the phone: no sideways scrolling at 360 px."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width}px wide at {PHONE['width']}px"


def step(page, artifacts_dir, journey, name, js):
    """The end of a step of a journey: the page fits the phone, and a full-page screenshot is kept."""
    fits(page)
    page.screenshot(path=str(artifacts_dir / f"{journey}-{name}-{tag(js)}.png"), full_page=True)


def open_menu_link(page, name):
    """Follow a link of the header's menu (a <details>: it opens without JavaScript)."""
    menu = page.locator(".nav-menu")
    if not menu.evaluate("d => d.open"):
        menu.locator("summary").click()
    menu.get_by_role("link", name=name).first.click()
