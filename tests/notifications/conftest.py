import pytest
from django.test import Client

from tests.factories import TEST_PASSWORD, make_user

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture
def people(db):
    """Three people: Ani (Indonesian), Ben (English), Citra (Indonesian), each with an e-mail address."""
    return {
        "ani": make_user("ani", email="ani@example.org", display_name="Ani"),
        "ben": make_user("ben", email="ben@example.org", display_name="Ben", language="en"),
        "citra": make_user("citra", email="citra@example.org", display_name="Citra"),
    }


def session_cookie(user) -> tuple[bytes, bytes]:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def fresh_cache():
    """The bell's cached count must not leak from one test to the next (rolled-back rows reuse ids)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
