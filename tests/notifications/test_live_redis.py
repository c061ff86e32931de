"""Across processes and when Redis fails.

- Two real uvicorn processes share Redis and the PostgreSQL test database: an action handled by process A
  (a forum post that @mentions someone, then that person reading it) reaches a socket held by process B.
- The channel layer pointing at a dead Redis: the action succeeds, the notification is stored, a warning is
  logged, nothing is raised."""

import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from portal.notifications import live
from portal.notifications.models import Notification
from tests.asgi_server import free_port

JAGO = "52.02.01.2013"


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited: {proc.stdout.read() if proc.stdout else ''}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"uvicorn on port {port} did not start")


@contextlib.contextmanager
def uvicorn_process(env: dict):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "portal.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws",
            "websockets",
            "--lifespan",
            "off",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_port(port, proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _test_database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_action_on_process_a_reaches_a_socket_on_process_b(areas, demo, token_for):
    from websockets.sync.client import connect

    kader, fasilitator = demo["users"]["kader_jago"], demo["users"]["fasilitator_jago"]
    kader_auth, fasilitator_auth = token_for(kader), token_for(fasilitator)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _test_database_url(),  # the database pytest-django created, not the developer's
        "REDIS_URL": settings.REDIS_URL,
        "PELITA_CHANNEL_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
    }
    with (
        uvicorn_process(env) as port_a,
        uvicorn_process(env) as port_b,
        connect(
            f"ws://127.0.0.1:{port_b}/ws/notifications/",
            additional_headers={"Authorization": fasilitator_auth},
            origin=f"http://127.0.0.1:{port_b}",
            open_timeout=10,
        ) as ws,
    ):
        assert json.loads(ws.recv(timeout=10)) == {"type": "unread_count", "unread_count": 0}
        with httpx.Client(base_url=f"http://127.0.0.1:{port_a}", timeout=20) as http:
            thread = http.post(
                f"/api/v1/forums/{JAGO}/threads",
                headers={"Authorization": kader_auth},
                json={
                    "title": "Akta kelahiran untuk anak di Dusun",
                    "body": "Mohon bantuan.",
                    "kind": "discussion",
                },
            )
            assert thread.status_code == 201, thread.text
            post = http.post(
                f"/api/v1/threads/{thread.json()['id']}/posts",
                headers={"Authorization": kader_auth},
                json={"body": "@fasilitator_jago mohon dibantu naik ke desa"},
            )
            assert post.status_code == 201, post.text
            message = json.loads(ws.recv(timeout=10))
            stored = Notification.objects.get(recipient=fasilitator, kind="forum.mention")
            assert message["type"] == "notification" and message["id"] == stored.pk
            assert message["kind"] == "forum.mention" and message["unread_count"] == 1
            assert "Akta kelahiran untuk anak di Dusun" in message["text"]
            # Read on process A: process B's socket hears the new count.
            read = http.post(
                f"/api/v1/notifications/{stored.pk}/read", headers={"Authorization": fasilitator_auth}
            )
            assert read.json() == {"unread_count": 0}
            assert json.loads(ws.recv(timeout=10)) == {"type": "unread_count", "unread_count": 0}


def test_redis_down_the_action_succeeds_and_the_notification_is_stored(
    demo, token_for, settings, caplog, django_capture_on_commit_callbacks
):
    from channels.layers import channel_layers

    kader, fasilitator = demo["users"]["kader_jago"], demo["users"]["fasilitator_jago"]
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},  # nothing listens there
        }
    }
    channel_layers.backends.clear()
    client = Client()
    try:
        with caplog.at_level(logging.WARNING, logger="pelita.notifications"):
            with django_capture_on_commit_callbacks(execute=True):
                thread = client.post(
                    f"/api/v1/forums/{JAGO}/threads",
                    {"title": "Rapat posyandu", "body": "Jadwal rapat.", "kind": "discussion"},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=token_for(kader),
                )
                assert thread.status_code == 201, thread.content
            with django_capture_on_commit_callbacks(execute=True):
                post = client.post(
                    f"/api/v1/threads/{thread.json()['id']}/posts",
                    {"body": "@fasilitator_jago tolong dicek"},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=token_for(kader),
                )
            assert post.status_code == 201, post.content
            with django_capture_on_commit_callbacks(execute=True):
                read_all = client.post(
                    "/api/v1/notifications/read-all", HTTP_AUTHORIZATION=token_for(fasilitator)
                )
            assert read_all.status_code == 200
            assert live.flush(timeout=10)  # the pushes go out in the background: wait for their failure
    finally:
        channel_layers.backends.clear()
    stored = Notification.objects.get(recipient=fasilitator, kind="forum.mention")
    assert stored.read_at is not None  # stored, then read: both actions went through
    assert "Could not push" in caplog.text
    assert any(r.levelno == logging.WARNING for r in caplog.records)
