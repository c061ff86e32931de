"""Queries per page, through Django's test client against the database named by DATABASE_URL (the bench
settings). Prints JSON {page key: {"status": ..., "queries": ...}}. Run by bench/run.py once per scale: the
counts must be the same at small and national scale."""

import json
import os
import sys
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from pages import PAGES, page_url  # noqa: E402

from bench.loadgen.models import LoadRun  # noqa: E402


def main(scale: str) -> dict:
    info = LoadRun.objects.get(scale=scale).info
    out = {}
    clients = {}
    for page in PAGES:
        url = page_url(page, info)
        if url is None:
            out[page.key] = {"status": None, "queries": None}
            continue
        if page.who not in clients:
            client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
            client.force_login(get_user_model().objects.get(username=info[page.who]))
            clients[page.who] = client
        client = clients[page.who]
        # A miss row: what the first view after a change costs, whatever the page depends on: nothing kept by
        # the hit row (or anything else) may answer, and the page cache keeps nothing while it is counted.
        if page.miss:
            cache.clear()
        with override_settings(PELITA_PAGE_CACHE_SECONDS=0) if page.miss else nullcontext():
            # Warm: caches, content types, the person's navigation; twice, as a thread's first view moves the
            # reader's marker and is not stored (the hit rows count a hit).
            client.get(url)
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
        out[page.key] = {"status": response.status_code, "queries": len(ctx.captured_queries)}
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
