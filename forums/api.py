"""Forums in API v1 (API.md): forums, threads, posts, escalation. The same selectors and services as the pages,
so the same rules: 404 for what the caller cannot see, 403 for what they cannot do, 409 for a locked thread
or an escalation that cannot happen, 422 for bad input."""

from datetime import datetime

from django.utils.html import escape
from ninja import Query, Router, Schema, Status

from portal.core.pagination import PageParams, paginate
from portal.core.schemas import Line, Text

from . import selectors, services
from .case_updates import attach_system_texts
from .models import BODY_MAX, NOTE_MAX, TITLE_MAX, Post, Thread
from .permissions import MODERATE, forum_perms

router = Router(tags=["forums"])


class ForumOut(Schema):
    area: str
    name: str
    role: str
    unread_count: int


class ForumList(Schema):
    count: int
    results: list[ForumOut]


class ThreadOut(Schema):
    id: int
    title: str
    kind: str
    author: str
    created_at: datetime
    last_post_at: datetime
    posts_count: int
    unread: bool
    pinned: bool
    locked: bool
    case: str | None


class OriginOut(Schema):
    """What an escalated thread quotes: the first thread of its chain and its opening post (null body when that
    post is no longer shown)."""

    thread: int
    forum: str
    raised_by: str
    body: str | None
    body_html: str | None


class ThreadDetailOut(ThreadOut):
    forum: str
    escalated_to: int | None
    escalated_from: int | None
    resolved: bool
    origin: OriginOut | None = None


class ThreadList(Schema):
    count: int
    results: list[ThreadOut]


class ThreadIn(Schema):
    # The services check these limits with the rest of their rules (every field's error at once).
    title: Line(TITLE_MAX, service_checks=True) = ""
    body: Text(BODY_MAX, service_checks=True) = ""
    kind: Line(20, service_checks=True) = "discussion"
    case: Line(20, service_checks=True) | None = None


class PostOut(Schema):
    id: int
    kind: str  # "post", or "system" (news of a referral on the thread's case, written by Pelita: author null)
    author: str | None
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    hidden: bool
    purged: bool  # removed for privacy: the text and its history are gone


class PersonOut(Schema):
    username: str
    display_name: str


class PersonList(Schema):
    count: int
    results: list[PersonOut]


class PeopleParams(PageParams):
    q: str = ""


class CaseLinkIn(Schema):
    case: Line(20, service_checks=True) = ""


class PostList(Schema):
    count: int
    results: list[PostOut]


class PostIn(Schema):
    body: Text(BODY_MAX, service_checks=True) = ""


class EscalateIn(Schema):
    note: Text(NOTE_MAX, service_checks=True) = ""


class EscalateOut(Schema):
    thread: int


def thread_out(thread: Thread) -> dict:
    return {
        "id": thread.pk,
        "title": thread.title,
        "kind": thread.kind,
        "author": thread.author.username,
        "created_at": thread.created_at,
        "last_post_at": thread.last_post_at,
        "posts_count": thread.posts_count,
        "unread": bool(getattr(thread, "unread", False)),
        "pinned": thread.pinned,
        "locked": thread.locked,
        "case": thread.case_code or None,
    }


def thread_detail_out(thread: Thread) -> dict:
    target = thread.escalation_target
    origin = selectors.escalation_origin(thread=thread)
    return {
        **thread_out(thread),
        "forum": thread.forum.area.code,
        "escalated_to": target.pk if target else None,
        "escalated_from": thread.escalated_from_id,
        "resolved": thread.resolved_at is not None,
        "origin": {
            "thread": origin.thread.pk,
            "forum": origin.thread.forum.area.code,
            "raised_by": origin.raised_by.username,
            "body": origin.post.body if origin.post else None,
            "body_html": origin.post.body_html if origin.post else None,
        }
        if origin
        else None,
    }


def post_out(post: Post, *, can_see_hidden: bool = False, user_id: int | None = None) -> dict:
    shown = post.deleted_at is None and (
        post.hidden_at is None or can_see_hidden or post.author_id == user_id
    )
    body, body_html = post.body, post.body_html
    if post.is_system:
        body = getattr(post, "system_text", "")
        body_html = f"<p>{escape(body)}</p>"
    return {
        "id": post.pk,
        "kind": post.kind,
        "author": post.author.username if post.author_id else None,
        "body": body if shown else "",
        "body_html": body_html if shown else "",
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "deleted": post.deleted_at is not None,
        "hidden": post.hidden_at is not None,
        "purged": post.purged_at is not None,
    }


@router.get("/forums", response=ForumList)
def forums_list(request, params: Query[PageParams]):
    entries = selectors.my_forums(user=request.user)
    rows = [
        {"area": e.forum.area.code, "name": str(e.forum.name), "role": e.role, "unread_count": e.unread_count}
        for e in entries
    ]
    return paginate(_Rows(rows), page=params.page, page_size=params.page_size)


class _Rows(list):
    """A list that paginates like a queryset (the forum list is built in Python from three queries)."""

    def count(self, *args):
        return len(self)


@router.get("/forums/{area}/threads", response=ThreadList)
def forum_threads(request, area: str, params: Query[PageParams]):
    forum = selectors.forum_get(user=request.user, code=area)
    result = paginate(
        selectors.forum_threads(user=request.user, forum=forum), page=params.page, page_size=params.page_size
    )
    selectors.mark_unread(result["results"], cutoff=selectors.forum_cutoff(user=request.user, forum=forum))
    return {"count": result["count"], "results": [thread_out(t) for t in result["results"]]}


@router.post("/forums/{area}/threads", response={201: ThreadDetailOut})
def forum_thread_create(request, area: str, payload: ThreadIn):
    forum = selectors.forum_get(user=request.user, code=area)
    thread = services.thread_create(
        forum=forum,
        author=request.user,
        title=payload.title,
        body=payload.body,
        kind=payload.kind,
        case_code=payload.case or "",
        client_token=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201, thread_detail_out(selectors.thread_get(user=request.user, pk=thread.pk)))


@router.get("/threads/{thread_id}", response=ThreadDetailOut)
def thread_detail(request, thread_id: int):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    state = selectors.thread_state(user=request.user, thread=thread)
    thread.read_number = state.last_read_number if state else 0
    selectors.mark_unread([thread], cutoff=selectors.forum_cutoff(user=request.user, forum=thread.forum))
    return thread_detail_out(thread)


@router.get("/threads/{thread_id}/posts", response=PostList)
def thread_posts(request, thread_id: int, params: Query[PageParams]):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    qs = Post.objects.filter(thread=thread).select_related("author").order_by("number")
    result = paginate(qs, page=params.page, page_size=params.page_size)
    attach_system_texts(result["results"])
    if result["results"]:
        services.thread_mark_read(
            user=request.user,
            thread=thread,
            upto=result["results"][-1].number,
            state=selectors.thread_state(user=request.user, thread=thread),
        )
    mod = MODERATE in forum_perms(user=request.user, forum=thread.forum)
    return {
        "count": result["count"],
        "results": [post_out(p, can_see_hidden=mod, user_id=request.user.pk) for p in result["results"]],
    }


@router.post("/threads/{thread_id}/posts", response={201: PostOut})
def thread_post_create(request, thread_id: int, payload: PostIn):
    thread = selectors.thread_reply_get(user=request.user, pk=thread_id)
    post = services.post_create(
        thread=thread,
        author=request.user,
        body=payload.body,
        client_token=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201, post_out(post, user_id=request.user.pk))


@router.post("/threads/{thread_id}/escalate", response={201: EscalateOut})
def thread_escalate(request, thread_id: int, payload: EscalateIn):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    new = services.thread_escalate(
        thread=thread,
        actor=request.user,
        note=payload.note,
        client_token=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201, {"thread": new.pk})


@router.get("/forums/{area}/people", response=PersonList)
def forum_people(request, area: str, params: Query[PeopleParams]):
    """People who can read the forum (whom an @mention reaches), for mention suggestions: `q` matches the
    start of the username or of a word of the name."""
    forum = selectors.forum_get(user=request.user, code=area)
    result = paginate(
        selectors.forum_people(forum=forum, q=params.q, limit=0), page=params.page, page_size=params.page_size
    )
    return {
        "count": result["count"],
        "results": [{"username": u.username, "display_name": u.shown_name} for u in result["results"]],
    }


@router.post("/threads/{thread_id}/case", response=ThreadDetailOut)
def thread_case_link(request, thread_id: int, payload: CaseLinkIn):
    """Link the thread (and its escalation chain) to a case by its code: only who may see that case."""
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    services.thread_link_case(thread=thread, actor=request.user, code=payload.case)
    return thread_detail_out(selectors.thread_get(user=request.user, pk=thread_id))


@router.delete("/threads/{thread_id}/case", response=ThreadDetailOut)
def thread_case_unlink(request, thread_id: int):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    services.thread_unlink_case(thread=thread, actor=request.user)
    return thread_detail_out(selectors.thread_get(user=request.user, pk=thread_id))


def _add_meetings():
    # Meetings, minutes and action items (forums/meetings/api.py) share the forums' mount point.
    from .meetings.api import router as meetings_router

    router.add_router("", meetings_router)


_add_meetings()
