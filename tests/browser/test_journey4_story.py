"""Journey 4 in Chromium at 360 px: a communications officer writes a story in Bahasa Indonesia in the Wagtail
admin, adds the English translation, sends both to review; the moderator approves; the story is public and its
English switch leads to the English page.

Wagtail's admin needs JavaScript (its rich text editor, its menus), so the editor's and the moderator's steps run
with JavaScript, on a 360 px phone. The reader's steps (the published story in both languages, the story index
and its search) run with and without JavaScript. Each reader step checks what the person sees, that nothing
scrolls sideways, and keeps a screenshot (test-artifacts/journey4-*-{js,nojs}.png)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.phone import fits, phone, step
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser]


def login(page, base, username):
    page.goto(f"{base}/accounts/login/?next=/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/"))


def wait_for_form_state(page, text):
    """Draftail writes its content into the form's hidden input a moment after typing (debounced)."""
    page.wait_for_function(
        "t => [...document.querySelectorAll('input[type=hidden]')].some(i => i.value.includes(t))", arg=text
    )


def write_paragraph(page, text):
    """Add a paragraph block to an empty StreamField and type into its rich text editor."""
    page.locator("[data-streamfield-stream-container] button[title], button.c-sf-add-button").first.click()
    page.get_by_role("option", name=re.compile("Paragra")).first.click()
    editor = page.locator(".public-DraftEditor-content").last
    editor.click()
    page.keyboard.type(text)
    expect(editor).to_contain_text(text)
    page.locator("#id_summary").click()
    wait_for_form_state(page, text)
    wait_for_form_state(page, text)


def replace_paragraph(page, text):
    editor = page.locator(".public-DraftEditor-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    expect(editor).to_contain_text(text)
    page.locator("#id_summary").click()
    wait_for_form_state(page, text)


def click_action(page, selector):
    """Footer actions live in a dropdown; a programmatic click is what the menu item does. Waits for the
    page that answers."""
    with page.expect_navigation():
        page.locator(selector).first.evaluate("button => button.click()")


def test_journey4_story_written_translated_reviewed_published(
    browser, asgi_server, demo, settings, tmp_path, artifacts_dir, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from cms.demo import seed
    from cms.models import StoryPage
    from portal.notifications.models import Notification

    settings.MEDIA_ROOT = str(tmp_path)
    # Wagtail 8 autosaves the editor every 500 ms; the test submits explicitly, so autosave would only race
    # with it on a loaded CI machine.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    cms = seed(demo)
    index = cms["cms"]["story_index"]
    base = asgi_server

    # The editor writes the story in Bahasa Indonesia, on a phone.
    desk = phone(browser, True)
    page = desk.new_page()
    login(page, base, "editor")
    page.goto(f"{base}/admin/pages/add/cms/storypage/{index.pk}/")
    page.fill("#id_title", "Kelas Ayah di Desa Jago")
    page.fill("#id_summary", "Para ayah yang pulang dari Malaysia belajar mengasuh bersama kader.")
    write_paragraph(page, "Setiap Minggu pagi, para ayah berkumpul di balai dusun.")
    page.screenshot(path=str(artifacts_dir / "journey4-0-editor-form-js.png"), full_page=True)
    click_action(page, 'button[name="action-submit"]')
    expect(page.locator(".messages")).to_contain_text("Kelas Ayah di Desa Jago")  # the editor is told
    story = StoryPage.objects.get(title="Kelas Ayah di Desa Jago")
    assert not story.live
    assert story.current_workflow_state is not None

    # ...adds the English translation (simple_translation), writes it, and submits it too.
    page.goto(f"{base}/admin/translation/submit/page/{story.pk}/")
    page.locator('input[name="locales"]').first.check()
    page.locator('form[data-controller="w-bulk"] input[type=submit]').click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    english = StoryPage.objects.get(translation_key=story.translation_key, locale__language_code="en")
    page.fill("#id_title", "Fathers' Class in Desa Jago")
    page.fill("#id_summary", "Fathers back from Malaysia learn parenting with the village cadres.")
    replace_paragraph(page, "Every Sunday morning the fathers meet at the hamlet hall.")
    page.get_by_role("tab", name=re.compile("Promo")).click()
    page.fill("#id_slug", "fathers-class-desa-jago")
    click_action(page, 'button[name="action-submit"]')
    expect(page.locator(".messages")).to_contain_text("Fathers' Class in Desa Jago")
    page.screenshot(path=str(artifacts_dir / "journey4-1-editor-submitted-js.png"), full_page=True)
    desk.close()
    moderator_notices = Notification.objects.filter(kind="story.review", recipient__username="moderator")
    assert moderator_notices.count() == 2

    # The moderator approves both.
    context = phone(browser, True)
    reviewer = context.new_page()
    login(reviewer, base, "moderator")
    for pk in (story.pk, english.pk):
        reviewer.goto(f"{base}/admin/pages/{pk}/edit/")
        click_action(reviewer, 'button[data-workflow-action-name="approve"]')
        expect(reviewer.locator(".messages")).to_be_visible()
    reviewer.screenshot(path=str(artifacts_dir / "journey4-2-moderator-approved-js.png"), full_page=True)
    context.close()
    story.refresh_from_db()
    english.refresh_from_db()
    assert story.live and english.live
    assert Notification.objects.filter(kind="story.approved", recipient__username="editor").count() == 2

    # Anyone reads it, on a phone, with or without JavaScript: the story, its English switch, the index, search.
    for js in (True, False):
        visitor = phone(browser, js)
        reader = visitor.new_page()

        def shot(name, reader=reader, js=js):
            step(reader, artifacts_dir, "journey4", name, js)

        reader.goto(f"{base}{story.url}")
        expect(reader.locator("h1")).to_have_text("Kelas Ayah di Desa Jago")
        expect(reader.locator("main")).to_contain_text("Setiap Minggu pagi, para ayah berkumpul")
        expect(reader.locator("html")).to_have_attribute("lang", "id")
        shot("3-story-id")
        reader.get_by_role("link", name="English").click()
        reader.wait_for_url(f"{base}/en/stories/fathers-class-desa-jago/")
        expect(reader.locator("h1")).to_have_text("Fathers' Class in Desa Jago")
        expect(reader.locator("main")).to_contain_text("Every Sunday morning the fathers meet")
        expect(reader.locator("html")).to_have_attribute("lang", "en")
        assert any(c["name"] == "pelita_language" and c["value"] == "en" for c in visitor.cookies())
        shot("4-story-en")

        # Back in Bahasa Indonesia: the story index lists it, and its search finds it.
        reader.get_by_role("link", name="Bahasa Indonesia").click()
        reader.wait_for_url(f"{base}{story.url}")
        reader.goto(f"{base}{index.url}")
        expect(reader.locator("h1")).to_have_text(index.title)
        expect(reader.locator(".cms-cards")).to_contain_text("Kelas Ayah di Desa Jago")
        expect(reader.locator(".cms-cards h2").first).to_be_visible()  # headings in order: h1, then the cards
        shot("5-story-index")
        reader.get_by_label("Cari cerita").fill("ayah")
        reader.get_by_role("button", name="Tampilkan").click()
        reader.wait_for_url("**q=ayah**")
        expect(reader.locator(".cms-cards")).to_contain_text("Kelas Ayah di Desa Jago")
        shot("6-story-search")
        reader.get_by_label("Cari cerita").fill("tidakadakatasepertiini")
        reader.get_by_role("button", name="Tampilkan").click()
        expect(reader.locator("main [role=status]")).to_contain_text("Tidak ada cerita")
        fits(reader)
        visitor.close()
