"""Issue 19.6 (cases): a child's identity never lands in a log line — the application server's access log
(uvicorn.access, django.server: the request line with its query string), django.request's warnings, Pelita's own
loggers. A child's name is planted; every identity path (case pages, the search, the consent form, the referral
pages and letter, the API's case, consent and referral operations, their refusals and 422s) is driven through the
test client with every logger at DEBUG; no formatted line holds the name, the NIK, the caregiver or the phone."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse
from uvicorn.logging import AccessFormatter

from .conftest import CAREGIVER, CHILD_NAME

pytestmark = pytest.mark.django_db

PHONE = "081234567890"
NEW_CHILD = "Baiq Planted Logtest"


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.access = AccessFormatter(
            '%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False
        )
        self.plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")

    def emit(self, record):
        fmt = self.access if record.name == "uvicorn.access" else self.plain
        self.lines.append(fmt.format(record))


@pytest.fixture
def captured():
    """Every logger (the root, those configured, those created so far, the servers') at DEBUG into one handler."""
    handler = Capture()
    names = [
        "",
        "django",
        "django.request",
        "django.server",
        "uvicorn",
        "uvicorn.access",
        "uvicorn.error",
        "pelita",
    ]
    names += [n for n, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger)]
    saved = []
    for name in set(names):
        if name.startswith("django.db"):
            continue  # SQL logging exists only with DEBUG=True (never in production); parameters are data
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.disabled))
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        logger.addHandler(handler)
    yield handler
    for logger, level, disabled in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled


def access_log(resp):
    """The lines the application servers write for this request, exactly as they do (uvicorn's access logger is
    called with these arguments; runserver's django.server logs the request line)."""
    req = resp.wsgi_request
    path = req.get_full_path()
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "10.0.0.7:51234", req.method, path, "1.1", resp.status_code
    )
    logging.getLogger("django.server").info('"%s %s HTTP/1.1" %s %s', req.method, path, resp.status_code, 0)


def test_no_identity_in_any_log_line(world, token_for, captured):
    case, r, consent = world["case"], world["referral"], world["consent"]
    code = case.code
    worker, liaison, other = (
        world["worker"],
        world["users"]["dukcapil_loteng_1"],
        world["users"]["dinsos_loteng"],
    )
    b = world["birth"]
    new_case = {
        "child_name": NEW_CHILD,
        "sex": "F",
        "birth_date": b.isoformat(),
        "nik": world["nik"][:12] + "0098",
        "area": "52.02.01.2013",
        "caregiver_name": CAREGIVER,
        "caregiver_relation": "nenek",
        "caregiver_phone": PHONE,
        "parent_abroad": "mother",
        "destination_country": "Malaysia",
    }
    secrets = [
        CHILD_NAME,
        *CHILD_NAME.split()[1:],
        CAREGIVER,
        NEW_CHILD,
        world["nik"],
        new_case["nik"],
        PHONE,
    ]
    pages = [
        ("GET", reverse("referrals:case_list"), None),
        ("POST", reverse("referrals:case_list"), {"q": CHILD_NAME}),  # the search, by name
        ("POST", reverse("referrals:case_list"), {"q": CHILD_NAME.split()[-1]}),
        ("POST", reverse("referrals:case_list"), {"q": CHILD_NAME + "x" * 120}),  # too long: refused
        ("GET", reverse("referrals:case_detail", kwargs={"code": code}), None),
        ("GET", reverse("referrals:consent_create", kwargs={"code": code}), None),
        (
            "POST",
            reverse("referrals:consent_create", kwargs={"code": code}),
            {"given_by": CAREGIVER},
        ),  # 422-ish
        ("GET", reverse("referrals:referral_detail", kwargs={"pk": r.pk}), None),
        ("GET", reverse("referrals:referral_letter", kwargs={"pk": r.pk}), None),
        ("GET", reverse("referrals:case_audit", kwargs={"code": code}), None),
        ("POST", reverse("referrals:case_create"), {**new_case, "nik": "12"}),  # refused, kept as typed
    ]
    api = [
        ("GET", f"/api/v1/cases/{code}", None),
        ("POST", "/api/v1/cases", {**new_case, "nik": "1234"}),  # 422 with the name in the body
        ("POST", "/api/v1/cases", {**new_case, "child_name": "\x00" + NEW_CHILD}),  # input guard: 422
        ("POST", "/api/v1/cases", new_case),  # 201
        (
            "POST",
            f"/api/v1/cases/{code}/consents",
            {"given_by": CAREGIVER, "relation": "", "agencies": [99999]},
        ),
        ("GET", f"/api/v1/referrals/{r.pk}", None),
        ("GET", "/api/v1/referrals", None),
        ("GET", f"/api/v1/referrals/{r.pk}/messages", None),
        ("POST", f"/api/v1/referrals/{r.pk}/messages", {"body": f"Untuk {CHILD_NAME}"}),
        ("POST", f"/api/v1/cases/{code}/consents/{consent.pk}/withdraw", None),
    ]
    # The capture would see a leak: a search in the URL, as it was before 19.6, is caught.
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "10.0.0.7:1", "GET", f"/cases/?q={CHILD_NAME}", "1.1", 200
    )
    assert any(CHILD_NAME in line for line in captured.lines)
    captured.lines.clear()
    seen_identity = 0
    for user in (worker, liaison, other):
        client = Client()
        client.force_login(user)
        auth = token_for(user)
        for method, url, body in pages:
            resp = client.get(url) if method == "GET" else client.post(url, body or {})
            seen_identity += CHILD_NAME in resp.content.decode(errors="replace")
            access_log(resp)
        for method, url, body in api:
            if method == "GET":
                resp = client.get(url, HTTP_AUTHORIZATION=auth)
            else:
                resp = client.post(
                    url, json.dumps(body or {}), content_type="application/json", HTTP_AUTHORIZATION=auth
                )
            access_log(resp)
    assert seen_identity >= 4  # the paths did reach the child (the search and the pages as the team, ...)
    assert len(captured.lines) >= 2 * 3 * (len(pages) + len(api))  # the capture works
    leaks = [line for line in captured.lines if any(s in line for s in secrets)]
    assert not leaks, leaks[:5]
