"""SQLite configured by URL keeps its concurrency settings (issue 18.6): `DATABASE_URL=sqlite:///path` gets
WAL, IMMEDIATE transactions and the busy timeout like the default file, and two liaisons accepting at once
get one 200 and one 409 (tests/robustness/sqlite_url_accept.py, run in a child pytest with that URL)."""

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
from django.conf import settings

from portal.settings.base import SQLITE_OPTIONS, sqlite_configured

ROOT = Path(settings.BASE_DIR)


def test_every_way_of_naming_sqlite_gets_the_options():
    for url in ("sqlite:///var/elsewhere.sqlite3", "sqlite:////tmp/pelita.sqlite3"):
        options = sqlite_configured(dj_database_url.parse(url))["OPTIONS"]
        assert options == SQLITE_OPTIONS
    given = sqlite_configured({"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 5}})
    assert given["OPTIONS"]["timeout"] == 5 and given["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "OPTIONS" not in sqlite_configured({"ENGINE": "django.db.backends.postgresql"})


def test_concurrent_accept_with_the_url_form(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'pelita.sqlite3'}"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/robustness/sqlite_url_accept.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout or "2 passed" in result.stdout, result.stdout[-1000:]
