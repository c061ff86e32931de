"""`make bench` and the two-process deploy test: the production settings, served over plain HTTP on this
machine, with the baseline view mounted at /bench/baseline/.

Everything else is production: DEBUG off, whitenoise's compressed manifest storage (collectstatic first),
the database and Redis named by DATABASE_URL and REDIS_URL."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-0b7d2f")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from .production import *  # noqa: E402, F403

# The load-data generator and the baseline view are a dev-only app (bench/loadgen): production and `make run`
# do not carry its model or migration.
INSTALLED_APPS = [*INSTALLED_APPS, "bench.loadgen"]  # noqa: F405
ROOT_URLCONF = "bench.loadgen.bench_urls"
# Plain HTTP on the loopback: no TLS redirect, cookies without the Secure flag.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PELITA_ENVIRONMENT = "bench"

# Under ASGI every request runs its sync code in a fresh thread, so persistent connections (CONN_MAX_AGE) are
# never reused and pile up until PostgreSQL refuses clients ("too many clients already" at 50 concurrent
# requests). A connection pool per worker process (psycopg_pool, Django ≥ 5.1) is the ASGI way.
if IS_POSTGRES:  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
        "min_size": 2,
        "max_size": int(os.environ.get("PELITA_DB_POOL_SIZE", "12")),
        "timeout": 20,
    }
