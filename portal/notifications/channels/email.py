"""The e-mail channel: Django's mail backend (console for `make run`, SMTP in production, locmem in tests)."""

from django.core.mail import BadHeaderError
from django.utils.translation import gettext_lazy as _

from . import Channel, Message, PermanentFailure, TemporaryFailure


class EmailChannel(Channel):
    label = _("E-mail")

    def address(self, user) -> str:
        return user.email or ""

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
