"""A whole-page cache per viewer, checked against versions kept in the cache (Redis with REDIS_URL, the
local-memory cache on the embedded default).

A product names what a page shows with *version keys* ("pc:t:42": thread 42; "pc:u:7": person 7's rights). Every
write that changes what a page shows calls `bump(key, ...)`, which gives each key a new random token at once and
again after the transaction commits (a reader who read the token between the two renders committed data only
after the second one: nothing stale is ever stored under the newest token). A page is stored under a stable key
(the viewer, the language, the path) with the tokens it was rendered against; a view asks `fetch(page_key, deps)`,
one `get_many` round trip for the page and its tokens, and gets the page back only when every token still
matches. A token missing from the cache (evicted, never made) is made afresh, so the page misses: a lost token
can never revive an old page.

Per-request parts are never stored: the view renders with `MARKS` in their place (the CSRF token, each form's
one-time token, the header's bell) and `finish()` fills them in for each response. Pages with a queued flash
message are not served from or stored in the cache (`has_messages`). Never cache a page carrying a child's
identity (the products' tests assert it of their cached pages).

Public API: `MARKS`, `bump`, `bump_now`, `fetch`, `fetch_parts`, `part_versions`, `tokens`, `store`, `finish`,
`has_messages`, `page_key`, `enabled`."""

import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("pelita.pagecache")

PAGE_TTL = (
    300  # seconds a page is kept: settings.PELITA_PAGE_CACHE_SECONDS, read at each store (0: never kept)
)
VERSION_TTL = 60 * 60 * 24
_SECRET = hashlib.sha256(f"pelita-pagecache:{settings.SECRET_KEY}".encode()).hexdigest()[:20]


def _release() -> str:
    """What the stored pages were rendered by: PELITA_RELEASE when the deployment names it (the same on every
    host), else a fingerprint of this install's code and templates (size and mtime of each file), so a page
    rendered by the previous release is never served after an upgrade."""
    named = getattr(settings, "PELITA_RELEASE", "")
    if named:
        return str(named)
    import os

    digest = hashlib.sha256()
    base = str(settings.BASE_DIR)
    for root, dirs, files in os.walk(base):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and d not in ("node_modules", "var", "media")
        )
        for name in sorted(files):
            if name.endswith((".py", ".html", ".mo")):
                try:
                    st = os.stat(os.path.join(root, name))
                except OSError:
                    continue
                digest.update(f"{root}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()[:12]


_RELEASE = _release()


class MARKS:
    """Placeholders written into a cached page instead of per-request parts (unguessable: derived from the
    secret key, so a post's text cannot contain one on purpose)."""

    CSRF = f"pcsrf{_SECRET}"
    ONCE = f"ponce{_SECRET}"
    BELL = f"<!--pbell{_SECRET}-->"
    SLOT = f"<!--pslot{_SECRET}-->"  # where a shared part's per-viewer rows go (split on it, never sent)


def enabled() -> bool:
    return getattr(settings, "PELITA_PAGE_CACHE", True)


def _token() -> str:
    return uuid.uuid4().hex[:16]


def bump_now(*keys: str) -> None:
    keys = [k for k in keys if k]
    if not keys:
        return
    try:
        cache.set_many({k: _token() for k in keys}, VERSION_TTL)
    except Exception:  # a cache outage: pages cannot be served from it either (fetch fails the same way)
        logger.warning("pagecache: could not bump %s", keys, exc_info=True)


def bump(*keys: str) -> None:
    """New tokens for `keys` now and again once the current transaction commits (at once outside one)."""
    keys = tuple(k for k in keys if k)
    if not keys:
        return
    bump_now(*keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: bump_now(*keys))


def page_key(*parts) -> str:
    raw = "|".join(str(p) for p in (_RELEASE, *parts))
    return "pc:page:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def fetch(key: str, deps: list[str]) -> tuple[dict | None, dict]:
    """(the stored entry {"html", "meta"} or None, the current tokens of `deps`) in one round trip."""
    entry, versions, _parts = fetch_parts(key, deps, {})
    return entry, versions


def fetch_parts(key: str, deps: list[str], parts: dict[str, list[str]]) -> tuple[dict | None, dict, dict]:
    """`fetch`, plus stored parts shared by several pages in the same round trip: `parts` maps a part's key to
    its version keys (a subset of `deps`); the third value maps each part's key to its entry when every one of
    its tokens still matches (`store(part_key, part_versions(versions, part_deps), ...)` kept it), else None."""
    try:
        got = cache.get_many([key, *parts, *deps])
    except Exception:
        logger.warning("pagecache: cache unavailable", exc_info=True)
        return None, {}, dict.fromkeys(parts)
    versions = {d: got.get(d) for d in deps}
    missing = [d for d, v in versions.items() if v is None]
    if missing:
        fresh = {d: _token() for d in missing}
        try:
            for d, v in fresh.items():
                if not cache.add(d, v, VERSION_TTL):  # someone made it meanwhile: theirs stands
                    v = cache.get(d)
                versions[d] = v
        except Exception:
            logger.warning("pagecache: cache unavailable", exc_info=True)
            return None, {}, dict.fromkeys(parts)
    # A part is checked even when the page missed a token (a reader's first view: their own keys are new).
    found = {}
    for part, part_deps in parts.items():
        stored = got.get(part)
        found[part] = stored if stored and stored.get("v") == part_versions(versions, part_deps) else None
    if missing:
        return None, versions, found
    entry = got.get(key)
    if entry and entry.get("v") == versions:
        return entry, versions, found
    return None, versions, found


def tokens(keys: list[str]) -> dict | None:
    """The current tokens of `keys` (made afresh where missing), or None when the cache is unavailable: for a page
    whose version keys are named by the page itself (checked after `fetch` found it)."""
    if not keys:
        return {}
    _entry, versions, _parts = fetch_parts("pc:page:-", keys, {})
    return versions or None


def part_versions(versions: dict, part_deps: list[str]) -> dict:
    """The tokens a shared part is stored with: those of its own version keys, read with the page's."""
    return {d: versions.get(d) for d in part_deps}


def store(key: str, versions: dict, html: str, meta=None) -> None:
    """Keep a page with the tokens it was rendered against (`meta`: what the view checks again on a hit)."""
    if not versions or any(v is None for v in versions.values()):
        return
    try:
        ttl = getattr(settings, "PELITA_PAGE_CACHE_SECONDS", PAGE_TTL)
        cache.set(key, {"v": versions, "html": html, "meta": meta}, ttl)
    except Exception:
        logger.warning("pagecache: could not store a page", exc_info=True)


def has_messages(request) -> bool:
    """A flash message waits for this request (shown once: such a page is rendered afresh, never cached)."""
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    try:
        return len(storage) > 0
    except Exception:
        return True


def _bell(request) -> str:
    from django.template.loader import render_to_string

    return render_to_string("includes/bell.html", request=request)


def finish(request, html: str, *, state: str = ""):
    """The response for a page rendered with MARKS: this request's CSRF token, a fresh one-time token per form
    and the viewer's bell filled in. `state` ("hit" or "miss") is sent as `X-Page-Cache`, as Varnish's
    `X-Cache` does, so a load run can count its hit ratio (it says nothing a viewer could not tell by timing)."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from .idempotency import new_token

    html = html.replace(MARKS.CSRF, get_token(request))
    if MARKS.ONCE in html:
        html = re.sub(re.escape(MARKS.ONCE), lambda _m: new_token(), html)
    if MARKS.BELL in html:
        html = html.replace(MARKS.BELL, _bell(request))
    response = HttpResponse(html)
    if state:
        response["X-Page-Cache"] = state
    return response
