"""Local fake servers for the phone channels, in a thread each: they check the documented request shape and
answer the documented success and error responses, chosen by the recipient's number.

SMS Gateway for Android: `POST /message`, Basic auth, JSON {"message", "phoneNumbers": [..], "id"?} → 202
{"id", "state": "Pending", "recipients": [...]}; 401 bad credentials; 400 {"message"} an invalid number; 429
with Retry-After.
WhatsApp Cloud API: `POST /{phone-number-id}/messages`, Bearer token, JSON {"messaging_product": "whatsapp",
"to", "type": "template", "template": {"name", "language": {"code"}, "components": [...]}} → 200
{"messaging_product", "contacts": [...], "messages": [{"id": "wamid…"}]}; errors {"error": {"message", "type",
"code", "fbtrace_id"}}: 429/130429 rate limit, 400/131026 undeliverable number, 401/190 expired token.
Twilio Programmable Messaging: `POST /Accounts/{AccountSid}/Messages.json`, Basic auth (SID:token), form fields
To, Body, From or MessagingServiceSid → 201 {"sid": "SM…", "status": "queued", ...}; errors {"code", "message",
"more_info", "status"}: 400/21211 invalid 'To' number, 429/20429 too many requests, 401/20003 authenticate."""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

RATE_LIMITED = "+6281100000429"
INVALID = "+6281100000400"
EXPIRED = "+6281100000190"  # WhatsApp: the token has expired
FLAKY = "+6281100000503"  # rate limited once, then fine


class FakeServer:
    def __init__(self, handler_factory, delay: float = 0.0):
        # `delay`: seconds before each answer, a provider's round trip over the internet (benchmarks).
        self.delay = delay
        self.requests: list[dict] = []
        self.errors: list[str] = []
        self.seen: dict[str, int] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_factory(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _handler(fake, route):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            if self.headers.get("Content-Type") == "application/x-www-form-urlencoded":
                body = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(raw.decode()).items()}
            else:
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = None
            if fake.delay:
                time.sleep(fake.delay)
            status, payload, headers = route(fake, self.path, dict(self.headers), body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _sms_route(fake, path, headers, body):
    expected = "Basic " + base64.b64encode(b"pelita:secret").decode()
    if path != "/message":
        fake.errors.append(f"path {path}")
        return 404, {"message": "not found"}, {}
    if headers.get("Authorization") != expected:
        return 401, {"message": "Unauthorized"}, {}
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("message"), str)
        or not isinstance(body.get("phoneNumbers"), list)
        or headers.get("Content-Type") != "application/json"
    ):
        fake.errors.append(f"shape {body!r}")
        return 400, {"message": "invalid request"}, {}
    number = body["phoneNumbers"][0]
    fake.requests.append(body)
    fake.seen[number] = fake.seen.get(number, 0) + 1
    if number == RATE_LIMITED or (number == FLAKY and fake.seen[number] == 1):
        return 429, {"message": "Too Many Requests"}, {"Retry-After": "60"}
    if number == INVALID:
        return 400, {"message": "invalid phone number"}, {}
    recipients = [{"phoneNumber": n, "state": "Pending"} for n in body["phoneNumbers"]]
    return 202, {"id": body.get("id") or "gw-1", "state": "Pending", "recipients": recipients}, {}


def _wa_error(status, code, message):
    return (
        status,
        {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Ax"}},
        {},
    )


def _wa_route(fake, path, headers, body):
    if path != "/1234567890/messages":
        fake.errors.append(f"path {path}")
        return _wa_error(400, 100, "Unsupported post request")
    if headers.get("Authorization") != "Bearer wa-token":
        return _wa_error(401, 190, "Invalid OAuth access token")
    template = (body or {}).get("template") or {}
    ok = (
        body.get("messaging_product") == "whatsapp"
        and body.get("type") == "template"
        and isinstance(body.get("to"), str)
        and body["to"].isdigit()
        and template.get("name") == "pelita_notification"
        and template.get("language", {}).get("code") in ("id", "en")
        and template.get("components", [{}])[0].get("parameters", [{}])[0].get("type") == "text"
    )
    if not ok:
        fake.errors.append(f"shape {body!r}")
        return _wa_error(400, 100, "Invalid parameter")
    number = "+" + body["to"]
    fake.requests.append(body)
    fake.seen[number] = fake.seen.get(number, 0) + 1
    if number == RATE_LIMITED or (number == FLAKY and fake.seen[number] == 1):
        return _wa_error(429, 130429, "Rate limit hit")
    if number == INVALID:
        return _wa_error(400, 131026, "Message undeliverable")
    if number == EXPIRED:
        return _wa_error(401, 190, "Error validating access token: Session has expired")
    return (
        200,
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": f"wamid.{len(fake.requests)}"}],
        },
        {},
    )


TWILIO_SID = "AC" + "0" * 32


def _twilio_error(status, code, message):
    info = f"https://www.twilio.com/docs/errors/{code}"
    return status, {"code": code, "message": message, "more_info": info, "status": status}, {}


def _twilio_route(fake, path, headers, body):
    expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:twilio-token".encode()).decode()
    if path != f"/Accounts/{TWILIO_SID}/Messages.json":
        fake.errors.append(f"path {path}")
        return _twilio_error(404, 20404, "The requested resource was not found")
    if headers.get("Authorization") != expected:
        return _twilio_error(401, 20003, "Authenticate")
    ok = (
        isinstance(body, dict)
        and headers.get("Content-Type") == "application/x-www-form-urlencoded"
        and isinstance(body.get("To"), str)
        and isinstance(body.get("Body"), str)
        and bool(body.get("From") or body.get("MessagingServiceSid"))
    )
    if not ok:
        fake.errors.append(f"shape {body!r}")
        return _twilio_error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required.")
    number = body["To"]
    fake.requests.append(body)
    fake.seen[number] = fake.seen.get(number, 0) + 1
    if number == RATE_LIMITED or (number == FLAKY and fake.seen[number] == 1):
        return _twilio_error(429, 20429, "Too Many Requests")
    if number == INVALID:
        return _twilio_error(400, 21211, f"The 'To' number {number} is not a valid phone number.")
    sid = f"SM{len(fake.requests):032d}"
    return 201, {"sid": sid, "status": "queued", "to": number, "body": body["Body"]}, {}


def fake_twilio() -> FakeServer:
    return FakeServer(lambda fake: _handler(fake, _twilio_route))


def fake_sms_gateway(delay: float = 0.0) -> FakeServer:
    return FakeServer(lambda fake: _handler(fake, _sms_route), delay)


def fake_whatsapp(delay: float = 0.0) -> FakeServer:
    return FakeServer(lambda fake: _handler(fake, _wa_route), delay)


def sms_text(request: dict) -> str:
    return request["message"]


def wa_text(request: dict) -> str:
    return request["template"]["components"][0]["parameters"][0]["text"]
