"""Issue 20: Wagtail's screens and e-mails follow the person's Pelita language (cms/languages.py)."""

import re

import pytest
from django.core import mail
from django.utils import translation
from wagtail.users.models import UserProfile

from cms.models import StoryPage
from portal.people.services import user_set_language

pytestmark = pytest.mark.django_db


def _profile_language(user) -> str:
    return UserProfile.objects.get(user=user).preferred_language


def test_wagtail_profile_follows_pelita_language_both_ways(editorial):
    moderator = editorial["moderator"]  # created with English
    assert _profile_language(moderator) == "en"
    user_set_language(user=moderator, language="id")
    assert _profile_language(moderator) == "id"
    # Chosen in Wagtail's account settings: Pelita follows.
    profile = UserProfile.get_for_user(moderator)
    profile.preferred_language = "en"
    profile.save()
    moderator.refresh_from_db()
    assert moderator.language == "en"


def test_setup_brings_every_profile_in_step(editorial):
    from cms.languages import admin_languages_sync_all

    editor = editorial["editor"]
    UserProfile.objects.filter(user=editor).update(preferred_language="")
    admin_languages_sync_all()
    assert _profile_language(editor) == editor.language == "id"


def test_an_indonesian_moderator_gets_the_submission_email_in_indonesian(draft_story, editorial):
    editor, moderator = editorial["editor"], editorial["moderator"]
    for user, language in ((editor, "en"), (moderator, "id")):
        user.email = f"{user.username}@example.org"
        user.save()
        user_set_language(user=user, language=language)
    mail.outbox.clear()
    with translation.override("en"):  # the editor works in English
        StoryPage.objects.get(pk=draft_story.pk).get_workflow().start(draft_story, editor)
    to_moderator = [m for m in mail.outbox if moderator.email in m.to]
    wagtail_mail = [m for m in to_moderator if "Posyandu remaja di Desa Jago" in m.subject]
    assert wagtail_mail, [m.subject for m in mail.outbox]
    message = wagtail_mail[0]
    assert "telah dikirim untuk disetujui" in message.subject, message.subject
    assert "has been submitted" not in message.subject + message.body
    assert "Anda dapat meninjau halaman tersebut disini" in message.body


SIDEBAR_LABELS_ID = [
    "Halaman",
    "Gambar",
    "Dokumen",
    "Laporan",
    "Bantuan",
    "Pengaturan",
    "Bahasa konten",
    "Riwayat situs",
]
SIDEBAR_LABELS_EN = ["Pages", "Images", "Documents", "Reports", "Help", "Settings", "Locales", "Site history"]
SUMMARY = {"id": "Halaman <span", "en": "Pages <span"}


def _sidebar_labels(html: str) -> list[str]:
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "the admin renders its sidebar"
    return re.findall(r'"label": "([^"]*)"', match.group(1))


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("id", SIDEBAR_LABELS_ID, SIDEBAR_LABELS_EN), ("en", SIDEBAR_LABELS_EN, SIDEBAR_LABELS_ID)],
)
def test_the_admin_dashboard_menu_is_in_the_persons_language(client, editorial, language, expected, absent):
    moderator = editorial["moderator"]
    user_set_language(user=moderator, language=language)
    moderator.is_superuser = True  # every menu item (Reports, Settings) is shown
    moderator.save()
    client.force_login(moderator)
    client.cookies["pelita_language"] = "en" if language == "id" else "id"  # the cookie says otherwise
    response = client.get("/admin/")
    assert response.status_code == 200
    labels = _sidebar_labels(response.content.decode())
    for label in expected:
        assert label in labels, (label, labels)
    for label in absent:
        assert label not in labels, (label, labels)
    html = response.content.decode()
    assert SUMMARY[language] in html  # the site summary panel
    assert SUMMARY["en" if language == "id" else "id"] not in html
