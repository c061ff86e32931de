"""One rule for a repeated submit, everywhere: a POST that carries a one-time key, sent again by the same person
with the same key within 24 hours, gets the first answer and changes nothing (API.md, additions of 2026-11-29).

Two ways to carry the key, one mechanism:

- the API: the `Idempotency-Key` header (as Stripe's API and the IETF draft "The Idempotency-Key HTTP Header
  Field" define it) on any `POST /api/v1/...`;
- pages: a hidden field `once_token` that every form which creates something carries. Forms get it from
  `OnceTokenMixin` (portal.core.forms's base forms include it); templates render `{{ form.once_token }}`.

`IdempotencyMiddleware` does the rest, for every view, so no view has to remember it:

1. the first request with a key claims it (a row in `core.IdempotencyRecord`, unique per person and key,
   committed before the view runs) and runs;
2. a repeat that arrives while the first still runs waits for it (up to `WAIT_SECONDS`), then answers as 3;
   one that waits longer gets `409` "still being processed" (the client retries with the same key);
3. a repeat after the first finished gets the first answer: the API the same status, body and content type
   (with `Idempotent-Replayed: true`); a page the same redirect, with a message that the form had already
   been sent;
4. only a success is kept (API: 2xx; pages: a redirect, the POST-redirect-GET of a form that worked). An
   error (a 422 with what to correct, a 409, a 5xx) frees the key: what was typed can be corrected and sent
   again with the same form or key.

The same key on another path (or, in the API, with another body) is `422` naming `Idempotency-Key`, as the
draft asks. A key has 1 to 255 visible ASCII characters. Anonymous requests are not deduplicated (no person
to scope the key to). Keys are stored hashed; a stored API answer is encrypted with a key derived from the
client's key and SECRET_KEY, so the table alone reveals nothing, and rows are deleted after 24 hours
(`manage.py idempotency_purge`, daily cron; a person's own dead rows also go when they next send a key).

Public API of this module: `HEADER`, `FORM_FIELD`, `WINDOW`, `new_token()`, `OnceTokenMixin`,
`IdempotencyMiddleware`, `purge()`."""

from __future__ import annotations

import base64
import hashlib
import logging
import time
import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyRecord

logger = logging.getLogger("pelita.idempotency")

HEADER = "Idempotency-Key"
FORM_FIELD = "once_token"
WINDOW = timedelta(hours=24)
KEY_MAX = 255
# A repeat waits this long for the first request to finish; a claim older than STALE is from a process that
# died (no request runs that long) and is taken over.
WAIT_SECONDS = 20.0
STALE = timedelta(minutes=5)
API_PREFIX = "/api/"


def new_token() -> str:
    """A fresh one-time token for a form (32 hex characters)."""
    return uuid.uuid4().hex


class OnceTokenMixin(forms.Form):
    """Adds the hidden one-time token to a form that creates something. The token is made when the form is
    shown and kept when it is shown again with errors, so a corrected form still counts as the same submit."""

    once_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(FORM_FIELD, new_token())


# --- the key -------------------------------------------------------------------------------------------------


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= KEY_MAX and all(33 <= ord(c) <= 126 for c in key)


def _key_hash(user_id: int, key: str) -> str:
    return hashlib.sha256(f"{user_id}:{key}".encode()).hexdigest()


def _fernet(user_id: int, key: str):
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    secret = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=settings.SECRET_KEY.encode(),
        info=f"pelita-idempotency:{user_id}".encode(),
    ).derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(secret))


# --- claim, finish, replay ----------------------------------------------------------------------------------


class _Outcome:
    NEW, REPLAY, MISMATCH, BUSY = "new", "replay", "mismatch", "busy"


def _claim(*, user, key: str, request_path: str, fingerprint: str):
    """(outcome, record). Takes the key for this request, or finds who holds it."""
    key_hash = _key_hash(user.pk, key)
    deadline = time.monotonic() + WAIT_SECONDS
    delay = 0.05
    first = True
    while True:
        now = timezone.now()
        if first:
            # The person's own dead records go now; everyone's go with the daily purge.
            IdempotencyRecord.objects.filter(user=user, created_at__lt=now - WINDOW).delete()
            first = False
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user,
                    key_hash=key_hash,
                    request_path=request_path[:400],
                    fingerprint=fingerprint,
                    created_at=now,
                )
            return _Outcome.NEW, record
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(user=user, key_hash=key_hash).first()
        if record is None:
            continue  # the holder failed and freed the key in between: claim it again
        running = record.status is None
        if record.created_at < now - WINDOW or (running and record.created_at < now - STALE):
            IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).delete()
            continue
        if record.request_path != request_path[:400] or record.fingerprint != fingerprint:
            return _Outcome.MISMATCH, record
        if not running:
            return _Outcome.REPLAY, record
        if time.monotonic() > deadline:
            return _Outcome.BUSY, record
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _kept(request, response) -> bool:
    if _is_api(request):
        return 200 <= response.status_code < 300 and not getattr(response, "streaming", False)
    return response.status_code in (301, 302, 303, 307, 308)


def _finish(record: IdempotencyRecord, *, request, response, key: str) -> None:
    if not _kept(request, response):
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    body = b""
    if _is_api(request):
        body = _fernet(record.user_id, key).encrypt(bytes(response.content))
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=response.status_code,
        content_type=response.get("Content-Type", "")[:120],
        location=response.get("Location", "")[:1000],
        body=body,
    )


def _replay(record: IdempotencyRecord, *, request, key: str) -> HttpResponse:
    if _is_api(request):
        try:
            content = _fernet(record.user_id, key).decrypt(bytes(record.body))
        except Exception:  # SECRET_KEY changed since: the answer cannot be read back
            logger.warning("idempotency: a stored answer could not be decrypted (record %s)", record.pk)
            return _api_error(409, _("This request was already made; its answer is no longer available."))
        response = HttpResponse(content, status=record.status, content_type=record.content_type or None)
        if record.location:
            response["Location"] = record.location
        response["Idempotent-Replayed"] = "true"
        return response
    messages.info(request, _("This form had already been sent: here is what it did. Nothing was sent twice."))
    return HttpResponseRedirect(record.location or request.path)


def _api_error(status: int, detail: str, *, field: str | None = None) -> JsonResponse:
    body: dict = {"detail": detail}
    if field:
        body["errors"] = {field: [detail]}
    return JsonResponse(body, status=status)


# --- the middleware -----------------------------------------------------------------------------------------


def _api_user(request):
    """The person an API request acts as: the session's, else the bearer token's (checked again by the API)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, "session"
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        from portal.people.services import token_user

        token_owner = token_user(key=auth[7:].strip())
        if token_owner is not None:
            return token_owner, "token"
    return None, ""


class IdempotencyMiddleware:
    """See the module's docstring. Runs after CSRF and authentication (its place in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claim = getattr(request, "_pelita_once", None)
        if claim is not None:
            record, key = claim
            try:
                _finish(record, request=request, response=response, key=key)
            except Exception:
                logger.warning(
                    "idempotency: could not keep the answer of record %s", record.pk, exc_info=True
                )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        if _is_api(request):
            key = request.headers.get(HEADER)
            if key is None:
                return None
            key = key.strip()
            if not _valid_key(key):
                return _api_error(
                    422,
                    _("%(header)s must be 1 to %(max)s visible ASCII characters.")
                    % {"header": HEADER, "max": KEY_MAX},
                    field=HEADER,
                )
            user, how = _api_user(request)
            if user is None:
                return None  # the API answers 401; nothing to deduplicate
            if how == "session":
                from ninja.utils import check_csrf

                if check_csrf(request) is not None:
                    return None  # the API refuses it with 403; never replay to a forged request
            try:
                fingerprint = hashlib.sha256(bytes(request.body)).hexdigest()
            except Exception:
                return None  # too big or unreadable: the API answers 413/400 without running anything
        else:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return None
            content_type = request.content_type or ""
            if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
                return None
            key = (request.POST.get(FORM_FIELD) or "").strip()
            if not key or not _valid_key(key):
                return None
            fingerprint = ""
        outcome, record = _claim(
            user=user, key=key, request_path=f"POST {request.path_info}", fingerprint=fingerprint
        )
        if outcome == _Outcome.NEW:
            request._pelita_once = (record, key)
            return None
        if outcome == _Outcome.REPLAY:
            return _replay(record, request=request, key=key)
        if outcome == _Outcome.MISMATCH:
            if _is_api(request):
                return _api_error(
                    422,
                    _(
                        "This %(header)s was already used for another request. Use a new key for a new request."
                    )
                    % {"header": HEADER},
                    field=HEADER,
                )
            return None  # a token copied into another form: treat it as a form without one
        if _is_api(request):
            return _api_error(409, _("The first request with this key is still being processed. Try again."))
        messages.info(request, _("This form is still being sent. Wait a moment, then reload the page."))
        return HttpResponseRedirect(request.path)


def purge(*, now=None) -> int:
    """Delete records older than the 24-hour window. Returns how many went."""
    now = now or timezone.now()
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=now - WINDOW).delete()
    return deleted
