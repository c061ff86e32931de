"""Issue 19.5 on the WebSocket, through the real ASGI application and the real channel layer (in memory, or
Redis when REDIS_URL is set): a socket closes at once (4401) when its session logs out, its token is revoked,
the password changes, the account is deactivated or the person logs out everywhere; the periodic re-check is
pushed out of reach (an hour) so only the push can close it. And the Origin check compares scheme, host and
port."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client

from portal.notifications.services import notify
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1")
NEW_PASSWORD = "Lampu-minyak-di-Praya-2026"


@pytest.fixture(autouse=True)
def _slow_recheck(settings):
    settings.PELITA_WS_RECHECK_SECONDS = 3600


def browser(user) -> tuple[Client, tuple[bytes, bytes]]:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client, (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


def bearer(user) -> tuple[str, tuple[bytes, bytes]]:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    key = response.json()["token"]
    return key, (b"authorization", f"Bearer {key}".encode())


async def open_ready(*headers):
    from portal.asgi import application

    ws = WebsocketCommunicator(application, "/ws/notifications/", headers=[ORIGIN, *headers])
    connected, code = await ws.connect(timeout=5)
    assert connected, code
    assert (await ws.receive_json_from(timeout=5))["type"] == "unread_count"
    return ws


async def closed_4401(ws) -> bool:
    message = await ws.receive_output(timeout=5)
    return message == {"type": "websocket.close", "code": 4401}


async def still_open(ws, user) -> bool:
    """A notification sent now reaches the socket (so it was not closed)."""
    await database_sync_to_async(notify)(recipients=[user], kind="story.approved", params={"title": "Marker"})
    message = await ws.receive_json_from(timeout=5)
    return message["type"] == "notification"


def run(coro_fn):
    async_to_sync(coro_fn)()


def test_logout_closes_that_sessions_socket_at_once_and_no_other():
    ani = make_user("ani")
    laptop, laptop_cookie = browser(ani)
    _phone, phone_cookie = browser(ani)

    async def scenario():
        ws_laptop = await open_ready(laptop_cookie)
        ws_phone = await open_ready(phone_cookie)
        await sync_to_async(laptop.post)("/accounts/logout/")
        assert await closed_4401(ws_laptop)
        assert await still_open(ws_phone, ani)
        await ws_phone.disconnect()

    run(scenario)


def test_revoking_a_token_closes_its_socket_at_once():
    ben = make_user("ben")
    key, auth = bearer(ben)
    _other_key, other_auth = bearer(ben)

    async def scenario():
        ws = await open_ready(auth)
        ws_other = await open_ready(other_auth)
        answer = await sync_to_async(Client().delete)(
            "/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {key}"
        )
        assert answer.status_code == 204
        assert await closed_4401(ws)
        assert await still_open(ws_other, ben)
        await ws_other.disconnect()

    run(scenario)


def _change_password(user, client):
    response = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302


def _deactivate(user, client):
    person = get_user_model().objects.get(pk=user.pk)
    person.is_active = False
    person.save()


def _log_out_everywhere(user, client):
    assert client.post("/accounts/logout/everywhere/").status_code == 302


@pytest.mark.parametrize(
    "ending", [_change_password, _deactivate, _log_out_everywhere], ids=lambda f: f.__name__.strip("_")
)
def test_every_socket_of_the_person_closes_at_once(ending):
    citra = make_user("citra")
    dewi = make_user("dewi")
    client, cookie = browser(citra)
    _phone, other_cookie = browser(citra)
    _key, auth = bearer(citra)
    _dewi_client, dewi_cookie = browser(dewi)

    async def scenario():
        sockets = [await open_ready(h) for h in (cookie, other_cookie, auth)]
        ws_dewi = await open_ready(dewi_cookie)
        await sync_to_async(ending)(citra, client)
        for ws in sockets:
            assert await closed_4401(ws)
        assert await still_open(ws_dewi, dewi)  # someone else's socket is untouched
        await ws_dewi.disconnect()

    run(scenario)


# --- the Origin check: scheme, host and port ------------------------------------------------------------------

ORIGIN_CASES = [
    # (scheme of the handshake, Host header, Origin header, accepted)
    ("ws", "localhost:8000", "http://localhost:8000", True),
    ("ws", "LOCALHOST:8000", "http://localhost:8000", True),
    ("wss", "localhost", "https://localhost", True),
    ("wss", "localhost", "https://localhost:443", True),
    ("ws", "localhost:8000", "http://localhost:8001", False),  # another port of the same host
    ("ws", "localhost:8000", "https://localhost:8000", False),  # another scheme
    ("wss", "localhost", "http://localhost", False),  # a plain-HTTP page next to the HTTPS site
    ("ws", "localhost", "http://localhost:8080", False),
    ("ws", "localhost:8000", "http://evil.example", False),
    ("ws", "localhost:8000", "http://localhost.evil.example:8000", False),
    ("ws", "evil.example", "http://evil.example", False),  # a Host that is not one of ALLOWED_HOSTS
    ("ws", "localhost:8000", "null", False),
    ("ws", "localhost:8000", "", False),
    ("ws", "localhost:8000", None, False),  # no Origin at all
    ("ws", "", "http://127.0.0.1", True),  # a site origin (CSRF_TRUSTED_ORIGINS of the test settings)
    ("ws", "", "http://127.0.0.1:8000", True),  # PELITA_BASE_URL
    ("ws", "", "https://127.0.0.1", False),
    ("ws", "", "http://127.0.0.1:9000", False),
]


@pytest.mark.parametrize(("scheme", "host", "origin", "accepted"), ORIGIN_CASES)
def test_the_origin_must_be_the_sites_scheme_host_and_port(scheme, host, origin, accepted):
    from portal.asgi import application

    headers = []
    if host:
        headers.append((b"host", host.encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))

    async def scenario():
        ws = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        ws.scope["scheme"] = scheme
        connected, _code = await ws.connect(timeout=5)
        # Accepted sockets of nobody are then closed with 4401; refused ones never open.
        assert connected is accepted
        if connected:
            assert await closed_4401(ws)

    run(scenario)
