"""`make bench` and the two-process deploy test: the production settings, served over plain HTTP on this
machine, with the baseline view mounted at /bench/baseline/.

Everything else is production: DEBUG off, whitenoise's compressed manifest storage (collectstatic first),
the database and Redis named by DATABASE_URL and REDIS_URL."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-0b7d2f")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from .production import *  # noqa: E402, F403

ROOT_URLCONF = "portal.loadgen.bench_urls"
# Plain HTTP on the loopback: no TLS redirect, cookies without the Secure flag.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PELITA_ENVIRONMENT = "bench"
