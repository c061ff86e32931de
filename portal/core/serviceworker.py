"""The one service worker of the site, served at `/sw.js` (its scope is the whole site), assembled from the
script parts that apps register from their AppConfig.ready():

    register_service_worker_part("notifications.push", script)   # a string of JavaScript, or a callable

Parts are joined in the order of their names, each in its own block scope, so that several features (Web Push,
an offline reader) share the worker without knowing about each other. Nothing a no-JS person needs lives here.
Also the web app manifest at `/manifest.webmanifest`, so Pelita is an installable PWA."""

import json
from collections.abc import Callable

from django.http import HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET

_PARTS: dict[str, str | Callable[[], str]] = {}


def register_service_worker_part(name: str, script) -> None:
    _PARTS[name] = script


def service_worker_script() -> str:
    chunks = ["'use strict';", "// Pelita's service worker: " + ", ".join(sorted(_PARTS)) or "(no parts)"]
    for name in sorted(_PARTS):
        script = _PARTS[name]
        body = script() if callable(script) else script
        chunks.append(f"// --- {name}\n{{\n{body}\n}}")
    chunks.append("self.addEventListener('install', () => self.skipWaiting());")
    chunks.append("self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));")
    return "\n".join(chunks) + "\n"


@require_GET
def service_worker(request):
    response = HttpResponse(service_worker_script(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    data = {
        "name": "Pelita",
        "short_name": "Pelita",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f8b",
        "lang": "id",
        "icons": [
            {"src": static("core/icons/pelita-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("core/icons/pelita-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("core/icons/pelita-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")
