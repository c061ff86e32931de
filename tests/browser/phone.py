"""What the journey tests share: a 360 px phone, with or without JavaScript, logging in, "no sideways scrolling"
and a screenshot of each step under test-artifacts/ (named journeyN-<step>-<js|nojs>.png)."""

from tests.factories import TEST_PASSWORD

PHONE = {"width": 360, "height": 740}
JS = {"argnames": "js", "argvalues": [True, False], "ids": ["js", "nojs"]}  # pytest.mark.parametrize(**JS)


def tag(js):
    return "js" if js else "nojs"


def phone(browser, js):
    """A new browser context like a cheap Android phone in Lombok: 360 px, Indonesian, WITA; JavaScript on or off."""
    return browser.new_context(
        viewport=PHONE, java_script_enabled=js, locale="id-ID", timezone_id="Asia/Makassar"
    )


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


def apart(locator, gap=4):
    """The elements of the locator (buttons side by side or stacked) neither overlap nor touch."""
    boxes = [b for b in (e.bounding_box() for e in locator.all()) if b]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            clear = (
                b["x"] >= a["x"] + a["width"] + gap
                or a["x"] >= b["x"] + b["width"] + gap
                or b["y"] >= a["y"] + a["height"] + gap
                or a["y"] >= b["y"] + b["height"] + gap
            )
            assert clear, f"{a} and {b} touch"


def headings_differ(page):
    """No two sections of the page under the same heading (a reader cannot tell them apart)."""
    texts = [t.strip() for t in page.locator("main h2").all_inner_texts()]
    assert len(texts) == len(set(texts)), texts


def text_fits_its_box(locator):
    """No element of the locator has text spilling out of its own box (onto its neighbour): cut-off or
    overlapping text at 360 px."""
    spilled = locator.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim())"
    )
    assert not spilled, spilled
