"""Channels that reach a phone: SMS through a generic HTTP SMS gateway (the open-source "SMS Gateway for
Android" app many NGOs run on a spare phone: `POST {url}/message` with Basic auth) and WhatsApp through the
WhatsApp Business Cloud API (template messages: `POST {graph}/{phone-number-id}/messages` with a Bearer token).
Console backends print instead, for `make run`.

The text is short, in the person's language, with the case code and a link, never a name (not even the
thread's title or the actor's: people type children's names into titles). Several notices within the collapse
window become one message ("3 new notifications: APM-5202-00042, ..."). Both hold back during the person's
quiet hours (portal.notifications.delivery), urgent child protection excepted."""

import base64
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import Channel, Message, PermanentFailure, TemporaryFailure

logger = logging.getLogger("pelita.notifications")
TIMEOUT = 10


def phone_text(message: Message) -> str:
    """The short text of a phone message: kind and case code and a link; never a name."""
    from ..emails import absolute_url
    from ..selectors import outside_label

    user, items = message.user, message.notifications
    with translation.override(user.language):
        if len(items) == 1:
            n = items[0]
            text = outside_label(n, language=user.language)
            link = absolute_url(reverse("notifications:open", args=[n.pk]))
            return f"Pelita: {text}. {link}"[:320]
        cases = sorted(
            {str(n.params.get("case")) for n in items if isinstance(n.params, dict) and n.params.get("case")}
        )
        head = ngettext("%(n)s new notification", "%(n)s new notifications", len(items)) % {"n": len(items)}
        link = absolute_url(reverse("notifications:list"))
        tail = (": " + ", ".join(cases[:5])) if cases else ""
        return f"Pelita: {head}{tail}. {link}"[:320]


class PhoneChannel(Channel):
    phone = True
    collapse_seconds = 300
    # New deliveries wait this long, so that what arrives together goes as one message.
    hold_seconds = 30

    def address(self, user) -> str:
        from ..models import ContactPoint

        row = ContactPoint.objects.filter(user=user, channel="phone", verified_at__isnull=False).first()
        return row.address if row else ""

    def send_code(self, *, user, address: str, code: str) -> None:
        """The one-time code of a phone verification (sent directly, not queued)."""
        with translation.override(user.language):
            text = _("Pelita: your code is %(code)s. It is valid for 10 minutes.") % {"code": code}
        # The provider's message id never carries the code (gateways log and show ids).
        key = f"verify-{secrets.token_hex(8)}"
        self.deliver_text(address=address, text=text, key=key, language=user.language)

    def send(self, message: Message) -> str:
        return self.deliver_text(
            address=message.address, text=phone_text(message), key=message.key, language=message.user.language
        )

    def deliver_text(self, *, address: str, text: str, key: str, language: str) -> str:  # pragma: no cover
        raise NotImplementedError


def _post(url: str, body: dict, headers: dict, *, form: bool = False) -> tuple[int, dict]:
    """POST `body` as JSON (or, with `form`, as application/x-www-form-urlencoded) → (status, JSON answer). An
    HTTP error answers its status and JSON body (with "_retry_after" in seconds from Retry-After); a network
    failure raises TemporaryFailure."""
    if form:
        data, content_type = urllib.parse.urlencode(body).encode(), "application/x-www-form-urlencoded"
    else:
        data, content_type = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's configured gateway
        url,
        data=data,
        headers={"Content-Type": content_type, **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            payload = json.loads(exc.read() or b"{}")
        except ValueError:
            payload = {}
        retry_after = exc.headers.get("Retry-After") if exc.headers else None
        payload["_retry_after"] = float(retry_after) if retry_after and retry_after.isdigit() else None
        return exc.code, payload
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TemporaryFailure(f"gateway unreachable: {type(exc).__name__}") from exc


class SMSGatewayChannel(PhoneChannel):
    """SMS Gateway for Android (cloud or local server). OPTIONS: url (e.g. https://api.sms-gate.app/3rdparty/v1
    or http://phone:8080), username, password."""

    label = gettext_lazy("SMS")

    def deliver_text(self, *, address, text, key, language) -> str:
        url = self.options["url"].rstrip("/") + "/message"
        auth = base64.b64encode(f"{self.options['username']}:{self.options['password']}".encode()).decode()
        body = {"id": key[:36], "message": text, "phoneNumbers": [address], "withDeliveryReport": True}
        status, payload = _post(url, body, {"Authorization": f"Basic {auth}"})
        if status in (200, 201, 202):
            return str(payload.get("id", ""))
        reason = str(payload.get("message") or payload.get("error") or "")[:200]
        if status == 429 or status >= 500:
            raise TemporaryFailure(f"sms gateway {status}: {reason}", retry_after=payload.get("_retry_after"))
        if status == 401:
            raise TemporaryFailure(f"sms gateway 401: credentials refused: {reason}")
        raise PermanentFailure(f"sms gateway {status}: {reason}")


class TwilioSMSChannel(PhoneChannel):
    """SMS through Twilio's Programmable Messaging REST API: `POST {url}/Accounts/{sid}/Messages.json`, Basic
    auth (account SID, auth token), form fields To, Body and From (or MessagingServiceSid) → 201 {"sid",
    "status": "queued"}. Errors answer {"code", "message", "more_info", "status"}: 429/20429 too many requests
    and 5xx are retried; 401/20003 (credentials refused) is retried with backoff until the operator fixes them;
    the recipient's errors (21211 invalid number, 21614 not a mobile, 21610 unsubscribed, 21408 region not
    enabled) give up at once. OPTIONS: account_sid, auth_token, from_number or messaging_service_sid, url
    (default https://api.twilio.com/2010-04-01)."""

    label = gettext_lazy("SMS")

    def deliver_text(self, *, address, text, key, language) -> str:
        base = self.options.get("url", "https://api.twilio.com/2010-04-01").rstrip("/")
        sid = self.options["account_sid"]
        url = f"{base}/Accounts/{sid}/Messages.json"
        auth = base64.b64encode(f"{sid}:{self.options['auth_token']}".encode()).decode()
        body = {"To": address, "Body": text}
        if self.options.get("messaging_service_sid"):
            body["MessagingServiceSid"] = self.options["messaging_service_sid"]
        else:
            body["From"] = self.options["from_number"]
        status, payload = _post(url, body, {"Authorization": f"Basic {auth}"}, form=True)
        if status in (200, 201):
            return str(payload.get("sid", ""))
        reason = f"twilio {status} ({payload.get('code')}): {str(payload.get('message', ''))[:150]}"
        if status == 429 or status >= 500 or status == 401:
            raise TemporaryFailure(reason, retry_after=payload.get("_retry_after"))
        raise PermanentFailure(reason)


class WhatsAppCloudChannel(PhoneChannel):
    """WhatsApp Business Cloud API. OPTIONS: phone_number_id, token, template (an approved template with one
    body parameter, default "pelita_notification"), url (default https://graph.facebook.com/v21.0)."""

    label = gettext_lazy("WhatsApp")
    # Cloud API error codes: rate limits (retry), and the recipient's number (give up).
    RATE_LIMITED = {4, 80007, 130429, 131048, 131056}
    BAD_NUMBER = {131026, 131030, 131009, 100}
    EXPIRED_TOKEN = {190}

    def deliver_text(self, *, address, text, key, language) -> str:
        base = self.options.get("url", "https://graph.facebook.com/v21.0").rstrip("/")
        url = f"{base}/{self.options['phone_number_id']}/messages"
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": address.lstrip("+"),
            "type": "template",
            "template": {
                "name": self.options.get("template", "pelita_notification"),
                "language": {"code": "id" if language == "id" else "en"},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": text}]}],
            },
        }
        status, payload = _post(url, body, {"Authorization": f"Bearer {self.options['token']}"})
        if status == 200 and payload.get("messages"):
            return str(payload["messages"][0].get("id", ""))
        error = payload.get("error") or {}
        code = error.get("code")
        reason = f"whatsapp {status} ({code}): {str(error.get('message', ''))[:150]}"
        if status == 429 or code in self.RATE_LIMITED or status >= 500:
            raise TemporaryFailure(reason, retry_after=payload.get("_retry_after"))
        if code in self.EXPIRED_TOKEN or status == 401:
            # The operator must renew the token: retried with backoff meanwhile, then given up.
            raise TemporaryFailure(reason)
        raise PermanentFailure(reason)


class ConsolePhoneChannel(PhoneChannel):
    """Prints the message (the default for `make run`: nothing leaves the machine)."""

    label = gettext_lazy("SMS")

    def deliver_text(self, *, address, text, key, language) -> str:
        logger.info("[%s to %s] %s", self.name, address[:-4] + "****", text)
        return key
