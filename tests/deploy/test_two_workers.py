"""Two separate uvicorn processes behind one PostgreSQL database and one Redis, as several hosts behind a load
balancer run it (docs/DEPLOY.md): a person logs in on worker A, the same session cookie works on worker B,
a reply posted on A reads on B, and a second person's WebSocket on B receives the notification of it."""

import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import websockets
from django.conf import settings
from django.db import connection

from tests.asgi_server import free_port
from tests.factories import TEST_PASSWORD

ROOT = Path(settings.BASE_DIR)
pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def database_url() -> str:
    """The pytest-django test database, so the workers see what the test commits."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextlib.contextmanager
def workers(n: int):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.deploy.settings",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        PELITA_DB_POOL_SIZE="4",
        PYTHONDONTWRITEBYTECODE="1",
    )
    procs, bases = [], []
    try:
        for _ in range(n):
            port = free_port()
            cmd = [sys.executable, "-m", "uvicorn", "portal.asgi:application", "--host", "127.0.0.1",
                   "--port", str(port), "--ws", "websockets", "--lifespan", "off", "--log-level", "warning"]  # fmt: skip
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env))
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        for proc, base in zip(procs, bases, strict=True):
            while True:
                assert proc.poll() is None, f"the worker at {base} exited with {proc.returncode}"
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                assert time.monotonic() < deadline, f"the worker at {base} did not start"
                time.sleep(0.2)
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def login(client: httpx.Client, base: str, username: str) -> None:
    page = client.get(base + "/accounts/login/")
    response = client.post(
        base + "/accounts/login/",
        data={"username": username, "password": TEST_PASSWORD, "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": base + "/accounts/login/"},
    )
    assert response.status_code == 302, response.text[:500]


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_sessions_data_and_notifications(demo):
    from forums.models import Forum, Post
    from forums.services import thread_create

    kader, pendamping = demo["users"]["kader_jago"], demo["users"]["pendamping_jago"]
    forum = Forum.objects.get(area__code="52.02.01.2013")
    # The second person opened the thread, so they watch it and hear about replies.
    thread = thread_create(
        forum=forum, author=pendamping, title="Akta kelahiran untuk anak PMI", body="Siapa bisa bantu?"
    )

    with workers(2) as (a, b):
        kader_http = httpx.Client(timeout=20)
        login(kader_http, a, "kader_jago")
        # The session made on A works on B: sessions live in the shared database.
        mine = kader_http.get(b + "/forums/")
        assert mine.status_code == 200
        assert f'data-user="{kader.pk}"' in mine.text
        assert "Jago" in mine.text

        other_http = httpx.Client(timeout=20)
        login(other_http, b, "pendamping_jago")
        session = other_http.cookies["sessionid"]
        body = "Berkasnya sudah saya antar ke Dukcapil pagi ini."

        async def scenario():
            async with websockets.connect(
                b.replace("http", "ws") + "/ws/notifications/",
                additional_headers={"Cookie": f"sessionid={session}", "Origin": b},
                open_timeout=20,
            ) as ws:
                first = json.loads(await asyncio.wait_for(ws.recv(), 20))
                assert first["type"] == "unread_count"

                def reply_on_a():
                    page = kader_http.get(f"{a}/forums/t/{thread.pk}/reply/")
                    assert page.status_code == 200
                    return kader_http.post(
                        f"{a}/forums/t/{thread.pk}/reply/",
                        data={
                            "body": body,
                            "token": "deploy-test-1",
                            "csrfmiddlewaretoken": csrf_token(page.text),
                        },
                        headers={"Referer": f"{a}/forums/t/{thread.pk}/"},
                    )

                posted = await asyncio.to_thread(reply_on_a)
                assert posted.status_code == 302, posted.text[:500]
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 20))
                    if message["type"] == "notification":
                        return message

        notification = asyncio.run(scenario())
        assert notification["kind"] == "forum.reply"
        assert notification["url"].startswith(f"/forums/t/{thread.pk}/")
        assert kader.shown_name in notification["text"]

        # Worker B reads what worker A wrote.
        page = kader_http.get(f"{b}/forums/t/{thread.pk}/")
        assert page.status_code == 200
        assert "Berkasnya sudah saya antar ke Dukcapil" in page.text
        assert Post.objects.filter(thread=thread, author=kader, body=body).count() == 1
