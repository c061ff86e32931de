"""Throttling of guesses, kept in Django's cache (Redis in production).

Logins (the login page, the Wagtail admin's and the token endpoint; issue 19.5). A failed attempt counts against
the pair (username, address) and, with a much higher limit, against the address alone. Past a limit nobody is
locked out: the next attempt of that pair (or from that address) must wait a delay that doubles with each
further failure, up to PELITA_LOGIN_MAX_DELAY. So ten wrong passwords for one account from a village office's
shared address slow down guesses of that account from there, and nothing else: another person behind the same
address logs in, and the account's owner logs in from anywhere else. A right password ends the pair's count.

Password resets: at most PELITA_RESET_PER_ADDRESS requests per address and PELITA_RESET_PER_EMAIL per e-mail
address an hour, counted whether or not an account has that address (the answer never tells).

With the cache down, nothing is throttled (passwords still apply) and a warning is logged."""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger("pelita.throttle")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _login_keys(username: str, ip: str | None) -> list[tuple[str, int]]:
    """(cache key, free attempts) for each counter an attempt by `username` from `ip` counts against."""
    name = (username or "").strip().lower()
    address = ip or "-"
    return [
        (f"login-fail:pair:{_digest(name + '|' + address)}", settings.PELITA_LOGIN_ATTEMPTS),
        (f"login-fail:ip:{_digest(address)}", settings.PELITA_LOGIN_ADDRESS_ATTEMPTS),
    ]


def _delay(failures: int, free: int) -> float:
    """Seconds to wait after `failures` failures when `free` of them cost nothing: BASE, then doubling."""
    if failures < free:
        return 0.0
    return float(
        min(settings.PELITA_LOGIN_BASE_DELAY * 2 ** (failures - free), settings.PELITA_LOGIN_MAX_DELAY)
    )


def login_wait(*, username: str, ip: str | None) -> float:
    """Seconds before `username` may try again from `ip` (0: now)."""
    keys = _login_keys(username, ip)
    try:
        values = cache.get_many([f"{k}:until" for k, _free in keys])
    except Exception:
        # The cache (Redis) is down: let people log in rather than lock everyone out; passwords still apply.
        logger.warning("login throttle: cache unavailable, not throttling", exc_info=True)
        return 0.0
    now = time.time()
    return max([0.0, *(float(v) - now for v in values.values() if v)])


def login_blocked(*, username: str, ip: str | None) -> bool:
    return login_wait(username=username, ip=ip) > 0


def _count(key: str, window: int) -> int:
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def login_failed(*, username: str, ip: str | None) -> None:
    window = settings.PELITA_LOGIN_WINDOW
    try:
        for key, free in _login_keys(username, ip):
            delay = _delay(_count(key, window), free)
            if delay:
                cache.set(f"{key}:until", time.time() + delay, int(delay) + 1)
    except Exception:
        logger.warning("login throttle: cache unavailable, failed attempt not counted", exc_info=True)


def login_succeeded(*, username: str, ip: str | None) -> None:
    key = _login_keys(username, ip)[0][0]
    try:
        cache.delete_many([key, f"{key}:until"])
    except Exception:
        logger.warning("login throttle: cache unavailable", exc_info=True)


def wait_text(seconds: float) -> str:
    """'3 minutes', '40 seconds', in the active language."""
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    count = max(1, math.ceil(seconds))
    return ngettext("%(count)d second", "%(count)d seconds", count) % {"count": count}


def login_throttled_message(seconds: float) -> str:
    return _("Too many failed attempts. Wait %(wait)s and try again.") % {"wait": wait_text(seconds)}


# --- password reset --------------------------------------------------------------------------------------------

RESET_WINDOW = 60 * 60


def reset_allowed(*, email: str, ip: str | None) -> bool:
    """Count a password reset request for `email` from `ip`; False when either is over its hourly limit."""
    keys = [
        (f"reset:ip:{_digest(ip or '-')}", settings.PELITA_RESET_PER_ADDRESS),
        (f"reset:email:{_digest((email or '').strip().lower())}", settings.PELITA_RESET_PER_EMAIL),
    ]
    try:
        counts = [(_count(key, RESET_WINDOW), limit) for key, limit in keys]
    except Exception:
        logger.warning("reset throttle: cache unavailable, not throttling", exc_info=True)
        return True
    return all(n <= limit for n, limit in counts)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")
