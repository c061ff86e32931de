"""Whether a person may still see what a notification points at (issue 18.4): a notification whose target
the recipient can no longer see — a thread moved to a forum they cannot read, a referral no longer theirs —
is hidden from the list, the unread count, the bell, the digest and the e-mails not yet sent. Its text (the
thread's title) is never shown again.

Products register their targets in their AppConfig.ready():

    register_notification_target(
        url_name="forums:thread", target="forums.thread", kwarg="pk",
        visible=lambda user: <a queryset of the target ids the user may see, one column>,
    )

notify() stores each notification's target (found from its link by the URL resolver) in `target_type` /
`target_id`; `visible_q(user)` is one filter for every registered target, each a subquery, so a list stays one
query whatever its length. A notification without a registered target is always shown."""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import Resolver404, resolve


@dataclass(frozen=True)
class Target:
    url_name: str
    target: str
    kwarg: str
    visible: Callable  # (user) -> QuerySet with one column: the ids the user may see


_BY_URL: dict[str, Target] = {}


def register_notification_target(*, url_name: str, target: str, kwarg: str, visible: Callable) -> None:
    """Declare that notifications linking to `url_name` point at `target` (its id in the URL's `kwarg`), and
    how to list the ids a person may see (`visible(user)`: a queryset of one column)."""
    _BY_URL[url_name] = Target(url_name=url_name, target=target, kwarg=kwarg, visible=visible)


def registered_targets() -> list[Target]:
    return list(_BY_URL.values())


def target_of(url: str) -> tuple[str, str]:
    """(target type, id) of a notification's link, ("", "") when none is registered for it."""
    path = (url or "").split("#", 1)[0].split("?", 1)[0]
    if not path:
        return "", ""
    try:
        match = resolve(path)
    except Resolver404:
        return "", ""
    name = f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or "")
    spec = _BY_URL.get(name)
    if spec is None or spec.kwarg not in match.kwargs:
        return "", ""
    return spec.target, str(match.kwargs[spec.kwarg])[:64]


def visible_q(*, user) -> Q:
    """Notifications whose target the person may still see (or that have no registered target)."""
    q = Q(target_type="")
    known = set()
    for spec in {s.target: s for s in _BY_URL.values()}.values():
        known.add(spec.target)
        ids = spec.visible(user)
        column = ids.query.values_select[0] if ids.query.values_select else "pk"
        ids = ids.annotate(_pelita_target_key=Cast(column, output_field=CharField())).values(
            "_pelita_target_key"
        )
        q |= Q(target_type=spec.target, target_id__in=ids)
    # A target type no product registers any more (an app removed): shown, as before.
    q |= ~Q(target_type__in=known) if known else Q()
    return q


def visible_among(*, user, target: str, ids) -> set[str]:
    """Which of `ids` (target ids as stored: strings) of the registered `target` the person may see: one id
    lookup on the target's own queryset, instead of the subquery of everything they may see (visible_q)."""
    spec = next((s for s in _BY_URL.values() if s.target == target), None)
    if spec is None:
        return set(ids)
    qs = spec.visible(user)
    column = qs.query.values_select[0] if qs.query.values_select else "pk"
    field = qs.model._meta.pk if column == "pk" else qs.model._meta.get_field(column)
    wanted = []
    for value in ids:
        # A stored id that is not an id of this target (the URL converter let it through) is never visible.
        with suppress(ValidationError, ValueError, TypeError):
            wanted.append(field.to_python(value))
    if not wanted:
        return set()
    return {str(v) for v in qs.filter(**{f"{column}__in": wanted}).values_list(column, flat=True)}
