"""Notifications in API v1 (API.md): the list, the unread count, mark one or all read. `since` is an addition
to the contract: a reconnecting client asks for what it missed after the last id it saw."""

from datetime import datetime

from django.utils import timezone
from django.views.decorators.cache import never_cache
from ninja import Query, Router, Schema
from pydantic import Field

from portal.core.pagination import PageParams, paginate
from portal.core.schemas import PositiveInt

from .selectors import notification_text, notifications_for, unread_count
from .services import notification_mark_read, notifications_mark_all_read

router = Router(tags=["notifications"])
# Notifications name cases, agencies and people: every answer is Cache-Control: no-store, private (issue 19.6).
router.add_decorator(never_cache, mode="view")


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    count: int
    results: list[NotificationOut]


class UnreadCount(Schema):
    unread_count: int


class ListParams(PageParams):
    unread: bool = Field(False, description="Only notifications not read yet.")
    since: PositiveInt | None = Field(
        None,
        description=(
            "Only notifications newer than the notification with this id (the live client's catch-up after a "
            "reconnect: the last id it saw). An addition to the shared contract."
        ),
    )


def _serialize(user):
    def serialize(n):
        return {
            "id": n.pk,
            "kind": n.kind,
            "text": notification_text(n, language=user.language),
            "url": n.url,
            "created_at": timezone.localtime(n.created_at),
            "read_at": timezone.localtime(n.read_at) if n.read_at else None,
        }

    return serialize


@router.get("/notifications", response=NotificationPage)
def notification_list(request, params: Query[ListParams]):
    """The caller's notifications, newest first. `unread=true`: only unread; `since=<id>`: only newer than it."""
    qs = notifications_for(user=request.user, unread=params.unread, since=params.since)
    return paginate(qs, page=params.page, page_size=params.page_size, serialize=_serialize(request.user))


@router.get("/notifications/unread-count", response=UnreadCount)
def notification_unread_count(request):
    return {"unread_count": unread_count(user=request.user)}


@router.post("/notifications/read-all", response=UnreadCount)
def notification_read_all(request):
    notifications_mark_all_read(user=request.user)
    return {"unread_count": unread_count(user=request.user)}


@router.post("/notifications/{notification_id}/read", response=UnreadCount)
def notification_read(request, notification_id: int):
    notification_mark_read(user=request.user, notification_id=notification_id)
    return {"unread_count": unread_count(user=request.user)}
