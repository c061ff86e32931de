"""Settings for a delivery worker started by a test in another process: the test's database, a recording
channel (tests/notifications/fakes.py)."""

import os

from portal.settings.test import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["PELITA_WORKER_DB_NAME"]  # noqa: F405
PELITA_NOTIFY_CHANNELS = {
    "rec": {
        "BACKEND": "tests.notifications.fakes.RecordingChannel",
        "OPTIONS": {
            "path": os.environ["PELITA_WORKER_LOG"],
            "delay": os.environ.get("PELITA_WORKER_DELAY", "0"),
        },
    }
}
