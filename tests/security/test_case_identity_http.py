"""Issue 19.6 (cases): no answer about a child is kept by a cache, every identity view is audited.

A TABLE discovered, not written: every URL the resolver knows under the referrals app (its pages) and every
`/api/v1/cases*` and `/api/v1/referrals*` operation of the OpenAPI document, as the case team and as the
receiving agency's liaison. Each answer carries `Cache-Control: no-store, private`; each that shows the planted
child's name, NIK or caregiver wrote an audit entry for that person. A new view or operation is in the table by
being added to the app."""

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.audit.models import AuditEntry

from .conftest import CAREGIVER, CHILD_NAME

pytestmark = pytest.mark.django_db

NEW_CHILD = "Lalu Planted Cachetest"


def referrals_pages() -> list[URLPattern]:
    found = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif namespace == "referrals":
                found.append(p)

    walk(get_resolver().url_patterns)
    return found


def page_urls(world) -> list[str]:
    values = {"code": world["case"].code, "pk": world["referral"].pk, "consent_id": world["consent"].pk}
    urls = []
    for p in referrals_pages():
        names = list(p.pattern.converters)
        urls.append(reverse(f"referrals:{p.name}", kwargs={n: values[n] for n in names}))
    return urls


def api_operations(client) -> list[tuple[str, str]]:
    doc = client.get("/api/v1/openapi.json").json()
    ops = [
        (method.upper(), path)
        for path, item in doc["paths"].items()
        if re.match(r"^/api/v1/(cases|referrals)", path)
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]
    # The withdrawal last: it ends the referral the other rows look at.
    return sorted(ops, key=lambda op: ("withdraw" in op[1], op[1], op[0]))


def api_body(world, method, path):
    b = world["birth"]
    samples = {
        "/api/v1/cases": {
            "child_name": NEW_CHILD,
            "sex": "F",
            "birth_date": b.isoformat(),
            "nik": world["nik"][:12] + "0099",
            "area": "52.02.01.2013",
            "caregiver_name": CAREGIVER,
            "caregiver_relation": "nenek",
            "parent_abroad": "mother",
            "destination_country": "Malaysia",
        },
        "/api/v1/cases/{code}/consents": {
            "given_by": CAREGIVER,
            "relation": "nenek",
            "agencies": [world["dukcapil"].pk],
        },
        "/api/v1/referrals": {"case": world["case"].code, "agency": world["dukcapil"].pk, "service": "pkh"},
        "/api/v1/referrals/{referral_id}/transitions": {"action": "accept"},
        "/api/v1/referrals/{referral_id}/messages": {"body": "Kapan datang?"},
    }
    return samples.get(path, {}) if method != "GET" else None


def fill(path, world):
    return (
        path.replace("{code}", world["case"].code)
        .replace("{referral_id}", str(world["referral"].pk))
        .replace("{consent_id}", str(world["consent"].pk))
    )


def identity_in(text, world):
    return [v for v in (CHILD_NAME, CAREGIVER, NEW_CHILD, world["nik"]) if v in text]


@pytest.mark.parametrize("role", ["pendamping_jago", "dukcapil_loteng_1"])
def test_every_referrals_answer_is_no_store_and_every_identity_view_audited(world, token_for, role):
    # The world's referral note and message name the child (free text, the team's own words): scrubbed here,
    # so that the name in an answer comes from the identity fields, whose every view is audited.
    from referrals.models import Referral, ReferralEvent, ReferralMessage

    Referral.objects.filter(pk=world["referral"].pk).update(note="Akta kelahiran")
    ReferralMessage.objects.filter(referral=world["referral"]).update(body="Kapan datang?")
    ReferralEvent.objects.filter(referral=world["referral"]).update(note="")
    user = world["users"][role]
    client = Client()
    client.force_login(user)
    auth = token_for(user)
    calls = [("GET", url, None, False) for url in page_urls(world)]
    calls.append(("POST", reverse("referrals:case_list"), {"q": CHILD_NAME.split()[1]}, False))  # the search
    calls += [(m, fill(p, world), api_body(world, m, p), True) for m, p in api_operations(client)]
    assert len(calls) > 25  # the table is discovered: pages and operations
    shown = []
    for method, url, body, is_api in calls:
        before = AuditEntry.objects.filter(actor=user).count()
        if is_api:
            kw = {"HTTP_AUTHORIZATION": auth}
            if method == "GET":
                resp = client.get(url, **kw)
            else:
                resp = client.generic(
                    method, url, json.dumps(body or {}), content_type="application/json", **kw
                )
        else:
            resp = client.get(url) if method == "GET" else client.post(url, body)
        text = resp.content.decode(errors="replace")
        assert resp.get("Cache-Control") == "no-store, private", (role, method, url, resp.status_code)
        if resp.status_code < 300 and identity_in(text, world):
            shown.append((method, url))
            assert AuditEntry.objects.filter(actor=user).count() > before, ("not audited", role, method, url)
    # The table is not vacuous: each role saw the child somewhere, on pages and in the API.
    assert any(not u.startswith("/api/") for _, u in shown) and any(
        u.startswith("/api/") for _, u in shown
    ), shown
    if role == "pendamping_jago":
        assert ("GET", reverse("referrals:consent_create", kwargs={"code": world["case"].code})) in shown


def test_the_consent_form_is_audited_like_any_identity_view(world, client):
    client.force_login(world["worker"])
    url = reverse("referrals:consent_create", kwargs={"code": world["case"].code})
    html = client.get(url).content.decode()
    assert CAREGIVER in html  # pre-filled
    entry = AuditEntry.objects.filter(actor=world["worker"], action="consent.form_view").get()
    assert entry.case_code == world["case"].code and set(entry.fields) == {
        "caregiver_name",
        "caregiver_relation",
    }
