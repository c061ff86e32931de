"""The hostile-input harness (issue 18.1): no input breaks Pelita. Every operation of the OpenAPI document, every
page and every HTML form the project serves (found from the URL resolver and from the forms the pages show,
the Wagtail admin's included) and the Wagtail API (/api/v2/) are sent a corpus of hostile values — huge and
negative integers, 2^63, lone surrogates, NUL, RTL and zero-width characters, 10,000-character strings, deep
JSON, wrong types, wrong content types, oversized bodies — as each demo role and anonymously. Any 5xx fails.

Sampling keeps it to a few minutes on SQLite: every role reaches every operation and page once; each hostile
value reaches every field of every operation once, sent as a role chosen deterministically (hostile.pick) so
that across the corpus every role is used; each form found is sent every text value in all its fields at
once. Runs in `make test`, so in CI on SQLite and on PostgreSQL."""

import json
import time

import pytest
from django.core.signals import got_request_exception
from django.test import Client

from tests.robustness import hostile

ROLES = [
    None,  # anonymous
    "kader_jago",
    "fasilitator_jago",
    "pendamping_jago",
    "dukcapil_loteng_1",
    "editor",
    "moderator",
    "koordinator_ntb",
    "admin",
]
VILLAGE = "52.02.01.2013"


class Recorder:
    """Sends requests and keeps every 5xx with what caused it."""

    def __init__(self):
        self.failures: list[str] = []
        self.sent = 0
        self._exc = None
        got_request_exception.connect(self._on_exception)

    def _on_exception(self, sender, request=None, **kwargs):
        import sys

        self._exc = repr(sys.exc_info()[1])[:300]

    def close(self):
        got_request_exception.disconnect(self._on_exception)

    def send(self, client, method, path, *, label, **kwargs):
        self._exc = None
        self.sent += 1
        response = getattr(client, method.lower())(path, **kwargs)
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {method} {path[:160]} [{label}] {self._exc or ''}")
        return response


@pytest.fixture
def world(demo_full, token_for):
    from django.contrib.auth import get_user_model

    from forums.models import Post, PostFlag, Thread
    from portal.notifications.models import Notification
    from referrals.models import ChildCase, Consent, Referral

    users = {u.username: u for u in get_user_model().objects.all()}
    case = ChildCase.objects.filter(village__code=VILLAGE).order_by("pk").first()
    thread = Thread.objects.order_by("pk").first()
    referral = Referral.objects.order_by("pk").first()
    samples = {
        "case_code": case.code,
        "area_code": VILLAGE,
        "thread_id": thread.pk,
        "post_id": Post.objects.order_by("pk").first().pk,
        "referral_id": referral.pk,
        "consent_id": Consent.objects.order_by("pk").first().pk,
        "notification_id": (Notification.objects.order_by("pk").values_list("pk", flat=True).first() or 1),
        "flag_id": (PostFlag.objects.values_list("pk", flat=True).first() or 1),
        "agency_id": referral.agency_id,
    }
    tokens = {name: token_for(users[name]) for name in ROLES if name}
    renew = lambda: {name: token_for(users[name]) for name in ROLES if name}  # noqa: E731
    return {"users": users, "samples": samples, "tokens": tokens, "renew_tokens": renew}


def api_client(world, role) -> Client:
    if role is None:
        return Client(raise_request_exception=False)
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=world["tokens"][role])


def page_client(world, role) -> Client:
    client = Client(raise_request_exception=False)
    if role is not None:
        client.force_login(world["users"][role])
    return client


# --- the API ---------------------------------------------------------------------------------------------


def _path_values(path: str, s: dict) -> dict:
    values = {
        "thread_id": s["thread_id"],
        "referral_id": s["referral_id"],
        "consent_id": s["consent_id"],
        "notification_id": s["notification_id"],
        "area": s["area_code"],
    }
    values["code"] = s["case_code"] if path.startswith("/api/v1/cases") else s["area_code"]
    return values


def _body_samples(s: dict) -> dict:
    return {
        "case": s["case_code"],
        "agency": s["agency_id"],
        "agencies": [s["agency_id"]],
        "service": "akta-kelahiran",
        "needs": ["akta-kelahiran"],
        "area": s["area_code"],
        "sex": "M",
        "parent_abroad": "mother",
        "kind": "discussion",
        "action": "accept",
        "urgency": "routine",
        "username": "kader_jago",
        "password": "not-the-password",
        "birth_date": "2019-05-17",
    }


def _query_params(doc, op) -> list[str]:
    return [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]


def _path_params(op) -> list[str]:
    return [p["name"] for p in op.get("parameters", []) if p.get("in") == "path"]


def test_every_api_operation_survives_hostile_input(world):
    doc = Client().get("/api/v1/openapi.json").json()
    rec = Recorder()
    s = world["samples"]
    started = time.monotonic()
    try:
        for method, template, op in hostile.operations(doc):
            # DELETE /api/v1/auth/token revokes the token it is sent with (its contract, issue 19.5): every
            # operation gets fresh tokens, so none runs unauthenticated after it.
            world["tokens"] = world["renew_tokens"]()
            path_values = _path_values(template, s)
            path = hostile.fill_path(template, path_values)
            schema = hostile.body_schema(doc, op)
            body = hostile.sample_body(doc, schema, _body_samples(s)) if schema else None
            key = f"{method} {template}"

            def call(
                role,
                *,
                url=path,
                data=body,
                content_type="application/json",
                label="",
                headers=None,
                method=method,
            ):
                kwargs = {"headers": headers or {}}
                if method in ("POST", "PUT", "PATCH", "DELETE") and data is not None:
                    kwargs["data"] = data if isinstance(data, str | bytes) else json.dumps(data)
                    kwargs["content_type"] = content_type
                return rec.send(api_client(world, role), method, url, label=f"{role} {label}", **kwargs)

            # Every role, the plausible request (also with a repeated Idempotency-Key for writes).
            for role in ROLES:
                call(role, label="baseline", headers={"Idempotency-Key": f"h-{role}-{key}"})
            # Path parameters: each hostile value.
            for name in _path_params(op):
                for value in hostile.TEXT_VALUES:
                    url = hostile.fill_path(template, {**path_values, name: value})
                    call(
                        hostile.pick(f"{key}{name}{value}", ROLES[1:]),
                        url=url,
                        label=f"path {name}={value!r:.40}",
                    )
                call(
                    ROLES[1],
                    url=path.replace(str(path_values.get(name, "")), hostile.RAW_SURROGATE, 1),
                    label=f"path {name}=surrogate",
                )
            # Query parameters: each hostile value, and the lone surrogate as raw bytes.
            for name in [*_query_params(doc, op), "page", "page_size"]:
                for value in [*hostile.TEXT_VALUES, None]:
                    from urllib.parse import quote

                    qs = f"{quote(name)}={hostile.RAW_SURROGATE if value is None else quote(value, safe='')}"
                    call(
                        hostile.pick(f"{key}{name}{value}", ROLES[1:]),
                        url=f"{path}?{qs}",
                        label=f"query {name}={value!r:.40}",
                    )
            if body is None and method not in ("POST", "PUT", "PATCH"):
                continue
            # Body fields: each hostile JSON value in each field (known fields and one unknown).
            fields = list((schema.get("properties") or {}).keys()) + ["unexpected"]
            for name in fields:
                for value in hostile.JSON_VALUES:
                    call(
                        hostile.pick(f"{key}{name}{value!r}", ROLES[1:]),
                        data={**(body or {}), name: value},
                        label=f"body {name}={value!r:.40}",
                    )
            # The body as a whole: wrong types, wrong content types, malformed, deep, oversized.
            role = hostile.pick(key, ROLES[1:])
            for data, ctype, label in [
                ("[1, 2, 3]", "application/json", "array body"),
                ('"text"', "application/json", "string body"),
                ("null", "application/json", "null body"),
                ('{"title": ', "application/json", "malformed JSON"),
                (b"\xff\xfe\x00\x00", "application/json", "not UTF-8"),
                (hostile.DEEP_JSON, "application/json", "deep JSON"),
                ('{"a": NaN}', "application/json", "NaN"),
                ("title=x&body=y", "application/x-www-form-urlencoded", "form body"),
                ("<xml/>", "text/xml", "XML body"),
                (json.dumps(body or {}), "text/plain", "JSON as text/plain"),
                (
                    '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n',
                    "multipart/form-data; boundary=x",
                    "multipart body",
                ),
                ("x" * (11 * 1024 * 1024), "application/json", "11 MB body"),
            ]:
                call(role, data=data, content_type=ctype, label=label)
            for value in hostile.JSON_VALUES[:8]:
                call(role, data={k: value for k in fields}, label=f"every field {value!r:.30}")
        # The header the API reads: a hostile Idempotency-Key.
        for value in ["", " ", "x" * 300, "\u00e9t\u00e9", "a\tb"]:
            call_path = f"/api/v1/forums/{s['area_code']}/threads"
            rec.send(
                api_client(world, "kader_jago"),
                "POST",
                call_path,
                label=f"key {value!r:.20}",
                data=json.dumps({"title": "Judul uji", "body": "Isi"}),
                content_type="application/json",
                headers={"Idempotency-Key": value.encode().decode("latin-1")},
            )
    finally:
        rec.close()
    elapsed = time.monotonic() - started
    assert rec.sent > 3000, f"the API harness sent only {rec.sent} requests"
    assert not rec.failures, (
        f"{len(rec.failures)} 5xx of {rec.sent} requests ({elapsed:.0f} s):\n" + "\n".join(rec.failures[:400])
    )


# --- pages and forms ---------------------------------------------------------------------------------------


def _page_value_for(world):
    from django.apps import apps
    from wagtail.models import Page, Revision

    s = world["samples"]
    story = Page.objects.filter(depth__gte=3).order_by("-depth", "pk").first()
    revision = Revision.objects.order_by("pk").first()

    def model_pk(callback, name):
        view_class = getattr(callback, "view_class", None)
        model = (getattr(callback, "view_initkwargs", None) or {}).get("model") or getattr(
            view_class, "model", None
        )
        if isinstance(model, str):
            try:
                model = apps.get_model(model)
            except (LookupError, ValueError):
                model = None
        if model is not None and hasattr(model, "_default_manager"):
            pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            if pk is not None:
                return pk
        return 1

    def values_for(route, callback):
        def value(name, converter):
            if name in ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"):
                return story.pk
            if name in ("revision_id", "revision_id_a", "revision_id_b"):
                return revision.pk if revision else 1
            if name == "code":
                if route.startswith("cases/"):
                    return s["case_code"]
                return s["area_code"]
            if name == "username":
                return "kader_jago"
            if name == "fmt":
                return "csv"
            if name == "language":
                return "en"
            if name == "consent_id":
                return s["consent_id"]
            if name == "number":
                return 1
            if name in ("pk", "object_id"):
                if route.startswith("forums/t/"):
                    return s["thread_id"]
                if route.startswith("forums/p/"):
                    return s["post_id"]
                if route.startswith("forums/moderation/flags/"):
                    return s["flag_id"]
                if route.startswith("cases/referrals/"):
                    return s["referral_id"]
                if route.startswith("notifications/"):
                    return s["notification_id"]
                return model_pk(callback, name)
            if converter == "int":
                return 1
            if name in ("app_label", "app_name", "content_type_app_name"):
                return "cms"
            if name in ("model_name", "content_type_model_name"):
                return "storypage"
            if name == "filter_spec":
                return "original"
            return "x"

        return value

    return values_for


def _pages(world):
    """Every concrete path of the resolver, plus the public site's pages (Wagtail's page tree)."""
    from wagtail.models import Page

    values_for = _page_value_for(world)
    paths = []
    for route, _ns, _name, callback in hostile.url_patterns():
        path = hostile.concrete_path(route, values_for(route, callback))
        if path is not None:
            paths.append(path)
    for page in Page.objects.filter(depth__gte=2).live().specific()[:40]:
        url = page.get_url()
        if url and url.startswith("/"):
            paths.append(url)
    return sorted(set(paths))


# Logging out (here or everywhere: that ends the role's sessions, issue 19.5) would leave the rest unchecked.
_SKIP_POST = ("/accounts/logout/", "/accounts/logout/everywhere/", "/admin/logout/")
# Wagtail's deliberate error page ("This is a test of the emergency broadcast system"), for checking that
# error reporting works: a 500 is its purpose.
_SKIP_PATHS = ("/admin/failwhale/",)


def _ordered(forms: list[dict]) -> list[dict]:
    # Destructive forms last, so the rest still find their objects.
    return sorted(forms, key=lambda f: any(w in f["path"] for w in ("delete", "unpublish", "move", "lock")))


def test_every_page_and_form_survives_hostile_input(world):
    rec = Recorder()
    started = time.monotonic()
    forms: dict[tuple, dict] = {}
    try:
        paths = [p for p in _pages(world) if p not in _SKIP_PATHS]
        for path in paths:
            admin = path.startswith("/admin/")
            # The admin as the people who use it (and one other role); the rest as every role.
            roles = ["admin", hostile.pick(path, ["editor", "moderator", None])] if admin else ROLES
            for role in dict.fromkeys(roles):
                response = rec.send(page_client(world, role), "GET", path, label=f"{role} page")
                ctype = response.get("Content-Type", "")
                if response.status_code == 200 and ctype.startswith("text/html"):
                    for form in hostile.forms_of(response.content.decode("utf-8", "replace"), path):
                        fkey = (form["method"], form["path"], tuple(sorted(form["fields"])))
                        forms.setdefault(fkey, {**form, "role": role})
            # Hostile query strings on every path: a rotating sample of the corpus, always the quote (search).
            for value in ['"', None, *hostile.sample(path, hostile.TEXT_VALUES, 1 if admin else 3)]:
                from urllib.parse import quote

                v = hostile.RAW_SURROGATE if value is None else quote(value, safe="")
                role = hostile.pick(f"{path}{value}", ROLES if not admin else ["admin", "editor"])
                rec.send(
                    page_client(world, role),
                    "GET",
                    f"{path}?q={v}&page={v}&p={v}&area={v}",
                    label=f"{role} query {value!r:.30}",
                )
        assert len(forms) >= 40, f"only {len(forms)} forms found"
        for form in _ordered(list(forms.values())):
            if form["path"] in _SKIP_POST:
                continue
            names = list(form["fields"]) or ["q"]
            client = page_client(world, form["role"])
            for value in [
                "\x00",
                "x" * 10_000,
                "\u200b",
                *hostile.sample(form["path"], hostile.TEXT_VALUES, 3),
            ]:
                data = {**form["hidden"], **{n: value for n in names}}
                if form["method"] == "post":
                    rec.send(
                        client, "POST", form["path"], data=data, label=f"{form['role']} form {value!r:.30}"
                    )
                else:
                    rec.send(
                        client, "GET", form["path"], data=data, label=f"{form['role']} GET form {value!r:.30}"
                    )
            if form["method"] == "post":
                # A lone surrogate as the raw bytes of a broken client, and an oversized body.
                body = "&".join(f"{n}={hostile.RAW_SURROGATE}" for n in names)
                rec.send(
                    client,
                    "POST",
                    form["path"],
                    data=body,
                    content_type="application/x-www-form-urlencoded",
                    label="form surrogate",
                )
        big = "x" * (6 * 1024 * 1024)
        for path in ("/accounts/login/", "/forums/", "/admin/login/"):
            rec.send(
                page_client(world, None),
                "POST",
                path,
                data=f"a={big}",
                content_type="application/x-www-form-urlencoded",
                label="oversized form",
            )
    finally:
        rec.close()
    elapsed = time.monotonic() - started
    assert not rec.failures, (
        f"{len(rec.failures)} 5xx of {rec.sent} requests, {len(forms)} forms ({elapsed:.0f} s):\n"
        + "\n".join(rec.failures[:400])
    )


def test_the_wagtail_api_survives_hostile_input(world):
    from wagtail.models import Page

    rec = Recorder()
    page_id = Page.objects.filter(depth__gte=3).order_by("pk").values_list("pk", flat=True).first()
    params = [
        "type",
        "locale",
        "limit",
        "offset",
        "search",
        "order",
        "fields",
        "child_of",
        "descendant_of",
        "ancestor_of",
        "translation_of",
        "html_path",
        "slug",
        "id",
        "show_in_menus",
        "search_operator",
    ]
    try:
        for base in ("/api/v2/pages/", f"/api/v2/pages/{page_id}/", "/api/v2/pages/find/"):
            for name in params:
                from urllib.parse import quote

                for value in [*hostile.TEXT_VALUES, None]:
                    v = hostile.RAW_SURROGATE if value is None else quote(value, safe="")
                    role = hostile.pick(f"{base}{name}{value}", ROLES)
                    rec.send(api_client(world, role), "GET", f"{base}?{name}={v}", label=f"{role} {name}")
        for value in hostile.TEXT_VALUES:
            from urllib.parse import quote

            rec.send(
                Client(raise_request_exception=False),
                "GET",
                f"/api/v2/pages/{quote(value, safe='')}/",
                label="path",
            )
    finally:
        rec.close()
    assert not rec.failures, f"{len(rec.failures)} 5xx of {rec.sent}:\n" + "\n".join(rec.failures[:400])
