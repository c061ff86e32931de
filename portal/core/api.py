from datetime import datetime

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from portal.agencies.selectors import user_agencies
from portal.core.schemas import Line
from portal.people.selectors import user_memberships
from portal.people.services import token_issue
from portal.people.throttle import client_ip, login_blocked, login_failed, login_succeeded

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
    if login_blocked(username=payload.username, ip=ip):
        return Status(429, {"detail": _("Too many failed attempts. Wait 15 minutes and try again.")})
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        login_failed(username=payload.username, ip=ip)
        return Status(401, {"detail": _("Wrong username or password.")})
    login_succeeded(username=payload.username, ip=ip)
    key, token = token_issue(user=user)
    return Status(200, {"token": key, "expires_at": token.expires_at})


@router.get("/me", response=MeOut, tags=["people"])
def me(request):
    user = request.user
    return {
        "username": user.username,
        "display_name": user.shown_name,
        "memberships": [{"area": m.area.code, "role": m.role} for m in user_memberships(user=user)],
        "agencies": [{"id": a.pk, "name": a.name} for a in user_agencies(user=user)],
    }
