"""Tests: fast hashing, mail kept in memory. The database and Redis still come from the environment, so the
same suite runs on the embedded default and on PostgreSQL + Redis."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# channels' WebsocketCommunicator sends no Host header, so a test socket has no origin of its own to match
# (portal.core.websocket.SiteOriginValidator): the tests' sockets come from this one.
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PELITA_TESTING = True
PELITA_ENVIRONMENT = "test"
# The load-data generator (bench/loadgen) is tested too; only the bench and test settings install it.
INSTALLED_APPS = [*INSTALLED_APPS, "bench.loadgen"]  # noqa: F405

# A SQLite test database in a file (not in memory), so the ASGI server thread of the browser tests shares it;
# one file per run so parallel runs do not collide.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import os as _os

    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{_os.getpid()}.sqlite3")}  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Server threads in browser tests must not keep connections open past a request (the test database is dropped
# at the end of the run).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405


# Each test run has its own cache namespace in a shared Redis (kept in the environment, so the servers a test
# starts share it): a page or version left by an earlier run, on other code or another database, is never read.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    import os as _os
    import uuid as _uuid

    _os.environ.setdefault("PELITA_TEST_CACHE_PREFIX", f"pelita-test-{_uuid.uuid4().hex[:8]}")
    CACHES["default"]["KEY_PREFIX"] = _os.environ["PELITA_TEST_CACHE_PREFIX"]  # noqa: F405
    # The same for the channel layer's pub/sub channels: two test sessions on one Redis (CI's two runs, helpers
    # side by side) would otherwise receive each other's `user.<id>` messages, ids being reused across databases.
    if "prefix" in CHANNEL_LAYERS["default"].get("CONFIG", {}):  # noqa: F405
        CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"{_os.environ['PELITA_TEST_CACHE_PREFIX']}-ch"  # noqa: F405
