"""Issue 20: what Pelita adds to Wagtail's admin is translated (menu labels of every app's wagtail_hooks.py),
and every workflow e-mail (submitted, approved, rejected) goes out in its recipient's language."""

import json
import re

import pytest
from django.core import mail
from django.utils import translation

from cms.models import StoryPage
from portal.people.services import user_set_language

pytestmark = pytest.mark.django_db

# Words that are the same in both languages.
SAME = {"Pelita", "Forum", "Status", "Dashboard"}


def _menu(node, path=""):
    """{path: label} of every sidebar item, submenus included, from Wagtail's sidebar props (telepath JSON)."""
    found = {}
    if isinstance(node, dict):
        args = node.get("_args")
        if isinstance(args, list) and args and isinstance(args[0], dict) and "label" in args[0]:
            path = f"{path}/{args[0].get('name', '')}"
            found[path] = args[0]["label"]
        for value in node.values():
            found.update(_menu(value, path))
    elif isinstance(node, list):
        for value in node:
            found.update(_menu(value, path))
    return found


def sidebar(client, user, language):
    user_set_language(user=user, language=language)
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    data = json.loads(props.group(1))
    return _menu(data)


def test_every_admin_menu_label_is_translated(client, editorial):
    admin = editorial["moderator"]
    admin.is_superuser = True
    admin.save()
    english = sidebar(client, admin, "en")
    indonesian = sidebar(client, admin, "id")
    assert len(english) > 10 and english.keys() == indonesian.keys()
    untranslated = [
        (name, label) for name, label in english.items() if indonesian[name] == label and label not in SAME
    ]
    assert not untranslated, untranslated


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_the_editor_hears_the_moderators_decision_in_the_editors_language(draft_story, editorial, action):
    editor, moderator = editorial["editor"], editorial["moderator"]
    for user, language in ((editor, "id"), (moderator, "en")):
        user.email = f"{user.username}@example.org"
        user.save()
        user_set_language(user=user, language=language)
    with translation.override("id"):
        workflow_state = StoryPage.objects.get(pk=draft_story.pk).get_workflow().start(draft_story, editor)
    mail.outbox.clear()
    task_state = workflow_state.current_task_state
    with translation.override("en"):  # the moderator works in English
        task_state.task.specific.on_action(task_state.specific, moderator, action)
    to_editor = [m for m in mail.outbox if editor.email in m.to]
    assert to_editor, [(m.to, m.subject) for m in mail.outbox]
    text = " ".join(m.subject + " " + m.body for m in to_editor)
    english = {"approve": "has been approved", "reject": "has been rejected"}[action]
    assert english not in text, text[:400]
    assert {"approve": "disetujui", "reject": "ditolak"}[action] in text, text[:400]
