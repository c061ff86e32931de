"""A person's phone number for SMS and WhatsApp, verified by a one-time code (6 digits, 10 minutes, 5 tries)
before anything is sent to it.

Sending a code is throttled (PELITA_PHONE_CODE_LIMITS, counted in the cache): per person, per destination
number (whoever asks: nobody can bomb someone else's phone with codes from many accounts) and per client
address. A new code resets the 5 tries of the old one, so the limit per person is also what bounds guessing
across re-requests. With the cache down no code is sent (a 429: try later), never an unthrottled one."""

import hashlib
import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.errors import Conflict, InvalidInput, PelitaError

from .channels import DeliveryFailure, channels
from .models import ContactPoint

CODE_TTL = timedelta(minutes=10)
MAX_TRIES = 5
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
logger = logging.getLogger("pelita.notifications")

HOUR, DAY = 3600, 24 * 3600
# (what is counted, how many codes, in how many seconds).
DEFAULT_CODE_LIMITS = (
    ("person", 5, HOUR),
    ("person", 10, DAY),
    ("number", 3, HOUR),
    ("number", 6, DAY),
    ("address", 20, HOUR),
)


class TooManyCodes(PelitaError):
    status = 429


def count_in_window(key: str, window: int) -> int:
    """Count one more in the cache under `key` for `window` seconds; the count so far."""
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _code_allowed(*, user, number: str, ip: str | None) -> bool:
    """Count one code for (person, number, address); False when any of them is over a limit."""
    subjects = {"person": str(user.pk), "number": number, "address": ip or "-"}
    limits = getattr(settings, "PELITA_PHONE_CODE_LIMITS", DEFAULT_CODE_LIMITS)
    try:
        counts = [
            (
                count_in_window(
                    f"phone-code:{what}:{window}:{hashlib.sha256(subjects[what].encode()).hexdigest()[:32]}",
                    window,
                ),
                limit,
            )
            for what, limit, window in limits
        ]
    except Exception:
        logger.warning("phone code throttle: cache unavailable, no code sent", exc_info=True)
        return False
    return all(n <= limit for n, limit in counts)


def normalize_phone(raw: str) -> str:
    """+62… from "0812-…", "62812…" or "+62 812 …" (Indonesian numbers by default)."""
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    if not _E164.match(digits):
        msg = _("Enter a phone number such as +62 812 3456 7890.")
        raise InvalidInput(msg, errors={"phone": [msg]})
    return digits


def mask_phone(number: str) -> str:
    """What pages and the API show of a number: never all of it ("+628110000****")."""
    return number[:-4] + "****" if len(number) > 6 else "****"


def phone_channels() -> dict:
    return {name: backend for name, backend in channels().items() if getattr(backend, "phone", False)}


@transaction.atomic
def phone_start(*, user, phone: str, channel: str = "", ip: str | None = None) -> ContactPoint:
    """Store the number (unverified) and send a one-time code through `channel` (default: the first phone
    channel configured). A failure to send is a 409 for the person to try again, never a 500; too many codes
    (for this person, this number or from this address: PELITA_PHONE_CODE_LIMITS) a 429, nothing sent."""
    number = normalize_phone(phone)
    available = phone_channels()
    if not available:
        raise Conflict(_("Pelita cannot send to phones here yet."))
    if channel and channel not in available:
        msg = _("Unknown channel.")
        raise InvalidInput(msg, errors={"channel": [msg]})
    backend = available[channel] if channel else next(iter(available.values()))
    if not _code_allowed(user=user, number=number, ip=ip):
        raise TooManyCodes(_("You asked too often. Wait an hour and try again."))
    code = f"{secrets.randbelow(10**6):06d}"
    point, _created = ContactPoint.objects.select_for_update().get_or_create(
        user=user, channel="phone", defaults={"address": number}
    )
    point.address = number
    point.verified_at = None
    point.code_hash = make_password(code)
    point.code_expires_at = timezone.now() + CODE_TTL
    point.code_attempts = 0
    point.save()
    try:
        backend.send_code(user=user, address=number, code=code)
    except DeliveryFailure as exc:
        raise Conflict(_("The code could not be sent. Check the number and try again.")) from exc
    return point


def phone_verify(*, user, code: str) -> ContactPoint:
    """Check the one-time code; a wrong one counts (5 tries), and is recorded even though the call fails."""
    wrong = _("This code is not right, or it has expired. Ask for a new one.")
    with transaction.atomic():
        point = ContactPoint.objects.select_for_update().filter(user=user, channel="phone").first()
        valid = (
            point is not None
            and point.code_hash
            and point.code_expires_at is not None
            and point.code_expires_at >= timezone.now()
            and point.code_attempts < MAX_TRIES
        )
        if valid and check_password(str(code or "").strip(), point.code_hash):
            point.verified_at = timezone.now()
            point.code_hash = ""
            point.code_expires_at = None
            point.save(update_fields=["verified_at", "code_hash", "code_expires_at"])
            return point
        if point is not None:
            ContactPoint.objects.filter(pk=point.pk).update(code_attempts=point.code_attempts + 1)
    raise InvalidInput(wrong, errors={"code": [wrong]})


@transaction.atomic
def phone_remove(*, user) -> None:
    ContactPoint.objects.filter(user=user, channel="phone").delete()
