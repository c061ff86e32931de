"""A notification whose target the person can no longer see is hidden (issue 18.4): list, unread count, bell,
API, digest and e-mails not yet sent, through one registry (portal.notifications.targets) that each product
fills (forums: threads and posts; referrals: referrals and cases). Queries stay constant."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forums.models import Thread
from forums.services import forum_ensure, thread_create, thread_url
from portal.notifications.emails import send_digests
from portal.notifications.models import Delivery, Notification
from portal.notifications.selectors import bell_state, forget_bell, notifications_for, unread_count
from portal.notifications.services import notify
from portal.notifications.targets import registered_targets, target_of
from tests.factories import TEST_PASSWORD

JAGO = "52.02.01.2013"
SUKARAJA = "52.02.06.2001"


@pytest.fixture
def threads(demo):
    users = demo["users"]
    forum = forum_ensure(area=demo["areas"][JAGO])
    made = [
        thread_create(forum=forum, author=users["pendamping_jago"], title=f"Topik rahasia {i}", body="Isi")
        for i in range(3)
    ]
    kader = users["kader_jago"]
    for thread in made:
        notify(
            recipients=[kader],
            kind="forum.mention",
            params={"actor": "Siti", "thread": thread.title, "forum": str(forum.name)},
            url=thread_url(thread, 1),
        )
    return {**demo, "threads": made, "kader": kader, "other": forum_ensure(area=demo["areas"][SUKARAJA])}


def test_every_registered_target_names_a_page():
    from django.urls import NoReverseMatch, reverse

    assert {t.target for t in registered_targets()} >= {
        "forums.thread",
        "referrals.referral",
        "referrals.case",
    }
    for target in registered_targets():
        try:
            value = "1" if target.kwarg == "pk" else "APM-5202-00001"
            try:
                reverse(target.url_name, kwargs={target.kwarg: value})
            except NoReverseMatch:
                reverse(target.url_name, kwargs={target.kwarg: value, "number": 1})
        except NoReverseMatch:
            pytest.fail(f"{target.url_name} is not a URL with a {target.kwarg} parameter")


def test_notify_stores_the_target(threads):
    n = Notification.objects.filter(recipient=threads["kader"]).first()
    assert (n.target_type, n.target_id) in {("forums.thread", str(t.pk)) for t in threads["threads"]}
    assert target_of("/cases/APM-5202-00001/") == ("referrals.case", "APM-5202-00001")
    assert target_of("/nowhere/") == ("", "")


def test_a_thread_moved_out_of_reach_hides_its_notifications_everywhere(threads):
    kader = threads["kader"]
    assert unread_count(user=kader) == 3
    moved = threads["threads"][0]
    Thread.objects.filter(pk=moved.pk).update(forum=threads["other"])  # moved to a forum kader cannot read
    forget_bell([kader.pk])
    assert unread_count(user=kader) == 2
    assert bell_state(user=kader)["unread"] == 2
    assert moved.title not in {n.params["thread"] for n in notifications_for(user=kader)}
    client = Client()
    assert client.login(username="kader_jago", password=TEST_PASSWORD)
    api = client.get("/api/v1/notifications").json()
    assert api["count"] == 2 and all(moved.title not in n["text"] for n in api["results"])
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread_count": 2}
    page = client.get("/notifications/").content.decode()
    assert moved.title not in page and threads["threads"][1].title in page
    # The digest leaves it out too.
    kader.email = "kader@example.org"
    kader.save()
    Notification.objects.filter(recipient=kader).update(delivery=Delivery.DIGEST)
    mail.outbox.clear()
    send_digests()
    # (E-mail never carries a thread's title — a title may name a child — so the digest is counted instead: the
    # two notifications still in reach, not the one moved out of it.)
    assert len(mail.outbox) == 1 and moved.title not in mail.outbox[0].body
    lines = [line for line in mail.outbox[0].body.splitlines() if line.startswith("- ")]
    assert len(lines) == api["count"] == 2


def test_the_list_is_one_query_whatever_its_length(threads):
    kader = threads["kader"]

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            list(notifications_for(user=kader)[:50])
            unread_count(user=kader)
        return len(ctx.captured_queries)

    queries()  # warm (the first call of a test may load what later ones find cached)
    few = queries()
    forum = threads["threads"][0].forum
    for i in range(10):
        t = thread_create(
            forum=forum, author=threads["users"]["pendamping_jago"], title=f"Lagi {i}", body="Isi"
        )
        notify(
            recipients=[kader],
            kind="forum.mention",
            params={"actor": "Siti", "thread": t.title, "forum": str(forum.name)},
            url=thread_url(t),
        )
    assert queries() == few == 2
