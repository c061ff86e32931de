"""Signals the platform owns, so that one product hears of another's events without importing it (the products
stay independent: see docs/ARCHITECTURE.md). A product sends through the helper below; listeners connect in their
AppConfig.ready().

`referral_changed`: a referral took a step of its lifecycle, sent once the transaction that made the change has
committed (a listener never sees a change that was rolled back, and its failure never undoes the change).
Arguments, never a child's identity nor any free text typed on the referral:

- `case_code`: the case's pseudonymous code ("APM-5202-00042");
- `service`: the service's slug ("akta-kelahiran");
- `agency`: the receiving agency's name;
- `action`: the step taken ("send", "accept", "decline", "start", "complete", "close", "withdraw");
- `status`: the referral's status after it ("accepted", "completed", ...)."""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("pelita.signals")

referral_changed = Signal()


def announce_referral_change(*, case_code: str, service: str, agency: str, action: str, status: str) -> None:
    """Send `referral_changed` after the current transaction commits (at once outside one). Listeners' errors
    are logged, never raised: the referral's change stands whatever a listener does."""
    payload = {
        "case_code": case_code,
        "service": service,
        "agency": agency,
        "action": action,
        "status": status,
    }

    def send():
        for receiver, result in referral_changed.send_robust(sender=None, **payload):
            if isinstance(result, Exception):
                logger.warning(
                    "referral_changed listener %s failed",
                    getattr(receiver, "__qualname__", receiver),
                    exc_info=(type(result), result, result.__traceback__),
                )

    transaction.on_commit(send)
