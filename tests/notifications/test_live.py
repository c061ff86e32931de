"""The live push off the request's path (portal.notifications.live; issue 17, "live delivery").

Against real parts: the real ASGI server (uvicorn, tests/asgi_server.py) with the configured channel layer (in
memory on the embedded default, Redis pub/sub when REDIS_URL is set), real sockets, and a Redis that accepts
connections but never answers (a hung server, not a stub)."""

import asyncio
import contextlib
import json
import logging
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from channels.layers import channel_layers
from django.conf import settings
from django.db import transaction

from portal.notifications import live
from portal.notifications.models import Notification
from portal.notifications.services import notifications_mark_all_read, notify
from tests.asgi_server import serve
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PARAMS = {"title": "Cerita posyandu"}
JAGO = "52.02.01.2013"


def socket_to(base: str, auth: str):
    from websockets.sync.client import connect

    ws = connect(
        base.replace("http://", "ws://") + "/ws/notifications/",
        additional_headers={"Authorization": auth},
        origin=base,
        open_timeout=10,
    )
    greeting = json.loads(ws.recv(timeout=10))
    assert greeting["type"] == "unread_count"
    return ws


@contextlib.contextmanager
def hung_redis():
    """A TCP server that accepts connections and never answers: Redis wedged, not down."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


def test_the_action_does_not_wait_for_a_hung_channel_layer(db, settings, caplog):
    """Before: the commit of an action that notifies waited for the layer (up to 2 s). Now it only queues."""
    people = [make_user(f"hung_{i}") for i in range(200)]
    with hung_redis() as port:
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [f"redis://127.0.0.1:{port}/0"]},
            }
        }
        # Before, the commit waited this long (the layer never answers); now only the sender does.
        settings.PELITA_NOTIFY_PUSH_TIMEOUT = 3
        channel_layers.backends.clear()
        try:
            with caplog.at_level(logging.WARNING, logger="pelita.notifications"):
                with transaction.atomic():
                    made = notify(recipients=people, kind="story.approved", params=PARAMS)
                    started = time.monotonic()
                took = time.monotonic() - started  # the commit and its on_commit callbacks
                assert live.flush(timeout=30)
        finally:
            channel_layers.backends.clear()
    assert len(made) == 200 and Notification.objects.count() == 200  # stored whatever the layer does
    assert took < 1.0, f"the commit waited {took:.2f} s for the channel layer"
    assert "Could not push" in caplog.text


def test_embedded_default_a_real_server_delivers_in_order_to_each_person(demo, token_for):
    """The real ASGI server: a post that @mentions two people, made over HTTP, and notifications made outside
    any request (this test's thread, as a task or command does) all reach the sockets; each person hears their
    notifications in the order they were made, then the unread count of "read all"."""
    kader, fasilitator = demo["users"]["kader_jago"], demo["users"]["fasilitator_jago"]
    kepala = demo["users"]["pendamping_jago"]
    with serve() as base:
        sockets = {u.pk: socket_to(base, token_for(u)) for u in (fasilitator, kepala)}
        try:
            with httpx.Client(base_url=base, timeout=20) as http:
                auth = token_for(kader)
                thread = http.post(
                    f"/api/v1/forums/{JAGO}/threads",
                    headers={"Authorization": auth},
                    json={"title": "Akta kelahiran", "body": "Mohon bantuan.", "kind": "discussion"},
                )
                assert thread.status_code == 201, thread.text
                post = http.post(
                    f"/api/v1/threads/{thread.json()['id']}/posts",
                    headers={"Authorization": auth},
                    json={"body": "@fasilitator_jago mohon dibantu"},
                )
                assert post.status_code == 201, post.text
            first = json.loads(sockets[fasilitator.pk].recv(timeout=10))
            assert first["type"] == "notification" and first["kind"] == "forum.mention"
            assert first["unread_count"] == 1
            # Outside any request: 20 notifications in 20 transactions, then "read all".
            made = []
            for i in range(20):
                with transaction.atomic():
                    made += notify(
                        recipients=[fasilitator, kepala], kind="story.approved", params={"title": f"S{i}"}
                    )
            notifications_mark_all_read(user=fasilitator)
            assert live.flush(timeout=10)
            for user in (fasilitator, kepala):
                expected = [n.pk for n in made if n.recipient_id == user.pk]
                got = [json.loads(sockets[user.pk].recv(timeout=10)) for _ in expected]
                assert [m["id"] for m in got] == expected
                start = 1 if user.pk == fasilitator.pk else 0
                assert [m["unread_count"] for m in got] == list(range(start + 1, start + 21))
            assert json.loads(sockets[fasilitator.pk].recv(timeout=10)) == {
                "type": "unread_count",
                "unread_count": 0,
            }
        finally:
            for ws in sockets.values():
                ws.close()


def test_one_notification_to_many_people_reaches_every_socket(demo, token_for):
    """One notify() to 60 people with a socket each, over the real server: every socket hears it once."""
    people = [make_user(f"many_{i}") for i in range(60)]
    tokens = [token_for(u) for u in people]
    with serve() as base:
        sockets = [socket_to(base, t) for t in tokens]
        try:
            with transaction.atomic():
                made = notify(recipients=people, kind="story.approved", params=PARAMS)
            assert live.flush(timeout=10)
            by_person = {n.recipient_id: n.pk for n in made}
            for user, ws in zip(people, sockets, strict=True):
                message = json.loads(ws.recv(timeout=10))
                assert (message["id"], message["unread_count"]) == (by_person[user.pk], 1)
        finally:
            for ws in sockets:
                ws.close()


def _child_sends(conn) -> None:
    try:
        inherited = live._thread_sender is not None
        live.send([("user.0", {"type": "notify", "payload": {"type": "unread_count", "unread_count": 0}})])
        conn.send((inherited, live.flush(timeout=10), live._thread_pid == os.getpid()))
    except Exception as exc:  # reported to the parent, which fails the test
        conn.send(repr(exc))
    finally:
        conn.close()


def test_a_forked_worker_starts_its_own_sender(db):
    """gunicorn/uvicorn workers forked after the parent sent: the child does not inherit the parent's sender
    (its thread does not exist in the child) and starts its own on its first send."""
    live.send([("user.0", {"type": "notify", "payload": {"type": "unread_count", "unread_count": 0}})])
    assert live.flush(timeout=10)
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    proc = context.Process(target=_child_sends, args=(child,))
    proc.start()
    assert parent.poll(20), "the child did not answer"
    assert parent.recv() == (False, True, True)
    proc.join(10)


@pytest.mark.redis
def test_what_is_queued_at_exit_is_still_sent(db):
    """A process that queues a push and exits at once (a management command, a worker shutting down): the
    exit flush hands it to Redis before the process ends."""
    from channels.layers import get_channel_layer

    async def listen():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add("user.exit-test", channel)
        script = (
            "import django; django.setup()\n"
            "from portal.notifications import live\n"
            "live.send([('user.exit-test', {'type': 'notify', 'payload': {'type': 'unread_count', "
            "'unread_count': 7}})])\n"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "REDIS_URL": settings.REDIS_URL,
            "PELITA_CHANNEL_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, env=env, cwd=settings.BASE_DIR
        )
        message = await asyncio.wait_for(layer.receive(channel), 30)
        assert await proc.wait() == 0
        await layer.group_discard("user.exit-test", channel)
        return message

    message = asyncio.run(listen())
    assert message["payload"] == {"type": "unread_count", "unread_count": 7}


def test_subprocess_module_is_importable_without_side_effects():
    """Importing live starts nothing (a thread appears on the first send only)."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, threading; django.setup(); import portal.notifications.live as l; "
            "print(l._thread_sender is None, [t.name for t in threading.enumerate()].count('pelita-live-push'))",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["True", "0"], out.stderr
