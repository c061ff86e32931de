"""The review workflow: editors submit, moderators approve (the page goes live) or reject (back to the editor),
each step notifies through the notification service; scheduled publishing."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Revision

from cms.models import StoryPage
from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db


def submit(story, user):
    workflow = story.get_workflow()
    assert workflow is not None and workflow.name == "Story review"
    return workflow.start(story, user)


def act(story, user, action):
    story = StoryPage.objects.get(pk=story.pk)
    task_state = story.current_workflow_task_state
    task_state.task.specific.on_action(task_state, user, action)


def test_editors_cannot_publish_moderators_can(draft_story, editorial):
    assert draft_story.permissions_for_user(editorial["editor"]).can_edit()
    assert not draft_story.permissions_for_user(editorial["editor"]).can_publish()
    assert draft_story.permissions_for_user(editorial["moderator"]).can_publish()
    assert editorial["editor"].has_perm("wagtailadmin.access_admin")
    assert editorial["editor"].has_perm("simple_translation.submit_translation")


def test_submit_then_approve_publishes_and_notifies(draft_story, editorial):
    editor, moderator = editorial["editor"], editorial["moderator"]
    submit(draft_story, editor)
    review = Notification.objects.get(kind="story.review")
    assert review.recipient == moderator
    assert review.params == {"title": "Posyandu remaja di Desa Jago"}
    assert review.url == f"/admin/pages/{draft_story.pk}/edit/"
    assert "Posyandu remaja di Desa Jago" in review.text
    assert not StoryPage.objects.get(pk=draft_story.pk).live

    act(draft_story, moderator, "approve")
    story = StoryPage.objects.get(pk=draft_story.pk)
    assert story.live
    approved = Notification.objects.get(kind="story.approved")
    assert approved.recipient == editor
    assert approved.url == story.url == "/cerita/posyandu-remaja/"
    assert not Notification.objects.filter(kind="story.rejected").exists()


def test_reject_sends_back_to_the_editor_as_a_draft(draft_story, editorial):
    editor, moderator = editorial["editor"], editorial["moderator"]
    workflow_state = submit(draft_story, editor)
    act(draft_story, moderator, "reject")
    workflow_state.refresh_from_db()
    assert workflow_state.status == workflow_state.STATUS_NEEDS_CHANGES
    story = StoryPage.objects.get(pk=draft_story.pk)
    assert not story.live
    rejected = Notification.objects.get(kind="story.rejected")
    assert rejected.recipient == editor
    assert rejected.url == f"/admin/pages/{draft_story.pk}/edit/"
    # The editor revises and submits again: the moderators hear about it once more.
    story.summary = "Ringkasan yang diperbaiki."
    story.save_revision(user=editor)
    workflow_state.resume(user=editor)
    assert Notification.objects.filter(kind="story.review", recipient=moderator).count() == 2


def test_translation_goes_through_the_same_workflow(draft_story, editorial):
    from cms.services import page_translate

    english = page_translate(
        page=draft_story,
        language="en",
        user=editorial["editor"],
        title="Youth health post",
        slug="youth-post",
    )
    assert english.get_workflow().name == "Story review"
    submit(english, editorial["editor"])
    act(english, editorial["moderator"], "approve")
    english = StoryPage.objects.get(pk=english.pk)
    assert english.live
    assert english.url == "/en/stories/youth-post/"
    assert english.translation_key == draft_story.translation_key


def test_scheduled_publishing(draft_story, editorial):
    moderator = editorial["moderator"]
    story = StoryPage.objects.get(pk=draft_story.pk)
    story.go_live_at = timezone.now() + datetime.timedelta(days=1)
    revision = story.save_revision(user=moderator)
    revision.publish(user=moderator)
    story.refresh_from_db()
    assert not story.live
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    call_command("publish_scheduled")
    assert not StoryPage.objects.get(pk=story.pk).live
    # A day later the command (run by cron) publishes it: move the schedule into the past.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision = Revision.objects.get(pk=revision.pk)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")
    assert StoryPage.objects.get(pk=story.pk).live
