"""The WebSocket consumer at /ws/notifications/ through the real ASGI application (origin check, session and
token auth) and the real channel layer (in memory, or Redis when REDIS_URL is set)."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from portal.notifications.models import Notification
from portal.notifications.services import notification_mark_read, notify
from tests.notifications.conftest import ORIGIN, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

PARAMS = {"actor": "Ani", "thread": "Akta kelahiran di Dusun Jago"}


async def open_socket(*headers):
    from portal.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=[ORIGIN, *headers])
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def open_ready(*headers):
    """A connected socket past its greeting (the unread count)."""
    communicator, connected, code = await open_socket(*headers)
    assert connected, code
    greeting = await communicator.receive_json_from(timeout=5)
    assert greeting["type"] == "unread_count"
    return communicator


def bearer(token_for, user):
    return (b"authorization", token_for(user).encode())


def run(coro_fn):
    async_to_sync(coro_fn)()


def test_session_cookie_authenticates_and_a_new_notification_arrives(people):
    ani, ben = people["ani"], people["ben"]

    cookie = session_cookie(ani)

    async def scenario():
        ws = await open_ready(cookie)
        await database_sync_to_async(notify)(
            recipients=[ani], kind="forum.reply", params=PARAMS, url="/forums/threads/1/", actor=ben
        )
        message = await ws.receive_json_from(timeout=5)
        stored = await database_sync_to_async(Notification.objects.get)(recipient=ani)
        assert message == {
            "type": "notification",
            "id": stored.pk,
            "kind": "forum.reply",
            "text": "Ani membalas di “Akta kelahiran di Dusun Jago”",
            "url": "/forums/threads/1/",
            "created_at": timezone.localtime(stored.created_at).isoformat(),
            "unread_count": 1,
        }
        assert message["created_at"].endswith("+08:00")
        await ws.disconnect()

    run(scenario)


def test_bearer_token_authenticates(people, token_for):
    ben = people["ben"]

    auth = bearer(token_for, ben)

    async def scenario():
        ws = await open_ready(auth)
        await database_sync_to_async(notify)(recipients=[ben], kind="forum.mention", params=PARAMS)
        message = await ws.receive_json_from(timeout=5)
        assert message["type"] == "notification"
        assert message["text"] == "Ani mentioned you in “Akta kelahiran di Dusun Jago”"  # Ben reads English
        await ws.disconnect()

    run(scenario)


def test_anonymous_bad_token_and_foreign_origin_are_refused(people, token_for):
    from portal.asgi import application

    auth = bearer(token_for, people["ani"])

    async def scenario():
        # Accepted, then closed with 4401 (API.md, additions of 2026-11-29), so a browser sees the code.
        for headers in [
            (),
            ((b"authorization", b"Bearer not-a-token"),),
            ((b"cookie", b"sessionid=forged"),),
        ]:
            ws, connected, _code = await open_socket(*headers)
            assert connected is True
            assert await ws.receive_output(timeout=3) == {"type": "websocket.close", "code": 4401}
        foreign = WebsocketCommunicator(
            application,
            "/ws/notifications/",
            headers=[(b"origin", b"http://evil.example"), auth],
        )
        connected, _code = await foreign.connect(timeout=5)
        assert connected is False

    run(scenario)


def test_nobody_receives_another_persons_notification(people):
    ani, ben, citra = people["ani"], people["ben"], people["citra"]

    cookie_ani, cookie_ben = session_cookie(ani), session_cookie(ben)

    async def scenario():
        ws_ani = await open_ready(cookie_ani)
        ws_ben = await open_ready(cookie_ben)
        await database_sync_to_async(notify)(recipients=[ani], kind="forum.reply", params=PARAMS, actor=citra)
        got = await ws_ani.receive_json_from(timeout=5)
        assert got["type"] == "notification"
        # Ben's socket stays silent: nothing of Ani's reaches him (a marker sent to Ben arrives first).
        await database_sync_to_async(notify)(
            recipients=[ben], kind="story.approved", params={"title": "Marker"}
        )
        ben_first = await ws_ben.receive_json_from(timeout=5)
        assert ben_first["kind"] == "story.approved" and ben_first["unread_count"] == 1
        assert await ws_ben.receive_nothing(timeout=0.2)
        assert await ws_ani.receive_nothing(timeout=0.2)
        await ws_ani.disconnect()
        await ws_ben.disconnect()

    run(scenario)


def test_five_tabs_all_receive_and_reading_elsewhere_updates_the_count(people):
    ani, ben = people["ani"], people["ben"]

    cookies = [session_cookie(ani) for _ in range(5)]

    async def scenario():
        tabs = [await open_ready(cookie) for cookie in cookies]
        made = await database_sync_to_async(notify)(
            recipients=[ani], kind="forum.reply", params=PARAMS, actor=ben
        )
        for tab in tabs:
            message = await tab.receive_json_from(timeout=5)
            assert (message["id"], message["unread_count"]) == (made[0].pk, 1)
        # Read on another device (the API or the page): every tab hears the new count.
        await database_sync_to_async(notification_mark_read)(user=ani, notification_id=made[0].pk)
        for tab in tabs:
            assert await tab.receive_json_from(timeout=5) == {"type": "unread_count", "unread_count": 0}
        for tab in tabs:
            await tab.disconnect()

    run(scenario)


def test_socket_closes_after_logout_elsewhere(people, settings):
    settings.PELITA_WS_RECHECK_SECONDS = 0.1
    ani = people["ani"]
    cookie = session_cookie(ani)

    async def scenario():
        ws = await open_ready(cookie)
        assert await ws.receive_nothing(timeout=0.3)  # still valid after a few re-checks
        await database_sync_to_async(_logout_everywhere)(ani)
        closed = await ws.receive_output(timeout=3)
        assert closed == {"type": "websocket.close", "code": 4401}

    run(scenario)


def _logout_everywhere(user):
    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def test_socket_closes_when_the_person_is_deactivated(people, settings, token_for):
    settings.PELITA_WS_RECHECK_SECONDS = 0.1
    ben = people["ben"]

    auth, cookie = bearer(token_for, ben), session_cookie(ben)

    async def scenario():
        ws_token = await open_ready(auth)
        ws_cookie = await open_ready(cookie)
        await database_sync_to_async(type(ben).objects.filter(pk=ben.pk).update)(is_active=False)
        for ws in (ws_token, ws_cookie):
            assert await ws.receive_output(timeout=3) == {"type": "websocket.close", "code": 4401}

    run(scenario)


def test_changed_password_closes_the_sockets_of_other_sessions(people, settings):
    settings.PELITA_WS_RECHECK_SECONDS = 0.1
    citra = people["citra"]
    cookie = session_cookie(citra)

    async def scenario():
        ws = await open_ready(cookie)

        def change_password():
            citra.set_password("another-Passw0rd-123")
            citra.save()

        await database_sync_to_async(change_password)()
        assert await ws.receive_output(timeout=3) == {"type": "websocket.close", "code": 4401}

    run(scenario)


def test_greeting_carries_the_unread_count(people):
    ani = people["ani"]
    notify(recipients=[ani], kind="story.review", params={"title": "Posyandu"})
    notify(recipients=[ani], kind="story.review", params={"title": "Kelas parenting"})

    cookie = session_cookie(ani)

    async def scenario():
        ws, connected, _ = await open_socket(cookie)
        assert connected
        assert await ws.receive_json_from(timeout=5) == {"type": "unread_count", "unread_count": 2}
        await asyncio.sleep(0)
        await ws.disconnect()

    run(scenario)


def test_push_works_when_notify_is_called_from_a_thread_running_an_event_loop(people, monkeypatch):
    """Sync code called from async code (e.g. with Playwright's loop running in a test): the push still goes out."""
    ani = people["ani"]
    cookie = session_cookie(ani)

    async def scenario():
        ws = await open_ready(cookie)
        notify(recipients=[ani], kind="story.approved", params={"title": "Dari loop"})  # no sync_to_async
        message = await ws.receive_json_from(timeout=5)
        assert message["type"] == "notification" and message["text"] == "“Dari loop” disetujui"
        await ws.disconnect()

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    run(scenario)


def test_a_pushed_message_is_sent_without_a_hop_to_a_thread(monkeypatch):
    """A `notify` message is sent from the event loop: its handler touches no database, so the consumer does
    not first hop to a thread to close old database connections (channels does that before every handler;
    at 1,000 sockets it was the largest part of each worker's time per message). Every other message keeps it."""
    from channels import consumer as channels_consumer

    from portal.notifications.consumers import NotificationConsumer

    hops, sent = [], []

    async def hop():
        hops.append(1)

    monkeypatch.setattr(channels_consumer, "aclose_old_connections", hop)
    socket = NotificationConsumer()

    async def send(message):
        sent.append(message)

    socket.base_send = send
    payload = {"type": "unread_count", "unread_count": 3}
    async_to_sync(socket.dispatch)({"type": "notify", "payload": payload})
    assert sent == [{"type": "websocket.send", "text": '{"type": "unread_count", "unread_count": 3}'}]
    assert hops == []
    async_to_sync(socket.dispatch)({"type": "websocket.receive", "text": "{}"})
    assert hops == [1]
