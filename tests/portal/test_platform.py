import subprocess
import sys

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_ok_on_this_stack():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_healthz_reports_a_broken_channel_layer(settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = Client().get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["channel_layer"].startswith("error")
    assert "127.0.0.1" not in str(body)


@pytest.mark.redis
def test_healthz_uses_redis_when_configured():
    assert "channels_redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"]
    assert Client().get("/healthz").json()["channel_layer"] == "ok"


@pytest.mark.postgres
def test_running_on_postgres():
    from django.db import connection

    assert connection.vendor == "postgresql"


def _run_check(env_extra):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings.production", **env_extra}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_without_secret_key_or_hosts():
    result = _run_check({"ALLOWED_HOSTS": "pelita.example.org"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    result = _run_check({"SECRET_KEY": "x" * 60})
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_production_check_deploy_is_clean():
    result = _run_check(
        {
            "SECRET_KEY": "pVq3-Zr8Lm2xW7nK4tYb9sHc6dJf1gAe5uQo0iRwTyUvXzN-ab",
            "ALLOWED_HOSTS": "pelita.example.org",
            "PELITA_BASE_URL": "https://pelita.example.org",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_check_deploy_warns_about_a_base_url_outside_allowed_hosts():
    result = _run_check(
        {
            "SECRET_KEY": "pVq3-Zr8Lm2xW7nK4tYb9sHc6dJf1gAe5uQo0iRwTyUvXzN-ab",
            "ALLOWED_HOSTS": "pelita.example.org",
        }
    )
    assert "pelita.W001" in result.stdout + result.stderr


async def _connect(headers):
    from portal.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


def test_anonymous_websocket_is_closed_with_4401():
    from asgiref.sync import async_to_sync

    async def scenario():
        communicator, connected, _code = await _connect([(b"origin", b"http://127.0.0.1")])
        # Accepted, then closed with 4401 (API.md, additions of 2026-11-29): a browser sees the code.
        assert connected is True
        return await communicator.receive_output(timeout=3)

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": 4401}


def test_websocket_from_a_foreign_origin_is_refused(demo, token_for):
    from asgiref.sync import async_to_sync

    auth = token_for(demo["users"]["kader_jago"]).encode()
    communicator, connected, code = async_to_sync(_connect)(
        [(b"origin", b"http://evil.example"), (b"authorization", auth)]
    )
    assert connected is False


@pytest.mark.django_db(transaction=True)
def test_websocket_with_bearer_token_is_accepted(areas, demo, token_for):
    from asgiref.sync import async_to_sync

    auth = token_for(demo["users"]["kader_jago"]).encode()

    async def run():
        communicator, connected, _code = await _connect(
            [(b"origin", b"http://127.0.0.1"), (b"authorization", auth)]
        )
        try:
            assert connected is True
            first = await communicator.receive_json_from(timeout=5)
            assert first == {"type": "unread_count", "unread_count": 0}
        finally:
            await communicator.disconnect()

    async_to_sync(run)()


def test_logged_exceptions_keep_their_type_but_not_their_message():
    import logging

    handler = next(h for h in logging.getLogger("django.request").handlers if h.filters)
    child = " ".join(
        ["Lalu", "Bayu", "Saputra"]
    )  # built at run time, as real data is: not in the source line
    try:
        raise ValueError(f"duplicate key value violates unique constraint DETAIL: Key (name)=({child})")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/cases/APM-5202-00001/",),
            sys.exc_info(),
        )
    for f in handler.filters:
        f.filter(record)
    text = handler.format(record)
    assert "Lalu Bayu Saputra" not in text
    assert "ValueError" in text and "test_logged_exceptions_keep_their_type" in text
