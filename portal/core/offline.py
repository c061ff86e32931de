"""Offline reading and writing for cadres on weak connections (issue 16; docs/OFFLINE.md).

- The service worker part `core.offline` (portal.core.serviceworker assembles /sw.js): a versioned cache of the
  static files and of `/offline/`, cache-first; the forum pages (the forum lists and the last `THREADS` threads
  opened) network-first, kept as "offline copy from <time>" within `BUDGET` bytes. Nothing else is stored, and
  never a response marked `no-store` or `private` (every page about a child: referrals/http.py).
- The outbox (static core/outbox.js, IndexedDB): a reply, a new thread or a referral message written offline,
  sent in order when the network returns, each with its own `once_token` (portal.core.idempotency).
- `{% offline_assets %}` (base.html): the person's device hash (`pelita-user` meta; another person or nobody
  -> the offline copies and the outbox are cleared) and the page script core/offline.js.
"""

import hashlib
import hmac
import json
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THREADS = 20
BUDGET = 5 * 1024 * 1024
SW_PART = "core.offline"
PRECACHE_STATIC = ("css/pelita.css", "img/pelita.svg", "core/offline.js", "core/outbox.js")


def user_hash(user) -> str:
    """Who is logged in on this device, without saying who: '' for nobody."""
    if user is None or not user.is_authenticated:
        return ""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"pelita-offline:{user.pk}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def page_strings() -> dict:
    return {
        "waiting": _("waiting to send (%s)"),
        "returned": _("returned to you (%s)"),
        "sent": _("Sent: %s"),
        "refused": _("It could not be sent."),
        "login": _("You are logged out: log in again and it is sent."),
        "discard": _("Discard"),
        "copy": _("What you wrote"),
    }


def _strings() -> dict:
    out = {}
    for lang in ("id", "en"):
        with translation.override(lang):
            out[lang] = {"copy": _("Offline copy from %s")}
    return out


def _module(name: str) -> str:
    """A static ES module as classic worker code: its `export`s and `import`s taken away."""
    with open(finders.find(name), encoding="utf-8") as source:
        text = source.read()
    text = re.sub(r"^import .*$", "", text, flags=re.M)
    return re.sub(r"^export ", "", text, flags=re.M)


def service_worker_part() -> str:
    with open(_sw_source(), encoding="utf-8") as source:
        body = source.read()
    precache = [reverse("offline"), *(static(name) for name in PRECACHE_STATIC)]
    outbox = _module("core/outbox.js")
    config = {
        "precache": precache,
        "offline": reverse("offline"),
        "logout": [reverse("logout"), reverse("logout_everywhere")],
        "static": settings.STATIC_URL,
        "threads": THREADS,
        "budget": BUDGET,
        "strings": _strings(),
    }
    digest = hashlib.sha256((json.dumps(config, sort_keys=True) + outbox + body).encode())
    for name in PRECACHE_STATIC:  # their names do not change with their content outside production
        with open(finders.find(name), "rb") as f:
            digest.update(f.read())
    version = digest.hexdigest()[:12]
    config["version"] = version
    return f"const CFG = {json.dumps(config)};\n{outbox}\n{body}"


def _sw_source() -> str:
    from pathlib import Path

    return str(Path(__file__).parent / "sw" / "offline.js")


@require_GET
def offline_page(request):
    """What a page that is not kept on the device shows offline. The same for everyone (the service worker keeps
    it at install): nothing about the person, a case or a child."""
    response = render(request, "core/offline.html", {"strings": json.dumps(page_strings())})
    response["Cache-Control"] = "no-cache"
    return response
