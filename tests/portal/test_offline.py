"""Issue 16, without a browser: the service worker's offline part, what it may keep (the forum pages) and what it
never may (every page about a child is no-store and outside its patterns), the device's person hash, the
offline page, and the site's JavaScript budget (bench/js_budget.py)."""

import json
import re
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.core import offline

pytestmark = pytest.mark.django_db


def _sw(client) -> str:
    r = client.get("/sw.js")
    assert r.status_code == 200 and r["Service-Worker-Allowed"] == "/" and r["Cache-Control"] == "no-cache"
    return r.content.decode()


def _config(script: str) -> dict:
    return json.loads(re.search(r"^const CFG = (\{.*\});$", script, re.M).group(1))


def _js_regex(script: str, name: str) -> re.Pattern:
    source = re.search(rf"const {name} = /(.+)/;", script).group(1)
    return re.compile(source.replace(r"\/", "/"))


def test_the_one_service_worker_carries_the_offline_part_with_its_budget(client):
    script = _sw(client)
    assert "// --- core.offline" in script and "// --- notifications.push" in script
    cfg = _config(script)
    assert cfg["budget"] == 5 * 1024 * 1024 and cfg["threads"] == 20
    assert cfg["offline"] == "/offline/" and "/offline/" in cfg["precache"]
    assert cfg["logout"] == [reverse("logout"), reverse("logout_everywhere")]
    assert cfg["strings"]["id"]["copy"] == "Salinan offline dari %s"
    assert cfg["strings"]["en"]["copy"] == "Offline copy from %s"
    assert re.fullmatch(r"[0-9a-f]{12}", cfg["version"])
    assert "no-store|private" in script  # never keeps a response marked so
    assert "export " not in script and "import " not in script  # a classic worker script
    node = shutil.which("node")
    if node:
        check = subprocess.run([node, "--check", "-"], input=script, text=True, capture_output=True)
        assert check.returncode == 0, check.stderr


def test_a_new_version_of_the_offline_part_has_a_new_cache_name(client, monkeypatch):
    before = _config(_sw(client))["version"]
    monkeypatch.setattr(offline, "THREADS", 19)
    assert _config(_sw(client))["version"] != before


def _all_paths() -> list[tuple[str, str]]:
    """(namespace, sample path) for every URL pattern the resolver knows, arguments filled with samples."""
    found = []

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                route = re.sub(r"<int:[^>]+>", "7", route)
                route = re.sub(r"<(?:str|slug):[^>]+>", "x", route)
                route = re.sub(r"<path:[^>]+>", "x/y", route)
                if "(" in route or "^" in route or "<" in route:
                    continue  # regular-expression routes (Wagtail's): not forum pages
                found.append((namespace or "", "/" + route))

    walk(get_resolver().url_patterns)
    return found


def test_only_the_forum_pages_are_kept_and_never_an_identity_page(client):
    script = _sw(client)
    pages, outbox = _js_regex(script, "PAGE_RE"), _js_regex(script, "OUTBOX_RE")
    kept = sorted(path for _ns, path in _all_paths() if pages.match(path))
    assert kept == ["/forums/", "/forums/f/x/", "/forums/t/7/"]
    sent = sorted(path for _ns, path in _all_paths() if outbox.match(path))
    assert sent == ["/cases/referrals/7/messages/", "/forums/f/x/new/", "/forums/t/7/reply/"]


IDENTITY_NAMESPACES = ("referrals",)


def test_every_identity_page_is_no_store():
    """The table of every page about a child (the referrals app: cases, the case list, referrals, letters):
    each view is wrapped so that every answer is `Cache-Control: no-store, private`; the service worker keeps
    none of them (test above) and refuses any answer marked so."""
    identity = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif namespace in IDENTITY_NAMESPACES:
                identity.append(p)

    walk(get_resolver().url_patterns)
    names = {p.name for p in identity}
    assert {"case_list", "case_detail", "referral_detail", "referral_letter", "referral_message"} <= names
    for p in identity:
        assert getattr(p.callback, "pelita_no_store", False), p.name


def test_identity_pages_answer_no_store_even_to_a_stranger(demo):
    client = Client()
    client.force_login(demo["users"]["kader_jago"])
    for url in ("/cases/", "/cases/X-0000/", "/cases/referrals/7/", "/cases/referrals/7/letter/"):
        r = client.get(url)
        assert "no-store" in r["Cache-Control"], (url, r.status_code)


def test_the_offline_page_is_the_same_for_everyone(demo):
    anonymous = Client().get("/offline/")
    assert anonymous.status_code == 200 and anonymous["Cache-Control"] == "no-cache"
    client = Client()
    user = demo["users"]["kader_jago"]
    client.force_login(user)
    logged_in = client.get("/offline/").content.decode()
    assert "Anda sedang offline" in logged_in
    assert user.username not in logged_in and offline.user_hash(user) not in logged_in
    assert 'content="" data-offline-page' in logged_in


def test_each_page_carries_the_persons_device_hash(demo):
    users = demo["users"]
    a, b = offline.user_hash(users["kader_jago"]), offline.user_hash(users["fasilitator_jago"])
    assert a and b and a != b and len(a) == 16
    assert str(users["kader_jago"].pk) != a
    client = Client()
    client.force_login(users["kader_jago"])
    page = client.get("/forums/").content.decode()
    assert f'<meta name="pelita-user" content="{a}"' in page
    assert "core/offline.js" in page
    strings = json.loads(
        re.search(r'data-strings="([^"]+)"', page).group(1).replace("&quot;", '"').replace("&#x27;", "'")
    )
    assert strings["waiting"] == "menunggu dikirim (%s)"
    login = Client().get(reverse("login")).content.decode()
    assert '<meta name="pelita-user" content="">' in login  # nobody: the next person to log in is compared
    assert "core/offline.js" not in login  # and no script on the public pages


def test_the_site_javascript_stays_within_20_kb_gzipped():
    from bench.js_budget import BUDGET, js_sizes, total_gzip

    sizes = js_sizes()
    assert "core/offline.js" in sizes and "core/outbox.js" in sizes and "/sw.js" in sizes
    assert not any(name.startswith(("admin/", "wagtailadmin/")) for name in sizes)
    assert total_gzip(sizes) <= BUDGET, total_gzip(sizes)
