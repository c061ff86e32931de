"""Verifying where Pelita may send: an e-mail address by a signed link (valid for 3 days, bound to the account
and the address, so a changed address needs a new link)."""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.errors import InvalidInput

from .models import ContactPoint
from .phones import TooManyCodes

logger = logging.getLogger("pelita.notifications")

EMAIL_SALT = "pelita.notifications.email-verify"
EMAIL_LINK_MAX_AGE = 3 * 24 * 3600


def email_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=EMAIL_SALT, compress=True)


# Links a person may ask for in an hour (each is an e-mail to the account's address).
EMAIL_LINKS_PER_HOUR = 5


def _link_allowed(user) -> bool:
    from .phones import count_in_window

    limit = getattr(settings, "PELITA_EMAIL_LINKS_PER_HOUR", EMAIL_LINKS_PER_HOUR)
    try:
        return count_in_window(f"email-link:{user.pk}", 3600) <= limit
    except Exception:
        logger.warning("e-mail link throttle: cache unavailable, no link sent", exc_info=True)
        return False


def send_email_verification(*, user) -> None:
    from .emails import absolute_url

    if not user.email:
        raise InvalidInput(_("Your account has no e-mail address."), errors={"email": [_("No address.")]})
    if not _link_allowed(user):
        raise TooManyCodes(_("You asked too often. Wait an hour and try again."))
    link = absolute_url(reverse("notifications:email_verify", args=[email_verification_token(user)]))
    with translation.override(user.language):
        subject = _("[Pelita] Confirm your e-mail address")
        body = render_to_string("notifications/email/verify.txt", {"user": user, "link": link})
    EmailMessage(subject=str(subject), body=body, to=[user.email]).send()


@transaction.atomic
def verify_email(*, user, token: str) -> bool:
    """Mark the account's address verified when the token is this person's, for this address, not too old."""
    try:
        data = signing.loads(token, salt=EMAIL_SALT, max_age=EMAIL_LINK_MAX_AGE)
    except signing.BadSignature:
        return False
    if data.get("u") != user.pk or not user.email or data.get("e") != user.email.lower():
        return False
    ContactPoint.objects.update_or_create(
        user=user, channel="email", defaults={"address": user.email, "verified_at": timezone.now()}
    )
    return True
