"""Notifications in API v1 (API.md): the list, the unread count, mark one or all read. `since` is an addition
to the contract: a reconnecting client asks for what it missed after the last id it saw."""

from datetime import datetime

from django.utils import timezone
from django.views.decorators.cache import never_cache
from ninja import Query, Router, Schema, Status
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


# --- the person's notification settings (a contract addition) ------------------------------------------------


class KindSetting(Schema):
    kind: str
    label: str = ""
    group: str = ""
    actionable: bool = False
    delivery: str = Field(
        description="instant | digest | app | off (email: e-mail at once, chosen before channels)"
    )
    muted_channels: list[str] = Field(
        default_factory=list, description="Channels switched off for this kind."
    )


class ChannelState(Schema):
    channel: str
    label: str
    verified: bool


class DeliveryOut(Schema):
    notification_id: int
    kind: str
    text: str
    channel: str
    status: str
    sent_at: datetime | None
    reason: str


class NotificationSettingsOut(Schema):
    unread_email_after: int = Field(description="Working minutes (0: never).")
    quiet_start: str
    quiet_end: str
    channels: list[ChannelState]
    kinds: list[KindSetting]
    deliveries: list[DeliveryOut]


class KindSettingIn(Schema):
    kind: str = Field(max_length=40)
    delivery: str = Field(max_length=8)
    muted_channels: list[str] = Field(default_factory=list, max_length=10)


class NotificationSettingsIn(Schema):
    unread_email_after: int | None = None
    quiet_start: str | None = Field(None, max_length=5, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    quiet_end: str | None = Field(None, max_length=5, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    kinds: list[KindSettingIn] = Field(default_factory=list, max_length=200)


def _settings_out(user) -> dict:
    from .channels import CHANNEL_LABELS, channels
    from .selectors import delivery_history, person_settings, preference_choices, verified_channels

    row = person_settings(user=user)
    verified = verified_channels(user_ids=[user.pk]).get(user.pk, set())
    return {
        "unread_email_after": row.unread_email_after,
        "quiet_start": row.quiet_start.strftime("%H:%M"),
        "quiet_end": row.quiet_end.strftime("%H:%M"),
        "channels": [
            {"channel": n, "label": str(CHANNEL_LABELS.get(n, n)), "verified": n in verified}
            for n in channels()
        ],
        "kinds": [
            {**item, "group": group["key"]}
            for group in preference_choices(user=user)
            for item in group["kinds"]
        ],
        "deliveries": delivery_history(user=user, limit=20),
    }


@router.get("/me/notification-settings", response=NotificationSettingsOut, tags=["people"])
def my_notification_settings(request):
    """The kinds the caller's roles receive, each with its delivery and the channels switched off; the
    reminder delay; the quiet hours (WITA); the channels and whether each is verified; the latest deliveries."""
    return _settings_out(request.user)


@router.put("/me/notification-settings", response=NotificationSettingsOut, tags=["people"])
def my_notification_settings_put(request, payload: NotificationSettingsIn):
    """The same shape as GET (read-only fields are ignored); a kind left out keeps its setting."""
    import datetime as dt

    from .services import notification_settings_set

    def parse(value):
        return dt.time.fromisoformat(value) if value else None

    notification_settings_set(
        user=request.user,
        kinds={k.kind: {"delivery": k.delivery, "muted_channels": k.muted_channels} for k in payload.kinds},
        unread_email_after=payload.unread_email_after,
        quiet_start=parse(payload.quiet_start),
        quiet_end=parse(payload.quiet_end),
    )
    return _settings_out(request.user)


# --- the person's phone (SMS, WhatsApp), verified by a one-time code ------------------------------------------


class PhoneIn(Schema):
    phone: str = Field(max_length=32, description="+62… (0812… is read as an Indonesian number)")
    channel: str = Field(
        "", max_length=16, description="Where the code is sent: sms or whatsapp (default: sms)."
    )


class PhoneCodeIn(Schema):
    code: str = Field(max_length=12)


class PhoneOut(Schema):
    phone: str
    verified: bool


def _masked(number: str) -> str:
    from .phones import mask_phone

    return mask_phone(number)


@router.post("/me/phone", response={202: PhoneOut}, tags=["people"])
def my_phone_set(request, payload: PhoneIn):
    """Store the caller's number (unverified) and send it a one-time code; `POST /me/phone/verify` confirms it.
    Nothing else is sent to the number before."""
    from portal.people.throttle import client_ip

    from .phones import phone_start

    point = phone_start(
        user=request.user, phone=payload.phone, channel=payload.channel, ip=client_ip(request)
    )
    return Status(202, {"phone": _masked(point.address), "verified": False})


@router.post("/me/phone/verify", response=PhoneOut, tags=["people"])
def my_phone_verify(request, payload: PhoneCodeIn):
    from .phones import phone_verify

    point = phone_verify(user=request.user, code=payload.code)
    return {"phone": _masked(point.address), "verified": True}


@router.delete("/me/phone", response={204: None}, tags=["people"])
def my_phone_remove(request):
    from .phones import phone_remove

    phone_remove(user=request.user)
    return Status(204, None)


# --- Web Push subscriptions (one per device) ------------------------------------------------------------------


class PushKeys(Schema):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class PushSubscriptionIn(Schema):
    """The browser's PushSubscription.toJSON()."""

    endpoint: str = Field(max_length=1000)
    keys: PushKeys
    expirationTime: int | None = None  # noqa: N815 - the browser's field name


class PushSubscriptionOut(Schema):
    id: int
    device: str
    created_at: datetime
    last_sent_at: datetime | None


class PushSubscriptionPage(Schema):
    count: int
    results: list[PushSubscriptionOut]


def _push_out(sub) -> dict:
    return {
        "id": sub.pk,
        "device": sub.device,
        "created_at": timezone.localtime(sub.created_at),
        "last_sent_at": timezone.localtime(sub.last_sent_at) if sub.last_sent_at else None,
    }


@router.get("/me/push-subscriptions", response=PushSubscriptionPage, tags=["people"])
def my_push_subscriptions(request, params: Query[PageParams]):
    """The caller's devices opted in to Web Push, oldest first (an API.md list: page, page_size)."""
    from .models import PushSubscription

    qs = PushSubscription.objects.filter(user=request.user).order_by("pk")
    return paginate(qs, page=params.page, page_size=params.page_size, serialize=_push_out)


@router.post("/me/push-subscriptions", response={201: PushSubscriptionOut}, tags=["people"])
def my_push_subscribe(request, payload: PushSubscriptionIn):
    """Opt this device in to Web Push: the browser's subscription JSON → 201. The same endpoint again moves it to
    the caller (a shared device) and answers 201 with it."""
    from .push import push_subscribe

    sub = push_subscribe(
        user=request.user,
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        user_agent=request.headers.get("User-Agent", ""),
    )
    return Status(201, _push_out(sub))


@router.delete("/me/push-subscriptions/{subscription_id}", response={204: None}, tags=["people"])
def my_push_unsubscribe(request, subscription_id: int):
    from .push import push_unsubscribe

    push_unsubscribe(user=request.user, subscription_id=subscription_id)
    return Status(204, None)
