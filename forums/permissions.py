"""Guardian grants on forums, always derived from memberships (never granted by hand):

- a member (anggota) or case worker (pendamping) of an area reads and posts in that area's forum;
- a facilitator or coordinator of an area reads, posts and moderates in that area's forum and every forum
  below it;
- agency liaisons and communications staff get nothing unless they also hold a membership.

`sync_forum_permissions(user)` recomputes one person's grants (called by the people services on every
membership change); `forum_grant_new(forum)` grants a newly created forum to the people of its area and to
its overseers. Checks read the direct foreign-key table in one query."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from portal.areas.models import Area
from portal.people.models import OVERSEER_ROLES, Membership, Role

from .models import Forum, ForumUserObjectPermission
from .pagecache import touch_people

VIEW = "view_forum"
POST = "post_in_forum"
MODERATE = "moderate_forum"
ALL = frozenset({VIEW, POST, MODERATE})
MEMBER_PERMS = frozenset({VIEW, POST})
PARTICIPANT_ROLES = (Role.MEMBER, Role.CASE_WORKER)


def _permissions() -> dict[str, Permission]:
    ct = ContentType.objects.get_for_model(Forum)
    return {p.codename: p for p in Permission.objects.filter(content_type=ct, codename__in=ALL)}


def _forums_within(area: Area):
    low, high = area.descendant_range()
    return Forum.objects.filter(Q(area__code=area.code) | Q(area__code__gt=low, area__code__lt=high))


def _wanted(user) -> dict[int, set[str]]:
    from .services import forum_ensure

    wanted: dict[int, set[str]] = {}
    memberships = list(Membership.objects.filter(user=user).select_related("area"))
    for m in memberships:
        if m.role in PARTICIPANT_ROLES:
            forum = forum_ensure(area=m.area, grant=False)
            wanted.setdefault(forum.pk, set()).update(MEMBER_PERMS)
        elif m.role in OVERSEER_ROLES:
            forum_ensure(area=m.area, grant=False)
            for forum_id in _forums_within(m.area).values_list("pk", flat=True):
                wanted.setdefault(forum_id, set()).update(ALL)
    return wanted


@transaction.atomic
def sync_forum_permissions(user) -> None:
    wanted = _wanted(user) if user.is_active else {}
    held: dict[int, set[str]] = {}
    for forum_id, codename in ForumUserObjectPermission.objects.filter(user=user).values_list(
        "content_object_id", "permission__codename"
    ):
        held.setdefault(forum_id, set()).add(codename)
    perms = _permissions()
    to_add, to_remove = [], []
    for forum_id in set(wanted) | set(held):
        want, have = wanted.get(forum_id, set()), held.get(forum_id, set())
        to_add += [(forum_id, c) for c in want - have]
        to_remove += [(forum_id, c) for c in have - want]
    for forum_id, codename in to_remove:
        ForumUserObjectPermission.objects.filter(
            user=user, content_object_id=forum_id, permission=perms[codename]
        ).delete()
    ForumUserObjectPermission.objects.bulk_create(
        [
            ForumUserObjectPermission(user=user, content_object_id=forum_id, permission=perms[codename])
            for forum_id, codename in to_add
        ],
        ignore_conflicts=True,
    )
    touch_people([user.pk])  # their roles changed: their cached pages and navigation go (forums/pagecache.py)


def forum_grant_new(forum: Forum) -> None:
    """A forum created later: grant it to the members of its area and the overseers of it (and above)."""
    perms = _permissions()
    area = forum.area
    rows = []
    seen: set[tuple[int, str]] = set()
    participants = Membership.objects.filter(area=area, role__in=PARTICIPANT_ROLES).values_list(
        "user_id", flat=True
    )
    overseers = Membership.objects.filter(
        area__code__in=area.lineage_codes, role__in=OVERSEER_ROLES
    ).values_list("user_id", flat=True)
    for user_id in participants:
        for codename in MEMBER_PERMS:
            seen.add((user_id, codename))
    for user_id in overseers:
        for codename in ALL:
            seen.add((user_id, codename))
    for user_id, codename in seen:
        rows.append(
            ForumUserObjectPermission(user_id=user_id, content_object=forum, permission=perms[codename])
        )
    ForumUserObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)
    touch_people({user_id for user_id, _codename in seen})


def forum_perms(*, user, forum: Forum) -> frozenset[str]:
    """What this person may do in this forum: one query (cached on the forum object for the request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL
    cache = forum.__dict__.setdefault("_perm_cache", {})
    if user.pk not in cache:
        cache[user.pk] = frozenset(
            ForumUserObjectPermission.objects.filter(user=user, content_object=forum).values_list(
                "permission__codename", flat=True
            )
        )
    return cache[user.pk]


def readable_forum_ids(*, user):
    """A subquery of the forums this person can read (for search and lists: filtering in the database)."""
    if user.is_superuser:
        return Forum.objects.values("pk")
    return ForumUserObjectPermission.objects.filter(user=user, permission__codename=VIEW).values(
        "content_object_id"
    )


def forum_moderators(forum: Forum):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            forumuserobjectpermission__content_object=forum,
            forumuserobjectpermission__permission__codename=MODERATE,
        )
        .distinct()
    )
