"""Login throttling for the login form and the token endpoint: a failed attempt counts against the username
and against the client address for 15 minutes; past the limit, further attempts are refused."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

WINDOW = 15 * 60
logger = logging.getLogger("pelita.throttle")


def _keys(username: str, ip: str | None) -> list[str]:
    name = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    keys = [f"login-fail:user:{name}"]
    if ip:
        keys.append(f"login-fail:ip:{ip}")
    return keys


def login_blocked(*, username: str, ip: str | None) -> bool:
    limit = settings.PELITA_LOGIN_ATTEMPTS
    try:
        values = cache.get_many(_keys(username, ip))
    except Exception:
        # The cache (Redis) is down: let people log in rather than lock everyone out; passwords still apply.
        logger.warning("login throttle: cache unavailable, not throttling", exc_info=True)
        return False
    return any(v >= limit for v in values.values())


def login_failed(*, username: str, ip: str | None) -> None:
    try:
        for key in _keys(username, ip):
            if cache.add(key, 1, WINDOW):
                continue
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, WINDOW)
    except Exception:
        logger.warning("login throttle: cache unavailable, failed attempt not counted", exc_info=True)


def login_succeeded(*, username: str, ip: str | None) -> None:
    try:
        cache.delete(_keys(username, None)[0])
    except Exception:
        logger.warning("login throttle: cache unavailable", exc_info=True)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")
