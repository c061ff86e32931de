"""Reads of notifications and preferences."""

import logging

from django.core.cache import cache
from django.db.models import CharField, Count, F, IntegerField, Max, Q, Value
from django.utils import translation

from .audiences import person_audiences
from .kinds import KIND_GROUPS, KIND_LABELS, KINDS, is_actionable, kinds_for_audiences
from .models import (
    ContactPoint,
    Delivery,
    Notification,
    NotificationPreference,
    NotificationSettings,
    RoleNotificationDefault,
)
from .targets import registered_targets, visible_among, visible_q

logger = logging.getLogger("pelita.notifications")

BELL_CACHE_SECONDS = 300


def visible_to(*, user):
    """The person's notifications whose target they may still see (portal.notifications.targets)."""
    return Notification.objects.filter(visible_q(user=user), recipient=user)


def visible_first(*, user, queryset, limit: int) -> list[Notification]:
    """The first `limit` rows of `queryset` (the person's notifications, in the caller's order) whose target the
    person may still see — visible_to's rule, applied to the candidates only: one query per batch of
    candidates (4 × limit at a time, read by the recipient's index) and one id lookup per target type among
    them. For short lists on hot pages (the home page's panel), where visible_to's subquery of every thread
    the person can read cost 0.3–0.7 s at national scale; ValueError-free for any stored target id."""
    known = {spec.target for spec in registered_targets()}
    batch, offset, shown = max(4 * limit, 20), 0, []
    while len(shown) < limit:
        rows = list(queryset.filter(recipient=user)[offset : offset + batch])
        offset += batch
        wanted: dict[str, set[str]] = {}
        for n in rows:
            if n.target_type in known:
                wanted.setdefault(n.target_type, set()).add(n.target_id)
        allowed = {t: visible_among(user=user, target=t, ids=ids) for t, ids in wanted.items()}
        shown += [n for n in rows if n.target_type not in known or n.target_id in allowed[n.target_type]]
        if len(rows) < batch:
            break
    return shown[:limit]


def unread_count(*, user) -> int:
    return visible_to(user=user).filter(read_at__isnull=True).count()


def _bell_key(user_id: int) -> str:
    return f"notif:bell:{user_id}"


def bell_state(*, user) -> dict:
    """What the header's bell shows on every page: the unread count and the newest id (where the live client
    starts catching up from). Cached per person and forgotten on every change, so most pages pay no query;
    a cache that is down costs one query, never an error page."""
    key = _bell_key(user.pk)
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("bell: cache unavailable", exc_info=True)
        value = None
    if value is not None:
        return value
    row = visible_to(user=user).aggregate(
        unread=Count("id", filter=Q(read_at__isnull=True)), last_id=Max("id")
    )
    value = {"unread": row["unread"] or 0, "last_id": row["last_id"] or 0}
    try:
        cache.set(key, value, BELL_CACHE_SECONDS)
    except Exception:
        logger.warning("bell: cache unavailable", exc_info=True)
    return value


def forget_bell(user_ids) -> None:
    try:
        cache.delete_many([_bell_key(pk) for pk in user_ids])
    except Exception:
        logger.warning("bell: cache unavailable", exc_info=True)


def notifications_for(*, user, unread: bool = False, since: int | None = None):
    """The person's notifications, newest first. `since`: only those after that id (a reconnecting client)."""
    qs = visible_to(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if since is not None:
        qs = qs.filter(pk__gt=since)
    return qs.order_by("-pk")


def notification_text(notification: Notification, *, language: str | None = None) -> str:
    """The text in the given language (default: the active one), from the kind and its parameters; the text
    stored at creation (in the recipient's language then) when the kind is no longer known."""
    template = KINDS.get(notification.kind)
    if template is None:
        return notification.text
    try:
        with translation.override(language or translation.get_language()):
            return str(template % notification.params)[:300]
    except (KeyError, TypeError, ValueError):
        return notification.text


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


# Parameters Pelita itself names (a case code, a service, an agency, a forum, a year, a date): safe outside it.
OUTSIDE_SAFE_PARAMS = frozenset({"case", "service", "agency", "forum", "year", "when", "due"})


def outside_text(notification: Notification, *, language: str | None = None) -> str:
    """What leaves Pelita about a notification (e-mail subject and body, SMS, WhatsApp, push): its own text
    when every parameter of its kind is one Pelita names (OUTSIDE_SAFE_PARAMS), else its kind and the case
    code. Thread, meeting and story titles, action items, a moderator's reason and people's display names are
    typed by people, and people type children's names into them."""
    import re

    template = KINDS.get(notification.kind)
    with translation.override(language or translation.get_language()):
        if template is not None:
            with translation.override(None):
                wanted = set(re.findall(r"%\((\w+)\)s", str(template)))
            if wanted <= OUTSIDE_SAFE_PARAMS:
                return notification_text(notification, language=language)
    return outside_label(notification, language=language)


def outside_label(notification: Notification, *, language: str | None = None) -> str:
    """The shortest text outside Pelita (SMS, WhatsApp, push, and e-mail for kinds with typed parameters):
    the kind's label and the case code."""
    params = notification.params if isinstance(notification.params, dict) else {}
    case = params.get("case")
    with translation.override(language or translation.get_language()):
        return kind_label(notification.kind) + (f" {case}" if case else "")


# How far a delivery reaches, to pick among the defaults of a person's several roles.
REACH = {Delivery.INSTANT: 4, Delivery.EMAIL: 3, Delivery.DIGEST: 2, Delivery.APP: 1, Delivery.OFF: 0}


def builtin_default(kind: str) -> str:
    """At once for what asks to act, the daily digest for the rest."""
    return Delivery.INSTANT if is_actionable(kind) else Delivery.DIGEST


def audiences_of(user_ids) -> dict[int, set[str]]:
    """person_audiences() for many people in three queries (notify's fan-out)."""
    from django.contrib.auth import get_user_model

    from portal.agencies.models import Agency
    from portal.people.models import Membership

    from .audiences import EDITOR_GROUPS
    from .kinds import AUDIENCES, EDITOR, LIAISON

    user_ids = list(user_ids)
    found: dict[int, set[str]] = {pk: set() for pk in user_ids}
    for uid, role in (
        Membership.objects.filter(user_id__in=user_ids).values_list("user_id", "role").distinct()
    ):
        found[uid].add(role)
    User = get_user_model()
    agency_groups = Agency.objects.values("group_id")
    for uid in User.objects.filter(pk__in=user_ids, groups__in=agency_groups).values_list("pk", flat=True):
        found[uid].add(LIAISON)
    editors = User.objects.filter(pk__in=user_ids).filter(
        Q(is_staff=True) | Q(groups__name__in=EDITOR_GROUPS)
    )
    for uid in editors.values_list("pk", flat=True):
        found[uid].add(EDITOR)
    for uid in User.objects.filter(pk__in=user_ids, is_superuser=True).values_list("pk", flat=True):
        found[uid] = set(AUDIENCES)
    return found


def role_defaults(kind: str) -> dict[str, tuple[str, list]]:
    return {
        role: (delivery, muted or [])
        for role, delivery, muted in RoleNotificationDefault.objects.filter(kind=kind).values_list(
            "role", "delivery", "muted_channels"
        )
    }


def _pick(defaults: dict, audiences: set[str]):
    best = None
    for role in audiences:
        choice = defaults.get(role)
        if choice is not None and (best is None or REACH[choice[0]] > REACH[best[0]]):
            best = choice
    return best


def effective_choices(*, user_ids, kind: str) -> dict[int, tuple[str, list, bool]]:
    """For each person: (delivery, channels switched off, chosen by the person) for `kind`: their own choice,
    else the default an administrator set for one of their roles, else the built-in default."""
    user_ids = list(user_ids)
    # The people's own choices and the roles' defaults for the kind in one query (a UNION ALL: a person's row
    # has no role, a role's row no person).
    own = NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).annotate(
        c_user=F("user_id"), c_role=Value("", output_field=CharField()), c_delivery=F("delivery"),
        c_muted=F("muted_channels"),
    )  # fmt: skip
    by_role = RoleNotificationDefault.objects.filter(kind=kind).annotate(
        c_user=Value(None, output_field=IntegerField()), c_role=F("role"), c_delivery=F("delivery"),
        c_muted=F("muted_channels"),
    )  # fmt: skip
    columns = ("c_user", "c_role", "c_delivery", "c_muted")
    result, defaults = {}, {}
    both = own.order_by().values_list(*columns).union(by_role.order_by().values_list(*columns), all=True)
    for uid, role, delivery, muted in both:
        if uid is None:
            defaults[role] = (delivery, muted or [])
        else:
            result[uid] = (delivery, muted or [], True)
    rest = [uid for uid in user_ids if uid not in result]
    if not rest:
        return result
    audiences = audiences_of(rest) if defaults else {}
    builtin = (builtin_default(kind), [], False)
    for uid in rest:
        picked = _pick(defaults, audiences.get(uid, set())) if defaults else None
        result[uid] = (picked[0], picked[1], False) if picked else builtin
    return result


def verified_channels(*, user_ids, emails: dict[int, str] | None = None) -> dict[int, set[str]]:
    """The channels each person verified (an e-mail address still equal to the account's, a phone number).
    `emails` ({person id: the account's address}, for all of `user_ids`) saves reading the accounts again when
    the caller holds them (notify())."""
    from django.contrib.auth import get_user_model

    if emails is None:
        emails = dict(get_user_model().objects.filter(pk__in=list(user_ids)).values_list("pk", "email"))
    found: dict[int, set[str]] = {pk: set() for pk in emails}
    for uid, channel, address in ContactPoint.objects.filter(
        user_id__in=list(emails), verified_at__isnull=False
    ).values_list("user_id", "channel", "address"):
        if channel == "email" and (not emails.get(uid) or address.lower() != emails[uid].lower()):
            continue  # the account's address changed since it was verified
        found[uid].add(channel)
    from .channels import channels, push_subscribers

    phones = {
        name for name, backend in channels().items() if getattr(backend, "phone", False) and name != "push"
    }
    for found_here in found.values():
        if "phone" in found_here:
            found_here.discard("phone")
            found_here |= phones
    for uid in push_subscribers(user_ids=list(emails)):
        found[uid].add("push")
    return found


def default_choice(*, user, kind: str) -> tuple[str, list]:
    """The person's delivery for `kind` if they had made no choice: their roles' default, else the built-in."""
    defaults = role_defaults(kind)
    picked = _pick(defaults, person_audiences(user)) if defaults else None
    return (picked[0], sorted(picked[1])) if picked else (builtin_default(kind), [])


def visible_kinds(*, user) -> list[str]:
    """The kinds the person's roles can receive, in the registry's order."""
    return kinds_for_audiences(person_audiences(user))


def preference_choices(*, user) -> list[dict]:
    """The settings page and API: the kinds the person's roles receive, grouped, each with the person's
    current (or default) delivery and the channels switched off for it."""
    kinds = visible_kinds(user=user)
    chosen = {
        kind: (delivery, muted or [], True)
        for kind, delivery, muted in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "delivery", "muted_channels"
        )
    }
    audiences = person_audiences(user)
    defaults_by_kind: dict[str, dict] = {}
    for role, kind, delivery, muted in RoleNotificationDefault.objects.filter(role__in=audiences).values_list(
        "role", "kind", "delivery", "muted_channels"
    ):
        defaults_by_kind.setdefault(kind, {})[role] = (delivery, muted or [])
    groups: dict[str, dict] = {}
    for kind in kinds:
        if kind in chosen:
            delivery, muted, explicit = chosen[kind]
        else:
            picked = _pick(defaults_by_kind.get(kind, {}), audiences)
            delivery, muted = picked if picked else (builtin_default(kind), [])
            explicit = False
        prefix = kind.split(".", 1)[0]
        group = groups.setdefault(
            prefix, {"key": prefix, "title": str(KIND_GROUPS.get(prefix, prefix)), "kinds": []}
        )
        group["kinds"].append(
            {
                "kind": kind,
                "label": kind_label(kind),
                "actionable": is_actionable(kind),
                "delivery": delivery,
                "muted_channels": list(muted),
                "chosen": explicit,
            }
        )
    return list(groups.values())


def person_settings(*, user) -> NotificationSettings:
    """The person's settings row, or an unsaved one with the defaults."""
    row = NotificationSettings.objects.filter(user=user).first()
    return row or NotificationSettings(user=user)


def unread_email_after(*, user) -> int:
    return person_settings(user=user).unread_email_after


def delivery_history(*, user, limit: int = 20) -> list[dict]:
    """The person's latest deliveries ("sent to WhatsApp 08:14"), on their settings page and in the API."""
    from django.utils import timezone

    from .channels import CHANNEL_LABELS
    from .models import NotificationDelivery

    rows = (
        NotificationDelivery.objects.filter(
            recipient=user, notification__in=visible_to(user=user).values("pk")
        )
        .select_related("notification")
        .order_by("-pk")[:limit]
    )
    return [
        {
            "notification_id": d.notification_id,
            "kind": d.notification.kind,
            "text": notification_text(d.notification),
            "channel": d.channel,
            "channel_label": str(CHANNEL_LABELS.get(d.channel, d.channel)),
            "status": d.status,
            "status_label": d.get_status_display(),
            "sent_at": timezone.localtime(d.sent_at) if d.sent_at else None,
            "updated_at": timezone.localtime(d.updated_at),
            "reason": d.last_error if d.status != "sent" else "",
        }
        for d in rows
    ]
