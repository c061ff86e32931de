"""Reads. Every list is one query plus a fixed few; permission filtering happens in the database.

Unread (Misago/Discourse): a thread is unread for a person when it had activity after their cut-off and
the number of its last *visible* post (neither deleted nor hidden: Thread.last_visible_number, kept by the
services) is past their read marker. A deleted or hidden reply never leaves a thread unread, for anyone:
moderators hear of hidden posts through the moderation queue. The cut-off is the later of READ_CUTOFF_DAYS ago and
the moment they marked the forum read, so the cost never grows with a person's history: old threads are simply
read."""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.areas.models import Area
from portal.core.errors import NotFound
from portal.core.text import search_terms
from portal.people.models import OVERSEER_ROLES, Membership
from portal.people.selectors import user_belongs_to_or_oversees

from .models import Forum, ForumUser, ForumUserObjectPermission, Post, PostFlag, Thread, ThreadUser
from .permissions import MODERATE, POST, VIEW, forum_perms, readable_forum_ids

READ_CUTOFF_DAYS = getattr(settings, "PELITA_FORUM_READ_CUTOFF_DAYS", 30)
THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 20
MAX_ID = 2**63 - 1  # ids beyond this cannot exist (and overflow the database driver)
AREA_CODE_RE = re.compile(r"^\d{2}(\.\d{1,4}){0,4}$")


def _valid_id(pk) -> bool:
    try:
        return 1 <= int(pk) <= MAX_ID
    except (TypeError, ValueError):
        return False


def global_cutoff():
    return timezone.now() - timedelta(days=READ_CUTOFF_DAYS)


def forum_get(*, user, code: str) -> Forum:
    """The forum of an area the person can read (created when first needed for someone entitled to it)."""
    from .services import forum_ensure

    if not AREA_CODE_RE.match(code or ""):
        raise NotFound(_("This forum does not exist or you cannot see it."))
    forum = Forum.objects.filter(area__code=code).select_related("area").first()
    if forum is None:
        area = Area.objects.filter(code=code).first()
        if area is None or not user.is_authenticated:
            raise NotFound(_("This forum does not exist or you cannot see it."))
        if not user_belongs_to_or_oversees(user=user, area=area):
            raise NotFound(_("This forum does not exist or you cannot see it."))
        forum = forum_ensure(area=area)
    if VIEW not in forum_perms(user=user, forum=forum):
        raise NotFound(_("This forum does not exist or you cannot see it."))
    return forum


def thread_get(*, user, pk) -> Thread:
    if not _valid_id(pk):
        raise NotFound(_("This thread does not exist or you cannot see it."))
    thread = (
        Thread.objects.select_related("forum__area", "author", "escalated_from__forum__area", "resolved_by")
        .select_related("escalated_to__forum__area")
        .filter(pk=pk)
        .first()
    )
    if thread is None or VIEW not in forum_perms(user=user, forum=thread.forum):
        raise NotFound(_("This thread does not exist or you cannot see it."))
    return thread


_AREA = ("id", "code", "name", "level", "parent_id")
_THREAD = (
    "id", "forum_id", "title", "kind", "case_code", "author_id", "created_at", "last_post_at",
    "last_visible_number", "posts_count", "last_post_number", "pinned", "locked", "escalated_from_id",
    "escalated_at", "resolved_at",
)  # fmt: skip
_LINKED = ("id", "forum_id", "escalated_from_id", "created_at", "resolved_at")


def _related(prefix: str, fields) -> list[str]:
    return [f"{prefix}__{f}" for f in fields]


def thread_page_get(*, user, pk) -> Thread:
    """thread_get for the thread page: only the columns it shows, the thread with its forum's area (3 tables,
    28 columns; was 9 tables and 47 columns with the escalation joins, 11 and 110 in thread_get). Escalations are
    rare: the threads it was escalated from and to (with their forums' areas, and the author of the one below,
    which escalation_origin quotes) come in a second query only when the thread has either; the row says whether
    it was escalated (`target_id`, a one-column subquery). A deferred column read elsewhere would cost a query,
    never a wrong answer."""
    if not _valid_id(pk):
        raise NotFound(_("This thread does not exist or you cannot see it."))
    thread = (
        Thread.objects.select_related("forum__area")
        .only(*_THREAD, "forum__id", "forum__area_id", *_related("forum__area", _AREA))
        .annotate(target_id=Subquery(Thread.objects.filter(escalated_from=OuterRef("pk")).values("pk")[:1]))
        .filter(pk=pk)
        .first()
    )
    if thread is None or VIEW not in forum_perms(user=user, forum=thread.forum):
        raise NotFound(_("This thread does not exist or you cannot see it."))
    _attach_chain(thread)
    return thread


def _attach_chain(thread: Thread) -> None:
    """Set `thread.escalated_from` and `thread.escalated_to` (None when absent) from one query, or none."""
    below, above = None, None
    if thread.escalated_from_id or thread.target_id:
        for t in (
            Thread.objects.filter(pk__in=[i for i in (thread.escalated_from_id, thread.target_id) if i])
            .select_related("forum__area", "author")
            .only(
                *_LINKED,
                "author_id",
                "title",
                "forum__id",
                "forum__area_id",
                *_related("forum__area", _AREA),
                *_related("author", _PERSON),
            )  # fmt: skip
        ):
            if t.pk == thread.escalated_from_id:
                below = t
            else:
                above = t
    Thread.escalated_from.field.set_cached_value(thread, below)
    Thread.escalated_to.related.set_cached_value(thread, above)


def thread_reply_get(*, user, pk) -> Thread:
    """thread_get for posting a reply: the thread and its forum's area only (the reply, its mentions and
    notifications use nothing else), 3 tables instead of 11. Same refusal as thread_get."""
    if not _valid_id(pk):
        raise NotFound(_("This thread does not exist or you cannot see it."))
    thread = Thread.objects.select_related("forum__area").filter(pk=pk).first()
    if thread is None or VIEW not in forum_perms(user=user, forum=thread.forum):
        raise NotFound(_("This thread does not exist or you cannot see it."))
    return thread


def post_get(*, user, pk) -> Post:
    if not _valid_id(pk):
        raise NotFound(_("This post does not exist or you cannot see it."))
    post = Post.objects.select_related("thread__forum__area", "author").filter(pk=pk).first()
    if post is None or VIEW not in forum_perms(user=user, forum=post.thread.forum):
        raise NotFound(_("This post does not exist or you cannot see it."))
    return post


def forum_cutoff(*, user, forum: Forum):
    marked = ForumUser.objects.filter(user=user, forum=forum).values_list("marked_read_at", flat=True).first()
    cutoff = global_cutoff()
    return max(cutoff, marked) if marked else cutoff


def _read_number_subquery(user):
    return Coalesce(
        Subquery(
            ThreadUser.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_number")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def forum_threads(*, user, forum: Forum) -> QuerySet[Thread]:
    """Pinned first, then newest activity; with the reader's marker and where each thread was escalated to
    (its forum's area, for the badge) in the same query."""
    qs = (
        Thread.objects.filter(forum=forum)
        .select_related("author", "escalated_to__forum__area", "escalated_from__forum__area")
        .order_by("-pinned", "-last_post_at", "-pk")
    )
    if user.is_authenticated:
        qs = qs.annotate(read_number=_read_number_subquery(user))
    return qs


_PERSON = ("id", "username", "display_name", "first_name", "last_name")
_LINK = ("id", "forum_id", "escalated_from_id")
# What a row of the forum page shows (forums/rows.py): 25 rows of 7 tables, all their columns, cost ~1 ms more.
FORUM_ROW_FIELDS = (
    "id", "forum_id", "title", "kind", "case_code", "author_id", "last_post_at", "last_visible_number",
    "posts_count", "pinned", "locked", "escalated_from_id", "resolved_at", *_related("author", _PERSON),
    *_related("escalated_to", _LINK), "escalated_to__forum__id", "escalated_to__forum__area_id",
    *_related("escalated_to__forum__area", _AREA), *_related("escalated_from", _LINK),
    "escalated_from__forum__id", "escalated_from__forum__area_id", *_related("escalated_from__forum__area", _AREA),
)  # fmt: skip


def mark_unread(threads, *, cutoff) -> None:
    for t in threads:
        read = getattr(t, "read_number", None)
        t.unread = read is not None and t.last_post_at > cutoff and t.last_visible_number > read
        t.first_unread = (read or 0) + 1 if t.unread else None


def unread_among(*, user, rows, cutoff) -> set[int]:
    """mark_unread for rows kept without the reader's markers ((id, last_post_at, last_visible_number, ...) as
    forums.rows.thread_row_parts makes them): the ids unread for this person, one query for their markers."""
    ids = [r[0] for r in rows if r[1] > cutoff]
    if not ids:
        return set()
    read = dict(
        ThreadUser.objects.filter(user=user, thread_id__in=ids).values_list("thread_id", "last_read_number")
    )
    return {pk for pk, at, number, *_rest in rows if at > cutoff and number > read.get(pk, 0)}


def forum_needs_attention(*, forum: Forum) -> dict:
    """Escalated threads not yet resolved, overdue action items of the forums below raised here (meetings), and
    (from the referrals app) overdue referrals raised here."""
    from .meetings.selectors import forum_action_items, needs_attention_action_items

    threads = list(
        Thread.objects.filter(forum=forum, escalated_from__isnull=False, resolved_at__isnull=True)
        .select_related("escalated_from__forum__area")
        .order_by("escalated_at")[:50]
    )
    referrals: list[dict] = []
    try:
        from referrals.selectors import needs_attention_for_area
    except ImportError:
        needs_attention_for_area = None
    if needs_attention_for_area is not None:
        referrals = list(needs_attention_for_area(area=forum.area))
    items = forum_action_items(forum=forum)  # one query for this list and the page's meetings panel
    return {
        "threads": threads,
        "referrals": referrals,
        "action_items": needs_attention_action_items(forum=forum, items=items),
        "forum_action_items": items,
    }


def thread_posts(*, thread: Thread, page: int) -> list[Post]:
    """One page of posts by number range (no OFFSET scan), authors joined; system posts carry their text in
    the active language (`system_text`)."""
    from .case_updates import attach_system_texts

    start = (page - 1) * POSTS_PER_PAGE + 1
    posts = list(
        Post.objects.filter(thread=thread, number__gte=start, number__lt=start + POSTS_PER_PAGE)
        .select_related("author")
        .order_by("number")
    )
    attach_system_texts(posts)
    return posts


def thread_state(*, user, thread: Thread) -> ThreadUser | None:
    if not user.is_authenticated:
        return None
    return ThreadUser.objects.filter(user=user, thread=thread).first()


def thread_first_unread(*, user, thread: Thread) -> int | None:
    state = thread_state(user=user, thread=thread)
    cutoff = forum_cutoff(user=user, forum=thread.forum)
    read = state.last_read_number if state else 0
    if thread.last_post_at <= cutoff or thread.last_visible_number <= read:
        return None
    return (
        Post.objects.filter(
            thread=thread,
            number__gt=read,
            created_at__gt=cutoff,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )


def page_of(number: int) -> int:
    return (max(number, 1) - 1) // POSTS_PER_PAGE + 1


@dataclass
class ForumEntry:
    forum: Forum
    role: str
    own: bool
    unread_count: int
    can_moderate: bool


def _role_for(area_code: str, memberships) -> tuple[str, bool]:
    """The person's role in this forum: their own role in the area, else the overseer role above it."""
    rank = {"fasilitator": 0, "koordinator": 1, "pendamping": 2, "anggota": 3}
    own = sorted((m.role for m in memberships if m.area.code == area_code), key=lambda r: rank.get(r, 9))
    if own:
        return own[0], True
    above = sorted(
        (m.role for m in memberships if m.role in OVERSEER_ROLES and area_code.startswith(m.area.code + ".")),
        key=lambda r: rank.get(r, 9),
    )
    return (above[0] if above else ""), False


def my_forums(*, user, before_counts=None) -> list[ForumEntry]:
    """The forums a person can read with unread counts: four queries whatever the number of forums
    (`before_counts(forum_ids)` is called before the unread counts are read: the page cache's versions)."""
    forums = list(Forum.objects.filter(pk__in=readable_forum_ids(user=user)).select_related("area"))
    if not forums:
        if before_counts is not None:
            before_counts([])
        return []
    memberships = list(Membership.objects.filter(user=user).select_related("area"))
    moderated = set(
        Forum.objects.filter(
            forumuserobjectpermission__user=user, forumuserobjectpermission__permission__codename=MODERATE
        ).values_list("pk", flat=True)
    )
    if before_counts is not None:
        before_counts([f.pk for f in forums])
    counts = unread_counts(user=user, forum_ids=[f.pk for f in forums])
    entries = []
    for forum in forums:
        role, own = _role_for(forum.area.code, memberships)
        entries.append(
            ForumEntry(
                forum=forum,
                role=role,
                own=own,
                unread_count=counts.get(forum.pk, 0),
                can_moderate=user.is_superuser or forum.pk in moderated,
            )
        )
    entries.sort(key=lambda e: (not e.own, e.forum.area.code))
    return entries


def unread_counts(*, user, forum_ids) -> dict[int, int]:
    """Unread threads per forum in one grouped query, bounded by the cut-off (only recent threads count)."""
    mark = Subquery(
        ForumUser.objects.filter(user=user, forum=OuterRef("forum_id")).values("marked_read_at")[:1]
    )
    rows = (
        Thread.objects.filter(forum_id__in=forum_ids, last_post_at__gt=global_cutoff())
        .annotate(read_number=_read_number_subquery(user), marked=mark)
        .filter(last_visible_number__gt=F("read_number"))
        .filter(Q(marked__isnull=True) | Q(last_post_at__gt=F("marked")))
        .values("forum_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["forum_id"]: r["n"] for r in rows}


def child_areas(*, forum: Forum) -> QuerySet[Area]:
    return Area.objects.filter(parent=forum.area).order_by("name")


def forum_members(*, forum: Forum) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(area=forum.area).select_related("user").order_by("role", "user__username")
    )


def moderation_queue(*, user) -> QuerySet[PostFlag]:
    """Open flags in the forums the person moderates."""
    qs = PostFlag.objects.filter(status="open")
    if not user.is_superuser:
        moderated = Forum.objects.filter(
            forumuserobjectpermission__user=user, forumuserobjectpermission__permission__codename=MODERATE
        ).values("pk")
        qs = qs.filter(forum_id__in=moderated)
    return qs.select_related("post__author", "post__thread", "forum__area", "user").order_by("created_at")


def flag_get(*, user, pk) -> PostFlag:
    if not _valid_id(pk):
        raise NotFound(_("This flag does not exist or you cannot see it."))
    flag = PostFlag.objects.select_related("forum__area", "post__thread").filter(pk=pk).first()
    if flag is None or MODERATE not in forum_perms(user=user, forum=flag.forum):
        raise NotFound(_("This flag does not exist or you cannot see it."))
    return flag


def threads_visible_ids(user):
    """A one-column queryset of the ids of the threads the person can read (a subquery; for notifications)."""
    return Thread.objects.filter(forum_id__in=readable_forum_ids(user=user)).values("pk")


def thread_search(*, user, q: str) -> QuerySet[Thread]:
    """Threads the person can read whose title or a visible post matches. PostgreSQL: full text (GIN index,
    'simple' configuration: Indonesian has no stemmer there); SQLite: a case-insensitive substring."""
    q = search_terms(q)  # plain words: no quote or operator reaches the query parser
    if not q:
        return Thread.objects.none()
    readable = Thread.objects.filter(forum_id__in=readable_forum_ids(user=user))
    visible_posts = Post.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True, thread__in=readable)
    if settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchVector

        query = SearchQuery(q, config="simple", search_type="plain")
        post_hits = visible_posts.annotate(sv=SearchVector("body", config="simple")).filter(sv=query)
        title_hits = Q(
            pk__in=readable.annotate(sv=SearchVector("title", config="simple")).filter(sv=query).values("pk")
        )
    else:
        post_hits = visible_posts.filter(body__icontains=q)
        title_hits = Q(title__icontains=q)
    return (
        readable.filter(title_hits | Q(pk__in=post_hits.values("thread_id")))
        .select_related("forum__area", "author", "escalated_to__forum__area", "escalated_from__forum__area")
        .order_by("-last_post_at", "-pk")
    )


def forum_area_panel(*, request, area):
    """The area page's link to the area's forum (portal.areas.panels), for those who belong to the area or
    oversee it (the forum page itself decides the rest)."""
    from django.urls import reverse

    if not user_belongs_to_or_oversees(user=request.user, area=area):
        return None
    url = reverse("forums:forum", args=[area.code])
    return "forums/panels/area_forum.html", {"url": url, "area_name": area.display_name}


# --- escalation, cases, people -------------------------------------------------------------------------------


@dataclass
class Origin:
    """What an escalated thread quotes: the opening post of the first thread of its chain, and who raised it."""

    thread: Thread
    post: Post | None  # None when that post is no longer visible (deleted, hidden, purged)
    raised_by: object  # the User who opened the first thread


def escalation_origin(*, thread: Thread) -> Origin | None:
    """For a thread escalated from another (maybe several tiers down): the first thread of the chain, its opening
    post while it is visible, and its author. Read live, so an edit, redaction or purge of that post shows here
    at once (nothing is copied). A fixed few queries (a chain is at most five tiers)."""
    if not thread.escalated_from_id:
        return None
    root = thread.escalated_from
    for _step in range(10):
        if not root.escalated_from_id:
            break
        root = Thread.objects.select_related("forum__area").get(pk=root.escalated_from_id)
    if not (
        root is thread.escalated_from and Thread.author.field.is_cached(root)
    ):  # thread_page_get's has it
        root = Thread.objects.select_related("forum__area", "author").get(pk=root.pk)
    post = (
        Post.objects.filter(thread=root, number=1, deleted_at__isnull=True, hidden_at__isnull=True)
        .exclude(body="")
        .first()
    )
    return Origin(thread=root, post=post, raised_by=root.author)


def case_link(*, user, thread: Thread) -> dict | None:
    """The thread's case for this reader: {"code", "url" (only for who may open the case page), "can_change"}."""
    from django.urls import reverse

    may_see = False
    if user.is_authenticated:
        try:
            from referrals.selectors import case_code_visible_to
        except ImportError:
            case_code_visible_to = None
        if case_code_visible_to is not None:
            may_see = bool(thread.case_code) and case_code_visible_to(user=user, code=thread.case_code)
    if not thread.case_code:
        return None
    url = reverse("referrals:case_detail", kwargs={"code": thread.case_code}) if may_see else ""
    return {"code": thread.case_code, "url": url, "can_change": may_see}


def may_link_case(*, user, forum: Forum) -> bool:
    """Whether to offer "link to a case" on a thread: people who post here and may see cases somewhere (case
    workers, facilitators, coordinators); the service checks the case itself."""
    from portal.people.models import Role

    if POST not in forum_perms(user=user, forum=forum):
        return False
    return Membership.objects.filter(
        user=user, role__in=[Role.CASE_WORKER, *OVERSEER_ROLES]
    ).exists() or bool(user.is_superuser)


def threads_for_case(*, user, code: str) -> QuerySet[Thread]:
    """The threads linked to a case that this person may read, newest activity first."""
    return (
        Thread.objects.filter(case_code=code, forum_id__in=readable_forum_ids(user=user))
        .select_related("forum__area")
        .order_by("-last_post_at", "-pk")
    )


def forum_case_panel(*, request, case_code: str):
    """The case page's list of forum threads about the case (portal.core.panels, slot "case"): only those the
    person may read in the forums, and only on a page they may open (the case page checks the case)."""
    threads = list(threads_for_case(user=request.user, code=case_code)[:20])
    if not threads:
        return None
    return "forums/panels/case_threads.html", {"threads": threads}


ATTENTION_THREADS = 20


def get_token(request) -> str:
    from django.middleware.csrf import get_token as csrf_token

    return csrf_token(request)


def forum_attention_panel(*, request, case_code: str, area_code: str):
    """The facilitator's "needs attention" page (portal.core.panels, slot "attention"): the threads of the
    kecamatan forum already about this case, and a form to link an open one (chosen from the forum's open
    threads, or typed by its number). Only for who may link threads there (the service checks the case)."""
    user = request.user
    forum = Forum.objects.filter(area__code=area_code).select_related("area").first()
    if forum is None or not may_link_case(user=user, forum=forum):
        return None
    linked = list(threads_for_case(user=user, code=case_code)[:ATTENTION_THREADS])
    open_threads = list(
        Thread.objects.filter(forum=forum, locked=False, resolved_at__isnull=True)
        .exclude(case_code=case_code)
        .only("pk", "title", "last_post_at", "case_code")
        .order_by("-last_post_at", "-pk")[:ATTENTION_THREADS]
    )
    return "forums/panels/attention_link.html", {
        "forum": forum,
        "case_code": case_code,
        "linked": linked,
        "open_threads": open_threads,
        "next": request.get_full_path(),
        # The panel is included with its own context only: the form's CSRF token comes with it.
        "csrf_token": get_token(request),
    }


def forum_people(*, forum: Forum, q: str = "", limit: int = 10) -> QuerySet:
    """People who can read the forum (so a mention of them reaches them), for @mention suggestions and the
    forum's people list: active, matching `q` at the start of the username or of a word of the name."""
    from django.contrib.auth import get_user_model

    qs = (
        get_user_model()
        .objects.filter(
            is_active=True,
            forumuserobjectpermission__content_object=forum,
            forumuserobjectpermission__permission__codename=VIEW,
        )
        .distinct()
        .order_by("username")
    )
    q = (q or "").strip().lstrip("@")[:50]
    if q:
        qs = qs.filter(
            Q(username__istartswith=q) | Q(display_name__istartswith=q) | Q(display_name__icontains=" " + q)
        )
    return qs[:limit] if limit else qs


def unread_total(*, user) -> int:
    """Unread threads over all the forums a person reads (the home page): one grouped query."""
    if not user.is_authenticated:
        return 0
    ids = list(Forum.objects.filter(pk__in=readable_forum_ids(user=user)).values_list("pk", flat=True))
    return sum(unread_counts(user=user, forum_ids=ids).values()) if ids else 0


def is_case_worker(*, user) -> bool:
    """Holds the case worker (pendamping) role somewhere: the people who name a case when opening a thread."""
    from portal.people.models import Role

    return user.is_authenticated and Membership.objects.filter(user=user, role=Role.CASE_WORKER).exists()


def person_visible(*, viewer, username: str):
    """The person page of `username` for this viewer, or None (a 404 like an unknown username). Break-it round on
    issue 20: the page answered every signed-in person for every active username, so guessing usernames listed
    every account and its full name. A person is shown to someone they can be mentioned to: who reads a forum
    the viewer reads, or wrote a topic or post in one (author links outlive a membership); and to themselves."""
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None or not viewer.is_authenticated:
        return None
    if person.pk == viewer.pk or viewer.is_superuser:
        return person
    readable = readable_forum_ids(user=viewer)
    shares = (
        ForumUserObjectPermission.objects.filter(
            user=person, permission__codename=VIEW, content_object_id__in=readable
        ).exists()
        or Post.objects.filter(author=person, thread__forum_id__in=readable).exists()
        or Thread.objects.filter(author=person, forum_id__in=readable).exists()
    )
    return person if shares else None
