import pytest

from forums import demo as forums_demo
from forums.models import Post, Thread
from forums.selectors import forum_needs_attention

pytestmark = pytest.mark.django_db


def test_demo_forums_with_an_escalated_thread_and_idempotent(demo):
    forums_demo.seed(demo)
    threads, posts = Thread.objects.count(), Post.objects.count()
    assert threads >= 6
    escalated = Thread.objects.get(escalated_from__isnull=False)
    assert escalated.forum.area.code == "52.02.01.2013"
    assert escalated.escalated_from.forum.area.name == "Jago Timur"
    assert forum_needs_attention(forum=escalated.forum)["threads"] == [escalated]
    assert Thread.objects.filter(forum__area__code="52.02.01").exists()
    assert Thread.objects.filter(kind="announcement").exists()
    forums_demo.seed(demo)
    assert (Thread.objects.count(), Post.objects.count()) == (threads, posts)
