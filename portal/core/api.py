import math
from datetime import datetime

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from portal.agencies.selectors import user_agencies
from portal.core.schemas import Line
from portal.people.credentials import token_revoke
from portal.people.selectors import user_memberships
from portal.people.services import token_issue
from portal.people.throttle import (
    client_ip,
    login_failed,
    login_succeeded,
    login_throttled_message,
    login_wait,
)

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: Line(150)
    password: str = Field(max_length=4096)  # exactly as typed: never trimmed or blank-cleaned


class TokenOut(Schema):
    token: str
    expires_at: datetime


class Detail(Schema):
    detail: str


class MembershipOut(Schema):
    area: str
    role: str


class AgencyRef(Schema):
    id: int
    name: str


class MeOut(Schema):
    username: str
    display_name: str
    memberships: list[MembershipOut]
    agencies: list[AgencyRef]


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: Detail, 429: Detail})
def auth_token(request, payload: TokenIn):
    ip = client_ip(request)
    wait = login_wait(username=payload.username, ip=ip)
    if wait > 0:
        from portal.api import api

        response = api.create_response(request, {"detail": login_throttled_message(wait)}, status=429)
        response["Retry-After"] = str(math.ceil(wait))
        return response
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        login_failed(username=payload.username, ip=ip)
        return Status(401, {"detail": _("Wrong username or password.")})
    login_succeeded(username=payload.username, ip=ip)
    key, token = token_issue(user=user)
    return Status(200, {"token": key, "expires_at": token.expires_at})


@router.delete("/auth/token", response={204: None, 401: Detail})
def auth_token_revoke(request):
    """Revoke the bearer token this request presents (`Authorization: Bearer <token>`): it stops working at
    once, and the WebSockets it opened are closed with 4401. A request authenticated by a session cookie has no
    token to revoke: 401."""
    key = getattr(request, "pelita_token", None)
    if not key:
        return Status(401, {"detail": _("Send the token to revoke as a bearer token.")})
    token_revoke(key=key)
    return Status(204, None)


@router.get("/me", response=MeOut, tags=["people"])
def me(request):
    user = request.user
    return {
        "username": user.username,
        "display_name": user.shown_name,
        "memberships": [{"area": m.area.code, "role": m.role} for m in user_memberships(user=user)],
        "agencies": [{"id": a.pk, "name": a.name} for a in user_agencies(user=user)],
    }
