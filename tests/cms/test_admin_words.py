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


NAMES = {"id": ("Tinjauan cerita", "Persetujuan moderator"), "en": ("Story review", "Moderator approval")}


@pytest.mark.parametrize(
    ("action", "recipient", "language"),
    [
        ("submit", "moderator", "id"),
        ("submit", "moderator", "en"),
        ("reject", "editor", "id"),
        ("reject", "editor", "en"),
        ("approve", "editor", "id"),
    ],
)
def test_the_workflow_and_task_names_pelita_made_are_in_the_recipients_language(
    draft_story, editorial, action, recipient, language
):
    """Wagtail prints the workflow's and the task's names as stored: Pelita's own ("Story review", "Moderator
    approval", cms.services) come in the recipient's language like the rest of the e-mail."""
    other = "en" if language == "id" else "id"
    people = {"editor": editorial["editor"], "moderator": editorial["moderator"]}
    for name, user in people.items():
        user.email = f"{user.username}@example.org"
        user.save()
        user_set_language(user=user, language=language if name == recipient else other)
    mail.outbox.clear()
    with translation.override(other):
        state = StoryPage.objects.get(pk=draft_story.pk).get_workflow().start(draft_story, people["editor"])
        if action != "submit":
            mail.outbox.clear()
            task_state = state.current_task_state
            task_state.task.specific.on_action(task_state.specific, people["moderator"], action)
    received = [m for m in mail.outbox if people[recipient].email in m.to]
    assert received, [(m.to, m.subject) for m in mail.outbox]
    text = " ".join(m.subject + "\n" + m.body for m in received)
    assert any(name in text for name in NAMES[language]), text[:600]
    for name in NAMES[other]:
        assert name not in text, (name, text[:600])


def test_the_overridden_notification_templates_are_wagtails_own_plus_the_names_filter():
    """cms/templates/wagtailadmin/notifications/ copies Wagtail's e-mail templates that print a workflow's or
    a task's name, adding only `|admin_name` (and its load): a Wagtail upgrade that changes them fails here."""
    from pathlib import Path

    import wagtail.admin

    ours = Path(__file__).resolve().parents[2] / "cms" / "templates" / "wagtailadmin" / "notifications"
    theirs = Path(wagtail.admin.__file__).parent / "templates" / "wagtailadmin" / "notifications"
    copies = sorted(ours.glob("*.txt"))
    assert len(copies) == 12
    for copy in copies:
        expected = (
            (theirs / copy.name)
            .read_text()
            .replace(
                "{% load wagtailadmin_tags i18n %}", "{% load wagtailadmin_tags i18n pelita_admin_names %}"
            )
            .replace("task.name|safe", "task.name|admin_name|safe")
            .replace("workflow.name|safe", "workflow.name|admin_name|safe")
        )
        assert copy.read_text() == expected, copy.name
    # Every template of Wagtail's that prints those names is covered.
    printing = {
        p.name
        for p in theirs.glob("*.txt")
        if "task.name" in p.read_text() or "workflow.name" in p.read_text()
    }
    assert printing == {c.name for c in copies}
