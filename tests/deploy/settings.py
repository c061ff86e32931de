"""Settings for the two uvicorn processes of tests/deploy: the bench settings (production over plain HTTP),
with static files served from the finders (no collectstatic in CI) and the test suite's password hasher (the
people the test logs in were made by the test process)."""

from portal.settings.bench import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
