"""The e-mail channel: Django's mail backend (console for `make run`, SMTP in production, locmem in tests)."""

from django.core.mail import BadHeaderError
from django.utils.translation import gettext_lazy as _

from . import Channel, Message, PermanentFailure, TemporaryFailure


class EmailChannel(Channel):
    label = _("E-mail")

    def address(self, user) -> str:
        """The account's address while it is the verified one (changed since: not verified, nothing sent)."""
        from ..selectors import verified_channels

        if user.email and "email" in verified_channels(user_ids=[user.pk]).get(user.pk, set()):
            return user.email
        return ""

    def address_for(self, user, notifications: list) -> str:
        from ..models import Delivery

        if user.email and notifications and all(n.delivery == Delivery.EMAIL for n in notifications):
            return user.email  # chosen by the person before channels: e-mail to the account's address
        return self.address(user)

    def send(self, message: Message) -> str:
        import smtplib

        from ..emails import build_email

        email = build_email(
            user=message.user,
            notifications=message.notifications,
            mode="single" if len(message.notifications) == 1 else "digest",
        )
        email.to = [message.address]
        email.extra_headers["Message-ID"] = f"<{message.key}@pelita>"
        try:
            email.send()
        except (smtplib.SMTPRecipientsRefused, BadHeaderError) as exc:
            raise PermanentFailure(f"address refused: {type(exc).__name__}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"mail server: {type(exc).__name__}") from exc
        return message.key
