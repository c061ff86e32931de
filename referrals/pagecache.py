"""What the cached agency inbox depends on, and the bumps that keep it true (portal.core.pagecache holds the
mechanism; issue 17, hot pages). Version keys:

- `pc:rag:<agency>`: the referrals an agency received (its inbox rows, tab counts and kecamatan list). Bumped by
  every save or delete of one of its referrals (create, send, accept, claim, start, decline, withdraw, complete,
  remind, reassign, the overdue sweep's raise), of a referral event, of a case of one of its referrals (village,
  needs, closing, anonymising) and of the agency itself (name, one-step accept), and by a liaison joining or
  leaving it. (Not `pc:ra:`, which forums/pagecache.py uses for a person's "mark all read".)
- `pc:rv:<person>`: what the person may do and see as a viewer (their groups: agencies; superuser, staff,
  active; area memberships: the navigation's sections).
- `pc:rg`: what every inbox shows of the world: people's names (senders, liaisons who handle), areas' names
  (villages, kecamatan), services' names.

Writes reach these keys through model signals (connected in ReferralsConfig.ready): post_save/post_delete of
Referral, ReferralEvent, ChildCase, Agency, Service, Area, Membership and the user, and m2m_changed of the
user's groups. A signal, not a call in each service, so a new service function cannot forget one; the only
bulk `.update()` calls (privacy.py's anonymising, demo.py's seeding) bump by hand. A new key token on every
write (random, never derived from ids or data): an id reused by SQLite after a test's rollback finds no page
of another test (each test run also has its own cache prefix, PELITA_TEST_CACHE_PREFIX, and the cache is
cleared between tests).

Time: a referral becomes overdue when its deadline passes, with no write. The tab counts computed with the
page also give the next moment an open referral of these agencies passes a deadline (`next_due`); a cached
page, count or kecamatan list is used only before it (plus the sweep's own raise bumps the agency). So the
"Overdue" tab, its count and the rows' "Overdue" badges are exact, never a TTL's guess.

Public API: `agency_key`, `viewer_key`, `GLOBAL`, `touch_agencies`, `touch_case`, `connect`."""

from portal.core.pagecache import bump

GLOBAL = "pc:rg"


def agency_key(agency_id) -> str:
    return f"pc:rag:{agency_id}"


def viewer_key(user_id) -> str:
    return f"pc:rv:{user_id}"


def touch_agencies(agency_ids) -> None:
    bump(*sorted({agency_key(a) for a in agency_ids if a}))


def touch_case(case_id) -> None:
    """A case changed (its village, needs, state): the inboxes of every agency it was referred to."""
    from .models import Referral

    touch_agencies(Referral.objects.filter(case_id=case_id).values_list("agency_id", flat=True).distinct())


# --- signals ---------------------------------------------------------------------------------------------------

NAME_FIELDS = {"display_name", "first_name", "last_name", "username"}
RIGHTS_FIELDS = {"is_superuser", "is_active", "is_staff"}


def _on_referral(sender, instance, **kwargs):
    ids = {instance.agency_id}
    old = getattr(instance, "_pc_agency_id", None)  # reassigned: the inbox it left too
    if old:
        ids.add(old)
    touch_agencies(ids)


def _on_referral_init(sender, instance, **kwargs):
    instance._pc_agency_id = instance.__dict__.get("agency_id")


def _on_event(sender, instance, **kwargs):
    from .models import Referral

    agency = Referral.objects.filter(pk=instance.referral_id).values_list("agency_id", flat=True).first()
    touch_agencies([agency])


def _on_case(sender, instance, created=False, **kwargs):
    if not created:
        touch_case(instance.pk)


def _on_agency(sender, instance, **kwargs):
    touch_agencies([instance.pk])


def _on_global(sender, **kwargs):
    bump(GLOBAL)


def _on_user(sender, instance, created=False, update_fields=None, **kwargs):
    if created:
        bump(viewer_key(instance.pk))
        return
    fields = set(update_fields) if update_fields is not None else None
    if fields is None or fields & NAME_FIELDS:
        bump(GLOBAL)
    if fields is None or fields & (RIGHTS_FIELDS | {"is_active"}):
        bump(viewer_key(instance.pk))


def _on_membership(sender, instance, **kwargs):
    if getattr(instance, "user_id", None):
        bump(viewer_key(instance.user_id))


def _agencies_of_groups(group_ids) -> list[int]:
    from portal.agencies.models import Agency

    return list(Agency.objects.filter(group_id__in=list(group_ids)).values_list("pk", flat=True))


def _on_groups(sender, instance, action, reverse, pk_set, **kwargs):
    """A person joined or left groups (a liaison added to or removed from an agency)."""
    from django.contrib.auth.models import Group

    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:  # user.groups.add(...): instance is the person, pk_set the groups
        groups = pk_set if action != "pre_clear" else set(instance.groups.values_list("pk", flat=True))
        users = {instance.pk}
    else:  # group.user_set.add(...): instance is the group
        groups = {instance.pk}
        users = pk_set if action != "pre_clear" else set(instance.user_set.values_list("pk", flat=True))
    if isinstance(instance, Group) or groups:
        touch_agencies(_agencies_of_groups(groups or ()))
    bump(*(viewer_key(u) for u in users or ()))


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

    from portal.agencies.models import Agency, Service
    from portal.areas.models import Area, AreaImport
    from portal.people.models import Membership

    from .models import ChildCase, Referral, ReferralEvent

    user = get_user_model()
    post_init.connect(_on_referral_init, sender=Referral, dispatch_uid="referrals.pc.init")
    pairs = [
        (Referral, _on_referral),
        (ReferralEvent, _on_event),
        (ChildCase, _on_case),
        (Agency, _on_agency),
        (Service, _on_global),
        (Area, _on_global),
        # The official tree reloaded: its renames are a bulk update (no Area signal).
        (AreaImport, _on_global),
        (Membership, _on_membership),
    ]
    for model, handler in pairs:
        for signal in (post_save, post_delete):
            signal.connect(handler, sender=model, dispatch_uid=f"referrals.pc.{model.__name__}.{signal}")
    post_save.connect(_on_user, sender=user, dispatch_uid="referrals.pc.user")
    post_delete.connect(_on_user, sender=user, dispatch_uid="referrals.pc.user.delete")
    m2m_changed.connect(_on_groups, sender=user.groups.through, dispatch_uid="referrals.pc.groups")
