"""Login throttling for the login form and the token endpoint: a failed attempt counts against the username
and against the client address for 15 minutes; past the limit, further attempts are refused."""

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW = 15 * 60


def _keys(username: str, ip: str | None) -> list[str]:
    name = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    keys = [f"login-fail:user:{name}"]
    if ip:
        keys.append(f"login-fail:ip:{ip}")
    return keys


def login_blocked(*, username: str, ip: str | None) -> bool:
    limit = settings.PELITA_LOGIN_ATTEMPTS
    values = cache.get_many(_keys(username, ip))
    return any(v >= limit for v in values.values())


def login_failed(*, username: str, ip: str | None) -> None:
    for key in _keys(username, ip):
        if cache.add(key, 1, WINDOW):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW)


def login_succeeded(*, username: str, ip: str | None) -> None:
    cache.delete(_keys(username, None)[0])


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")
