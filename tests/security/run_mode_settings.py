"""The settings of `make run` (portal.settings.dev, as the environment leaves them) with the error-page test
views of tests/security/boom_urls.py mounted, for tests/security/test_run_mode.py's uvicorn process."""

from portal.settings.dev import *  # noqa: F403

ROOT_URLCONF = "tests.security.boom_urls"
# The people the test makes were hashed by the test process.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
