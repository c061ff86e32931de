"""Reads: who may see which case and referral, and how much of it. Permission filtering happens in the
database (joins on the case team and the agency's group), never in a loop over objects."""

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Concat
from django.db.models.lookups import StartsWith
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_perms

from portal.agencies.models import Agency
from portal.areas.models import Area, Level
from portal.audit.models import AuditEntry
from portal.core.errors import NotFound
from portal.core.workdays import days_overdue
from portal.people.models import OVERSEER_ROLES, Membership, Role
from portal.people.selectors import user_oversees_area

from .models import (
    ENDED_STATUSES,
    IDENTITY_FIELDS,
    OPEN_STATUSES,
    CaseTeamMember,
    ChildCase,
    Consent,
    Referral,
    ReferralEvent,
    ReferralMessage,
    Status,
)
from .transitions import LIAISON, TEAM, TRANSITIONS

MAX_ID = 2**63 - 1  # larger ids cannot exist (and crash the database driver)

# How much of a case a person sees.
ACCESS_TEAM = "team"  # the case team: everything
ACCESS_LIAISON = "liaison"  # a liaison of an agency with an open referral: the fields that referral shares
ACCESS_OVERSEER = (
    "overseer"  # facilitators and coordinators above the case's area: code, desa, needs, statuses
)


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()


def _group_ids(user) -> list[int]:
    if not hasattr(user, "_pelita_group_ids"):
        user._pelita_group_ids = list(user.groups.values_list("pk", flat=True))
    return user._pelita_group_ids


def _referral_perms(user, referral: Referral) -> set[str]:
    """guardian's get_perms(user, referral) (the person's own and their groups' object permissions on the
    referral), in two slim queries on the direct foreign-key tables: one join to the permission for its codename,
    no content-type join, no checker; the referral page's share of guardian was ~2 ms of CPU (issue 17).
    Superusers keep guardian's answer (every permission of the model)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import ReferralGroupObjectPermission, ReferralUserObjectPermission

    if not user.is_active:
        return set()
    if user.is_superuser:
        return set(get_perms(user, referral))
    ctype = ContentType.objects.get_for_model(Referral)  # cached per process
    own = ReferralUserObjectPermission.objects.filter(
        user_id=user.pk, content_object_id=referral.pk, permission__content_type_id=ctype.pk
    ).values_list("permission__codename", flat=True)
    groups = _group_ids(user)
    shared = (
        ReferralGroupObjectPermission.objects.filter(
            group_id__in=groups, content_object_id=referral.pk, permission__content_type_id=ctype.pk
        ).values_list("permission__codename", flat=True)
        if groups
        else []
    )
    return set(own) | set(shared)


def is_case_team(*, user, case: ChildCase) -> bool:
    return (
        user.is_authenticated
        and CaseTeamMember.objects.filter(case=case, user=user, user__is_active=True).exists()
    )


def is_case_worker_anywhere(*, user) -> bool:
    return user.is_authenticated and Membership.objects.filter(user=user, role=Role.CASE_WORKER).exists()


def case_worker_areas(*, user) -> QuerySet[Area]:
    """The desa and dusun a case worker may register children in: where they hold the role, and below."""
    codes = list(
        Membership.objects.filter(user=user, role=Role.CASE_WORKER).values_list("area__code", flat=True)
    )
    if not codes:
        return Area.objects.none()
    q = Q()
    for code in codes:
        q |= Q(code=code) | Q(code__startswith=code + ".")
    return Area.objects.filter(q, level__in=[Level.VILLAGE, Level.HAMLET]).select_related("parent")


def cases_for_team(*, user, q: str = "") -> QuerySet[ChildCase]:
    """The cases on the person's team (the only ones whose identity they see), newest first."""
    if not user.is_authenticated:
        return ChildCase.objects.none()
    qs = ChildCase.objects.filter(team__user=user).select_related("area", "village")
    if q:
        q = q.strip()
        qs = qs.filter(Q(code__icontains=q) | Q(child_name__icontains=q))
    return qs.prefetch_related(
        "needs",
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related("service", "agency").order_by("-created_at"),
        ),
    ).order_by("-created_at", "-pk")


@dataclass
class CaseAccess:
    case: ChildCase
    level: str
    # For a liaison: the identity fields their open referrals share.
    fields: tuple[str, ...] = field(default_factory=tuple)
    # For a liaison (who oversees nothing here): the only referrals of the case they see (those to their own
    # agencies) and the only needs (those of those referrals' services). None: no such limit.
    referral_ids: frozenset[int] | None = None
    service_ids: frozenset[int] | None = None

    @property
    def sees_identity(self) -> bool:
        return self.level in (ACCESS_TEAM, ACCESS_LIAISON)


def case_access(*, user, code: str) -> CaseAccess:
    """How much of a case the person sees; NotFound for anyone with no access (the same as no such case)."""
    if not user.is_authenticated:
        raise NotFound()
    case = (
        ChildCase.objects.select_related("area", "village", "village__parent")
        .filter(code=normalize_code(code))
        .first()
    )
    if case is None:
        raise NotFound()
    if is_case_team(user=user, case=case):
        return CaseAccess(case=case, level=ACCESS_TEAM, fields=IDENTITY_FIELDS)
    groups = _group_ids(user)
    agency_referrals = (
        list(
            Referral.objects.filter(case=case, agency__group__in=groups)
            .exclude(status=Status.DRAFT)
            .only("pk", "status", "service_id", "shared_fields", "agency_id")
        )
        if groups
        else []
    )
    shared: list[str] = []
    for referral in agency_referrals:
        if referral.status in OPEN_STATUSES and "view_referral_identity" in get_perms(user, referral):
            shared += [f for f in referral.shared_fields if f not in shared]
    oversees = user_oversees_area(user=user, area=case.village, roles=OVERSEER_ROLES)
    if shared:
        return CaseAccess(
            case=case,
            level=ACCESS_LIAISON,
            fields=tuple(f for f in IDENTITY_FIELDS if f in shared),
            # A liaison sees their own agencies' referrals and the needs they concern; one who also oversees
            # the desa sees every referral's status and every need, as an overseer does (never more identity).
            referral_ids=None if oversees else frozenset(r.pk for r in agency_referrals),
            service_ids=None if oversees else frozenset(r.service_id for r in agency_referrals),
        )
    if oversees:
        return CaseAccess(case=case, level=ACCESS_OVERSEER)
    raise NotFound()


def case_needs_seen(*, access: CaseAccess) -> list:
    """The case's needs the person sees: all of them, or for a liaison those of their referrals' services."""
    needs = list(access.case.needs.all())
    if access.service_ids is None:
        return needs
    return [s for s in needs if s.pk in access.service_ids]


def case_referrals_seen(*, access: CaseAccess) -> QuerySet[Referral]:
    """The case's referrals the person sees: all of them, or for a liaison only those to their agencies."""
    qs = case_referrals(case=access.case)
    if access.referral_ids is not None:
        qs = qs.filter(pk__in=access.referral_ids)
    return qs


def case_team(*, case: ChildCase) -> list:
    return [m.user for m in case.team.select_related("user").order_by("added_at")]


def case_consents(*, case: ChildCase) -> QuerySet[Consent]:
    return case.consents.select_related("recorded_by", "withdrawn_by").prefetch_related("agencies")


def active_consent_for(*, case: ChildCase, agency: Agency, lock: bool = False) -> Consent | None:
    """The newest consent in force covering the agency. With lock, the row stays locked until the caller's
    transaction ends, so a withdrawal at the same moment waits for (or precedes) the referral being sent."""
    qs = Consent.objects.select_for_update(of=("self",)) if lock else Consent.objects
    return (
        qs.filter(case=case, withdrawn_at__isnull=True, agencies=agency).order_by("-given_on", "-pk").first()
    )


def case_referrals(*, case: ChildCase) -> QuerySet[Referral]:
    return (
        case.referrals.select_related("agency", "service")
        .annotate(is_overdue=ExpressionWrapper(overdue_q(), output_field=BooleanField()))
        .order_by("-created_at", "-pk")
    )


def case_audit_trail(*, case: ChildCase) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(case_code=case.code).order_by("-at", "-pk")


# --- referrals ---------------------------------------------------------------------------------------------


def referrals_visible_to(*, user) -> QuerySet[Referral]:
    """Referrals the person may see: those of cases on their team, and those sent to their agencies."""
    if not user.is_authenticated:
        return Referral.objects.none()
    team = CaseTeamMember.objects.filter(case=OuterRef("case"), user=user)
    groups = _group_ids(user)
    q = Exists(team)
    if groups:
        q |= Q(agency__group__in=groups) & ~Q(status=Status.DRAFT)
    return Referral.objects.filter(q)


def _visible_referrals_subquery(user):
    """referrals_visible_to() as one subquery (no query of its own), for filters inside other queries."""
    team = CaseTeamMember.objects.filter(case=OuterRef("case"), user=user)
    liaison = Q(agency__group__in=user.groups.values("pk")) & ~Q(status=Status.DRAFT)
    return Referral.objects.filter(Exists(team) | liaison)


def referrals_visible_ids(user):
    """A one-column queryset of the ids of the referrals the person may see (a subquery; for notifications)."""
    return _visible_referrals_subquery(user).values("pk")


def cases_visible_codes(user):
    """A one-column queryset of the codes of the cases the person may open (case_access() as a subquery, no
    query of its own; for notifications): their team's, those referred to their agencies, and — without the
    child's identity — those in a village they oversee as a facilitator or coordinator of it or above."""
    oversees = Membership.objects.filter(user=user, role__in=OVERSEER_ROLES).filter(
        Q(area__code=OuterRef("village__code"))
        | StartsWith(OuterRef("village__code"), Concat(F("area__code"), Value(".")))
    )
    return ChildCase.objects.filter(
        Q(pk__in=CaseTeamMember.objects.filter(user=user).values("case_id"))
        | Q(pk__in=_visible_referrals_subquery(user).values("case_id"))
        | Exists(oversees)
    ).values("code")


def overdue_q(*, now=None) -> Q:
    """Referrals past their response deadline (still sent) or completion target (accepted, in progress)."""
    now = now or timezone.now()
    return Q(status=Status.SENT, due_at__lt=now) | Q(
        status__in=(Status.ACCEPTED, Status.IN_PROGRESS), completion_due_at__lt=now
    )


def referral_is_overdue(referral: Referral, *, now=None) -> bool:
    now = now or timezone.now()
    if referral.status == Status.SENT:
        return bool(referral.due_at and referral.due_at < now)
    if referral.status in (Status.ACCEPTED, Status.IN_PROGRESS):
        return bool(referral.completion_due_at and referral.completion_due_at < now)
    return False


def referral_deadline(referral: Referral):
    """The deadline that matters now: the response deadline while sent, else the completion target."""
    return referral.due_at if referral.status == Status.SENT else referral.completion_due_at


INBOX_TABS = {
    "new": Q(status=Status.SENT),
    "accepted": Q(status=Status.ACCEPTED),
    "in_progress": Q(status=Status.IN_PROGRESS),
    "overdue": None,  # overdue_q(), computed at read time
    "all": Q(),
}


def referrals_list(
    *, user, status: str = "", service: str = "", overdue: bool | None = None, agency_only=False
):
    if agency_only:
        # The inbox: a plain filter on the agency (indexed with the status), no OR with the case team.
        qs = Referral.objects.filter(agency__group__in=_group_ids(user)).exclude(status=Status.DRAFT)
    else:
        qs = referrals_visible_to(user=user)
    if status:
        qs = qs.filter(status=status)
    if service:
        qs = qs.filter(service__slug=service)
    if overdue is True:
        qs = qs.filter(overdue_q())
    elif overdue is False:
        qs = qs.exclude(overdue_q())
    return (
        qs.select_related("case", "case__village", "agency", "service")
        .annotate(
            is_overdue=ExpressionWrapper(overdue_q(), output_field=BooleanField()),
            # Is the person on the case's team (else they see it as the agency: sees_team_notes()).
            viewer_on_team=Exists(CaseTeamMember.objects.filter(case=OuterRef("case"), user=user)),
        )
        .order_by("-sent_at", "-created_at", "-pk")
    )


INBOX_SORTS = ("deadline", "newest")


def agency_inbox(
    *,
    user,
    tab: str = "new",
    service: str = "",
    status: str = "",
    kecamatan: str = "",
    overdue: bool = False,
    sort: str = "deadline",
) -> QuerySet[Referral]:
    """The referrals sent to the person's agencies, for the inbox's tabs and filters (service, status, the
    child's kecamatan by area code, overdue only). Sorted by the deadline that matters now (the response
    deadline while sent, else the completion target), soonest first; or newest first. One query."""
    from django.db.models import Case, When

    qs = referrals_list(user=user, service=service, status=status, agency_only=True)
    cond = INBOX_TABS.get(tab, INBOX_TABS["new"])
    qs = qs.filter(overdue_q()) if tab == "overdue" else qs.filter(cond)
    if kecamatan:
        qs = qs.filter(case__village__parent__code=kecamatan)
    if overdue:
        qs = qs.filter(overdue_q())
    qs = qs.select_related("case__village__parent", "sent_by", "claimed_by")
    if sort == "newest":
        return qs.order_by("-sent_at", "-pk")
    deadline = Case(When(status=Status.SENT, then=F("due_at")), default=F("completion_due_at"))
    return qs.annotate(deadline_at=deadline).order_by(
        F("deadline_at").asc(nulls_last=True), "-sent_at", "-pk"
    )


_ROW_AREA = ("id", "code", "name", "level", "parent_id")
_ROW_PERSON = ("id", "username", "display_name", "first_name", "last_name")
# What an inbox row shows (referrals/inbox_rows.py): the case's code and village, never the child's identity
# columns (name, NIK, birth date, caregiver), which the rows do not show and so are not even read; fewer columns
# to fetch and build (about 1.5 ms of the page's CPU).
INBOX_ROW_FIELDS = (
    "id", "case_id", "agency_id", "service_id", "status", "urgency", "sent_at", "due_at", "completion_due_at",
    "created_at", "sent_by_id", "claimed_by_id", "case__id", "case__code", "case__village_id",
    *(f"case__village__{f}" for f in _ROW_AREA), *(f"case__village__parent__{f}" for f in _ROW_AREA),
    *(f"sent_by__{f}" for f in _ROW_PERSON), *(f"claimed_by__{f}" for f in _ROW_PERSON),
    "service__id", "service__slug", "service__name_id", "service__name_en", "agency__id", "agency__group_id",
)  # fmt: skip


def inbox_kecamatans(*, user) -> list[Area]:
    """The kecamatan of the children referred to the person's agencies (the inbox's area filter)."""
    ids = (
        Referral.objects.filter(agency__group__in=_group_ids(user))
        .exclude(status=Status.DRAFT)
        .values("case__village__parent_id")
    )
    return list(Area.objects.filter(pk__in=ids).order_by("name"))


def inbox_counts(*, user, now=None) -> dict:
    """The tab counts, and `next_due`: the next moment an open referral of these agencies passes a deadline
    (after it, the overdue count and badges change with no write; None when none is pending)."""
    from django.db.models import Case, Count, Min, When

    now = now or timezone.now()
    qs = referrals_list(user=user, agency_only=True)
    pending = Case(
        When(status=Status.SENT, due_at__gte=now, then=F("due_at")),
        When(
            status__in=(Status.ACCEPTED, Status.IN_PROGRESS),
            completion_due_at__gte=now,
            then=F("completion_due_at"),
        ),
    )
    counts = qs.aggregate(
        new=Count("pk", filter=INBOX_TABS["new"]),
        accepted=Count("pk", filter=INBOX_TABS["accepted"]),
        in_progress=Count("pk", filter=INBOX_TABS["in_progress"]),
        overdue=Count("pk", filter=overdue_q(now=now)),
        all=Count("pk"),  # the "all" tab's paginator count (not shown as a tab count)
        next_due=Min(pending),
    )
    return counts


_AREA_FACT = ("pk", "code", "name", "level", "parent_id")


def inbox_facts(*, user, agency_ids, versions: dict) -> tuple[dict, list[Area], bool]:
    """The tab counts and the kecamatan list of the person's agencies, kept in the cache behind the agencies'
    versions (referrals/pagecache.py: counts and area names, no child's identity) until the next deadline
    passes. (counts, kecamatans, whether they came from the cache)."""
    from portal.core import pagecache as pc

    key = pc.page_key("inbox-facts", *sorted(agency_ids))
    now = timezone.now()
    if versions:
        entry, _v = pc.fetch(key, list(versions))
        meta = entry and entry.get("meta")
        if meta and (meta["counts"]["next_due"] is None or now < meta["counts"]["next_due"]):
            areas = [Area(**dict(zip(("id", *_AREA_FACT[1:]), row, strict=True))) for row in meta["areas"]]
            return meta["counts"], areas, True
    counts = inbox_counts(user=user, now=now)
    kecamatans = inbox_kecamatans(user=user)
    if versions:
        rows = [tuple(getattr(a, f) for f in _AREA_FACT) for a in kecamatans]
        pc.store(key, versions, "", meta={"counts": counts, "areas": rows})
    return counts, kecamatans, False


@dataclass
class ReferralAccess:
    referral: Referral
    actors: set[str]
    sees_identity: bool
    sees_thread: bool
    # After the referral ended the agency reads its own messages only (issue 19.3: "the agency sees only what it
    # recorded itself"; issue 20: the thread "stays readable, read-only, to both sides"): the agency's group.
    thread_own_group_id: int | None = None

    @property
    def is_team(self) -> bool:
        return TEAM in self.actors

    @property
    def is_liaison(self) -> bool:
        return LIAISON in self.actors


def referral_access(*, user, referral_id: int, lock: bool = False) -> ReferralAccess:
    """The referral with what the person may do with it; NotFound for anyone who may not see it. With lock,
    the row is locked (select_for_update) for the rest of the caller's transaction."""
    if not user.is_authenticated or not 1 <= int(referral_id) <= MAX_ID:
        raise NotFound()
    qs = Referral.objects.select_related(
        "case", "case__area", "case__village", "agency", "service", "sent_by", "area", "claimed_by"
    )
    # Is the person on the case's team: in the same query (is_case_team()'s answer, one query less; issue 17).
    on_team = CaseTeamMember.objects.filter(case=OuterRef("case_id"), user_id=user.pk, user__is_active=True)
    qs = qs.annotate(viewer_on_case_team=Exists(on_team))
    if lock:
        qs = qs.select_for_update(of=("self",))
    referral = qs.filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    actors: set[str] = set()
    if referral.viewer_on_case_team:
        actors.add(TEAM)
    if referral.status != Status.DRAFT and referral.agency.group_id in _group_ids(user):
        actors.add(LIAISON)
    if not actors:
        raise NotFound()
    is_team = TEAM in actors
    # The agency sees the child and the thread only while the referral is open, and only while it holds the
    # permissions (revoked when the referral ends or its consent is withdrawn): both are checked.
    is_open = referral.status in OPEN_STATUSES
    perms = _referral_perms(user, referral) if LIAISON in actors and not is_team and is_open else set()
    own_group = None
    if not is_team and referral.status in ENDED_STATUSES and not _ended_by_consent_withdrawal(referral):
        own_group = referral.agency.group_id  # read-only, its own messages (a withdrawn consent: nothing)
    return ReferralAccess(
        referral=referral,
        actors=actors,
        sees_identity=is_team or "view_referral_identity" in perms,
        sees_thread=is_team or "message_referral" in perms or own_group is not None,
        thread_own_group_id=own_group,
    )


def _ended_by_consent_withdrawal(referral: Referral) -> bool:
    """Withdrawn because the caregiver withdrew consent (issue 19.2): the agency loses the thread entirely."""
    return referral.status == Status.WITHDRAWN and referral.events.filter(action="consent_withdrawn").exists()


def sees_team_notes(*, referral: Referral, is_team: bool) -> bool:
    """The case team's free text on a referral (its note, the notes the team wrote in its history) is for the
    agency while the referral is open; once it ended the agency sees only what it recorded itself."""
    return is_team or referral.status in OPEN_STATUSES


# History notes the agency keeps after the referral ended: those of its own actions, and Pelita's fixed texts.
_AGENCY_NOTE_ACTIONS = frozenset(
    [*(t.action for t in TRANSITIONS.values() if t.actor == LIAISON), "consent_withdrawn", "overdue"]
)


# Free text written *for* the case team only, whoever wrote it (issue 20: the decline note, where liaisons name
# the child or the family; the agency and the dashboard see the reason's category). Blank for everyone else on
# every surface: the page's history, the API's `history` and `decline_reason`.
TEAM_ONLY_NOTE_ACTIONS = frozenset({"decline"})


def decline_note_seen(*, referral: Referral, is_team: bool) -> str:
    """The referral's decline note for this viewer: the case team's only."""
    return referral.decline_reason if is_team else ""


def referral_history(*, referral: Referral, is_team: bool = True) -> list[ReferralEvent]:
    """The referral's history, oldest first. For the agency of an ended referral the team's notes are blank;
    the notes written for the case team only (TEAM_ONLY_NOTE_ACTIONS) are blank for the agency always."""
    events = list(referral.events.select_related("by").order_by("at", "pk"))
    if is_team:
        return events
    team_notes = sees_team_notes(referral=referral, is_team=is_team)
    for e in events:
        if e.action in TEAM_ONLY_NOTE_ACTIONS or (not team_notes and e.action not in _AGENCY_NOTE_ACTIONS):
            e.note = ""
    return events


def referral_messages(
    *, referral: Referral, access: "ReferralAccess | None" = None
) -> QuerySet[ReferralMessage]:
    """The private thread, oldest first. With the caller's `access`: after the end, the agency's own messages
    only (those written by its liaisons); the case team's free text stays with the team."""
    qs = referral.messages.select_related("author").order_by("created_at", "pk")
    if access is not None and access.thread_own_group_id is not None:
        qs = qs.filter(author__groups=access.thread_own_group_id)
    return qs


def referral_liaisons(*, referral: Referral) -> QuerySet:
    """The agency's liaisons to notify of the referral: all of them, or — while one of them has claimed it
    ("Saya tangani", issue 20) and still is a liaison of the agency — that one only."""
    from django.contrib.auth import get_user_model

    liaisons = get_user_model().objects.filter(groups=referral.agency.group_id, is_active=True)
    if referral.claimed_by_id and liaisons.filter(pk=referral.claimed_by_id).exists():
        return liaisons.filter(pk=referral.claimed_by_id)
    return liaisons


def agency_liaisons(*, referral: Referral) -> QuerySet:
    """Every active liaison of the referral's agency (claim or not): those a claim may be passed on to."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups=referral.agency.group_id, is_active=True)


def referral_team(*, referral: Referral) -> QuerySet:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(case_teams__case=referral.case_id, is_active=True)


# --- for other apps (forums, dashboard) ---------------------------------------------------------------------


def case_code_visible_to(*, user, code: str) -> bool:
    """May the person link a forum thread to this case code: the case team and overseers (facilitators and
    coordinators) of the case's area. Reveals nothing else."""
    try:
        access = case_access(user=user, code=code)
    except NotFound:
        return False
    return access.level in (ACCESS_TEAM, ACCESS_OVERSEER)


def needs_attention_for_area(*, area: Area, now=None) -> list[dict]:
    """The referrals raised as overdue to this area's forum: the kecamatan above the child's desa.
    Each: code, service (name), agency (name), days_overdue, url (the case page: the team sees the case, the
    forum's overseers only its code, desa, needs and referral statuses). Never the child's identity."""
    if area.level != Level.DISTRICT:
        return []
    now = now or timezone.now()
    raised = Q(status=Status.SENT, overdue_raised_at__isnull=False, due_at__lt=now) | Q(
        status__in=(Status.ACCEPTED, Status.IN_PROGRESS),
        completion_overdue_raised_at__isnull=False,
        completion_due_at__lt=now,
    )
    # Marked handled by the facilitator after it was raised: off the list (until a later raise).
    handled = Q(attention_handled_at__isnull=False) & (
        Q(status=Status.SENT, attention_handled_at__gte=F("overdue_raised_at"))
        | Q(
            status__in=(Status.ACCEPTED, Status.IN_PROGRESS),
            attention_handled_at__gte=F("completion_overdue_raised_at"),
        )
    )
    rows = (
        Referral.objects.filter(raised, case__village__parent=area)
        .exclude(handled)
        .select_related("case", "service", "agency")
        .order_by("due_at", "pk")
    )
    items = []
    for r in rows:
        deadline = referral_deadline(r)
        items.append(
            {
                "code": r.case.code,
                "service": r.service.name,
                "agency": r.agency.name,
                "days_overdue": days_overdue(deadline, now),
                # How long it has waited: calendar days since it was sent (issue 20).
                "days_waiting": max(0, (now - r.sent_at).days) if r.sent_at else 0,
                # The facilitator's page for the item: remind the agency, a forum thread, mark handled.
                "url": reverse("referrals:attention", kwargs={"pk": r.pk}),
                "case_url": reverse("referrals:case_detail", kwargs={"code": r.case.code}),
            }
        )
    items.sort(key=lambda i: -i["days_overdue"])
    return items
