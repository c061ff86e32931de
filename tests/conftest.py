"""Shared fixtures. Tests run against real parts: the database named by DATABASE_URL (SQLite by default),
the channel layer named by REDIS_URL (in memory by default), and Debian's Chromium for browser tests.

Tests marked `postgres` or `redis` run only in the configuration that has that service; in CI (CI=true)
a browser test whose Chromium is missing fails, it never skips."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import TEST_PASSWORD

AREAS_DIR = Path(__file__).parent / "data" / "areas"
CHROMIUM = os.environ.get("PELITA_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    is_postgres = settings.IS_POSTGRES
    has_redis = bool(settings.REDIS_URL)
    has_browser = Path(CHROMIUM).exists() or shutil.which("chromium")
    keep, dropped = [], {}
    for item in items:
        reason = None
        if item.get_closest_marker("postgres") and not is_postgres:
            reason = "needs PostgreSQL (set DATABASE_URL)"
        elif item.get_closest_marker("redis") and not has_redis:
            reason = "needs Redis (set REDIS_URL)"
        elif item.get_closest_marker("browser") and not has_browser and not IN_CI:
            reason = "needs Chromium (apt-get install chromium)"
        if reason:
            dropped.setdefault(reason, []).append(item)
        else:
            keep.append(item)
    # Browser tests last: Playwright leaves an event loop running in the main thread for the rest of the
    # session, which would make Django refuse synchronous ORM calls in the tests after it.
    keep.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    items[:] = keep
    if dropped:
        config.hook.pytest_deselected(items=[i for group in dropped.values() for i in group])
        config._pelita_dropped = {reason: len(group) for reason, group in dropped.items()}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM calls made by
    fixtures and tests around it. For browser tests only, allow them: the ORM still runs synchronously."""
    browser = item.get_closest_marker("browser") is not None
    if browser:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if browser:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for reason, count in getattr(config, "_pelita_dropped", {}).items():
        terminalreporter.write_line(f"pelita: {count} tests not run in this configuration: {reason}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load NTB and Bali (the test subset of the official tree) and the service catalogue once."""
    from portal.agencies.catalogue import services_sync
    from portal.areas.services import areas_load

    with django_db_blocker.unblock():
        areas_load(data_dir=AREAS_DIR, force=True)
        services_sync()


@pytest.fixture
def areas(db):
    """The test area subset; reloaded when a transactional test has flushed it."""
    from portal.agencies.catalogue import services_sync
    from portal.areas.models import Area
    from portal.areas.services import areas_load

    if not Area.objects.filter(code="52").exists():
        areas_load(data_dir=AREAS_DIR, force=True)
        services_sync()


@pytest.fixture
def demo(areas, settings):
    """The platform demo of API.md (accounts, memberships, dusun, agencies) without the product apps' content."""
    from portal.core.demo import seed_platform

    return seed_platform(password=TEST_PASSWORD)


@pytest.fixture
def demo_full(areas, settings):
    """The whole demo, with every product app's content (forums, cases, stories)."""
    from portal.core.demo import seed_all

    settings.PELITA_DEMO_PASSWORD = TEST_PASSWORD
    return seed_all()


@pytest.fixture
def api_client():
    from django.test import Client

    return Client()


@pytest.fixture
def token_for(db):
    """token_for(user) -> an 'Authorization' header value for the API."""
    from portal.people.services import token_issue

    def make(user):
        key, _token = token_issue(user=user)
        return f"Bearer {key}"

    return make


# --- browser tests: Debian's Chromium through Playwright, the ASGI app served by uvicorn in a thread ---

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install -y chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": BROWSER_ARGS}


@pytest.fixture
def asgi_server(transactional_db, areas):
    """The real ASGI application (HTTP and WebSocket) on a free port. Yields its base URL."""
    from tests.asgi_server import serve

    with serve() as url:
        yield url


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
