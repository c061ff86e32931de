"""Issue 19.6, run mode: `make run` serves with DEBUG off. A uvicorn process started as `make run` starts it
(the same module, the settings it defaults to, the environment without SECRET_KEY, ALLOWED_HOSTS or
PELITA_DEBUG) answers a 404 and a forced 500 with the friendly bilingual pages, and the API with `{"detail"}`:
no traceback, no list of URLs, no exception text. Static files come through whitenoise, the secret key is made
once per install in a 0600 file outside git, unknown hosts are refused. With PELITA_DEBUG=1 the same process
shows Django's technical pages (so the checks above can fail)."""

import contextlib
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings
from django.db import connection

from tests.asgi_server import free_port
from tests.security.boom_urls import CHILD_NAME, NIK

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db(transaction=True)

TECHNICAL = [
    "Traceback",
    "RuntimeError",
    "Django tried these URL patterns",
    "URLconf",
    "DEBUG = True",
    CHILD_NAME,
]


def database_url() -> str:
    """The pytest-django test database, so the process sees its tables."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def make_run_command() -> list[str]:
    """The uvicorn command line of the Makefile's `run` target (make -n prints it without running anything)."""
    out = subprocess.run(
        ["make", "-n", "run", "PORT=8000"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    out = out.replace("\\\n", " ")
    line = next(line for line in out.splitlines() if "uvicorn" in line)
    assert "DJANGO_SETTINGS_MODULE" not in out and "PELITA_DEBUG" not in out and "--reload" not in line
    args = line.split("-m uvicorn", 1)[1].split()
    return args


@contextlib.contextmanager
def make_run_process(var_dir: Path, **extra_env):
    args = make_run_command()
    assert args[0] == "portal.asgi:application"
    port = free_port()
    args[args.index("--port") + 1] = str(port)
    args[args.index("--host") + 1] = "127.0.0.1"
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "PELITA_DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.security.run_mode_settings",
        DATABASE_URL=database_url(),
        PELITA_VAR_DIR=str(var_dir),
        PYTHONDONTWRITEBYTECODE="1",
        **extra_env,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *args, "--lifespan", "off", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the make run process did not start"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        proc.stderr.close()


def test_make_run_uses_the_default_settings_and_they_are_safe():
    """manage.py and portal.asgi default to portal.settings.dev, and `make run` does not override it."""
    assert "portal.settings.dev" in (ROOT / "manage.py").read_text()
    assert (
        'setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")' in (ROOT / "portal/asgi.py").read_text()
    )
    make_run_command()
    source = (ROOT / "tests/security/run_mode_settings.py").read_text()
    assert re.findall(r"^[A-Z_]+ =", source, re.M) == ["ROOT_URLCONF =", "PASSWORD_HASHERS ="]


def _assert_clean(body: str):
    for marker in TECHNICAL:
        assert marker not in body, marker
    assert NIK not in body


def test_make_run_answers_404_and_500_with_the_friendly_pages(areas, tmp_path):
    with make_run_process(tmp_path) as base, httpx.Client(base_url=base, timeout=20) as http:
        for language, missing, broken in [
            ("id", "Halaman tidak ditemukan", "Terjadi kesalahan"),
            ("en", "Page not found", "Something went wrong"),
        ]:
            http.cookies.set("pelita_language", language)
            for url in ("/no-such-page/", "/forums/no-such-thing/at/all/", "/accounts/no-such/"):
                response = http.get(url)
                assert response.status_code == 404, url
                assert missing in response.text and f'lang="{language}"' in response.text
                _assert_clean(response.text)
            for url in ("/boom/", "/boom-db/"):
                response = http.get(url)
                assert response.status_code == 500, url
                assert broken in response.text
                _assert_clean(response.text)
        for url, status in [("/api/v1/no-such-endpoint/", 404), ("/api/v1/boom/", 500)]:
            response = http.get(url)
            assert response.status_code == status
            assert response.headers["content-type"].startswith("application/json")
            assert set(response.json()) == {"detail"}
            _assert_clean(response.text)
        # Static files through whitenoise, without collectstatic.
        css = http.get("/static/css/pelita.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        # A Host that is not this machine's is refused (password reset links are built from it).
        assert http.get("/accounts/login/", headers={"Host": "evil.example"}).status_code == 400
        assert http.get("/accounts/login/").status_code == 200
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 50 and key not in ("dev-only-not-secret-pelita-7c1e0a5b", settings.SECRET_KEY)


def test_the_secret_key_is_kept_across_restarts_and_outside_git(tmp_path):
    from portal.settings.install import install_secret_key

    first = install_secret_key(tmp_path / "var" / "secret_key")
    assert install_secret_key(tmp_path / "var" / "secret_key") == first
    assert install_secret_key(tmp_path / "other" / "secret_key") != first
    ignored = subprocess.run(["git", "check-ignore", "-q", "var/secret_key"], cwd=ROOT)
    assert ignored.returncode == 0, "var/secret_key must be ignored by git"


def test_pelita_debug_turns_the_technical_pages_on(areas, tmp_path):
    """The developers' switch, and the proof that the checks above see a technical page when there is one."""
    with (
        make_run_process(tmp_path, PELITA_DEBUG="1") as base,
        httpx.Client(base_url=base, timeout=20) as http,
    ):
        assert "Traceback" in http.get("/boom/").text
        assert "Django tried these URL patterns" in http.get("/accounts/no-such/").text


def test_lan_hosts_name_this_machine_and_not_everything():
    from portal.settings.install import lan_hosts

    hosts = lan_hosts()
    assert "*" not in hosts and not any(h.startswith(".") for h in hosts)
    assert {"127.0.0.1", "localhost"} <= set(hosts)
