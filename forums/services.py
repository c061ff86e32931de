"""Writes to the forums. Each service checks what the person may do (NotFound when they cannot see the forum,
Forbidden when they can see it but not act), validates, writes in one short transaction, and defers
notifications to the notification service (which pushes after commit)."""

import re
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Max, Value, When
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.areas.models import Area
from portal.audit.services import audit_log
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound

from . import pagecache
from .markup import check_nesting, quoted_lines, render
from .models import (
    BODY_MAX,
    BODY_MIN,
    CASE_CODE_RE,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    TITLE_MIN,
    FlagStatus,
    Forum,
    ForumUser,
    Mention,
    Post,
    PostFlag,
    PostKind,
    PostRevision,
    Thread,
    ThreadKind,
    ThreadUser,
    WatchLevel,
)
from .permissions import MODERATE, POST, VIEW, forum_grant_new, forum_moderators, forum_perms

User = get_user_model()
MAX_ID = 2**63 - 1  # ids beyond this cannot exist (and overflow the database driver)


# --- helpers ---------------------------------------------------------------------------------------------


def new_client_token() -> str:
    return uuid.uuid4().hex


def require(*, user, forum: Forum, perm: str) -> None:
    perms = forum_perms(user=user, forum=forum)
    if VIEW not in perms:
        raise NotFound(_("This forum does not exist or you cannot see it."))
    if perm not in perms:
        if perm == POST:
            raise Forbidden(_("You can read this forum but not post in it."))
        raise Forbidden(_("Only the forum's facilitators can do this."))


def _invalid(field: str, message: str):
    return InvalidInput(message, errors={field: [message]})


def _clean_text(value: str, *, field: str, min_len: int, max_len: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) < min_len:
        if not value:
            raise _invalid(field, _("%(label)s cannot be empty.") % {"label": label})
        raise _invalid(
            field, _("%(label)s needs at least %(n)s characters.") % {"label": label, "n": min_len}
        )
    if len(value) > max_len:
        raise _invalid(
            field,
            _("%(label)s can have at most %(n)s characters (it has %(len)s).")
            % {"label": label, "n": max_len, "len": len(value)},
        )
    return value


def clean_title(value: str) -> str:
    return _clean_text(value, field="title", min_len=TITLE_MIN, max_len=TITLE_MAX, label=_("The title"))


def clean_body(value: str, field: str = "body") -> str:
    """A post's text: 2 to 20,000 characters, nested at most markup.MAX_NESTING levels. InvalidInput naming
    `field` otherwise."""
    value = _clean_text(value, field=field, min_len=BODY_MIN, max_len=BODY_MAX, label=_("The message"))
    check_nesting(value, field_name=field)
    return value


def clean_case_code(*, user, code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise _invalid("case", _("A case thread needs the case code (for example APM-5202-00042)."))
    if not re.match(CASE_CODE_RE, code):
        raise _invalid("case", _("A case code looks like APM-5202-00042."))
    try:
        from referrals.selectors import case_code_visible_to
    except ImportError:
        return code
    if not case_code_visible_to(user=user, code=code):
        raise _invalid("case", _("No case you can see has the code %(code)s.") % {"code": code})
    return code


def thread_url(thread: Thread, number: int | None = None) -> str:
    url = reverse("forums:thread", args=[thread.pk])
    if number:
        url = reverse("forums:post_goto", args=[thread.pk, number])
    return url


def _render(body: str, field: str = "body", *, forum: Forum | None = None) -> tuple[str, list]:
    """Render a body and find the active people it mentions outside code (one query, only for bodies that
    mention someone). With the forum, only its readers are mentioned (linked): a mention of anyone else stays
    plain text, so writing a username in a post does not tell whether the account exists (break-it 20)."""
    found: list = []

    def resolve(names):
        people = User.objects.filter(
            username__iregex=r"^(" + "|".join(map(re.escape, names)) + r")$", is_active=True
        )
        if forum is not None:
            people = people.filter(
                forumuserobjectpermission__content_object=forum,
                forumuserobjectpermission__permission__codename=VIEW,
            ).distinct()
        found.extend(people)
        return {u.username.lower(): u.username for u in found}

    rendered = render(body, resolve=resolve, field_name=field)
    return rendered.html, found


def _rerender(body: str, forum: Forum | None = None) -> str:
    """The HTML of a stored text being rewritten by a purge (a post that quoted purged text). A text saved before
    the nesting cap may exceed it: it is then shown as plain paragraphs rather than refused, so a purge never
    fails half-way."""
    try:
        return _render(body, forum=forum)[0]
    except InvalidInput:
        from django.utils.html import escape, linebreaks

        return linebreaks(escape(body))


def _mentioned_in(text: str) -> set[str]:
    try:
        return set(render(text).mentioned)
    except InvalidInput:  # an old text deeper than the cap: every @name counts (keeps more rows, never fewer)
        from .markup import MENTION_RE

        return {m.group(1).rstrip(".-").lower() for m in MENTION_RE.finditer(text)}


def _readers_of(forum: Forum, users):
    """Only people who can read the forum hear about it: a notification never names a thread to outsiders."""
    ids = [u.pk for u in users]
    if not ids:
        return []
    return list(
        User.objects.filter(pk__in=ids, is_active=True)
        .filter(
            forumuserobjectpermission__content_object=forum,
            forumuserobjectpermission__permission__codename=VIEW,
        )
        .distinct()
    )


def _notify(**kwargs) -> None:
    from portal.notifications.services import notify

    notify(**kwargs)


def _watch(*, user, thread: Thread, read_upto: int) -> None:
    """The author of a post watches the thread (unless they muted it) and has read up to their post. One
    statement when the person has a row (the usual case of a reply), two when not."""
    changed = ThreadUser.objects.filter(user=user, thread=thread).update(
        last_read_number=Greatest(F("last_read_number"), Value(read_upto)),
        level=Case(When(level=WatchLevel.NORMAL, then=Value(WatchLevel.WATCH)), default=F("level")),
    )
    if not changed:
        _tu, created = ThreadUser.objects.get_or_create(
            user=user, thread=thread, defaults={"last_read_number": read_upto, "level": WatchLevel.WATCH}
        )
        if not created:  # made by a concurrent request of the same person in between
            _watch(user=user, thread=thread, read_upto=read_upto)
            return
    pagecache.touch_reader(user.pk, thread)


# --- forums ----------------------------------------------------------------------------------------------


def forum_ensure(*, area: Area, grant: bool = True) -> Forum:
    """Every area has one forum, created when first needed and granted to its people at creation."""
    forum = Forum.objects.filter(area=area).select_related("area").first()
    if forum is not None:
        return forum
    try:
        with transaction.atomic():
            forum = Forum.objects.create(area=area)
            forum_grant_new(forum)
    except IntegrityError:
        forum = Forum.objects.get(area=area)
    forum.area = area
    return forum


@transaction.atomic
def forum_mark_read(*, forum: Forum, user) -> None:
    require(user=user, forum=forum, perm=VIEW)
    ForumUser.objects.update_or_create(user=user, forum=forum, defaults={"marked_read_at": timezone.now()})
    pagecache.touch_forum_read(user.pk, forum.pk)


@transaction.atomic
def forum_member_add(*, forum: Forum, actor, username: str):
    from portal.people.models import Role
    from portal.people.services import membership_add

    require(user=actor, forum=forum, perm=MODERATE)
    username = (username or "").strip().lstrip("@")
    person = User.objects.filter(username__iexact=username, is_active=True).first() if username else None
    if person is None:
        raise _invalid("username", _("Nobody has the username “%(name)s”.") % {"name": username})
    return membership_add(user=person, area=forum.area, role=Role.MEMBER, actor=actor)


@transaction.atomic
def forum_member_remove(*, forum: Forum, actor, membership_id: int) -> None:
    from portal.people.models import Membership, Role
    from portal.people.services import membership_remove

    require(user=actor, forum=forum, perm=MODERATE)
    membership = None
    if 1 <= membership_id <= MAX_ID:
        membership = Membership.objects.filter(pk=membership_id, area=forum.area, role=Role.MEMBER).first()
    if membership is None:
        raise NotFound(_("This person is not a member of this forum."))
    membership_remove(membership=membership, actor=actor)


# --- threads and posts -----------------------------------------------------------------------------------


def thread_create(
    *,
    forum: Forum,
    author,
    title: str,
    body: str,
    kind: str = ThreadKind.DISCUSSION,
    case_code: str = "",
    client_token: str = "",
) -> Thread:
    require(user=author, forum=forum, perm=POST)
    errors: dict[str, list[str]] = {}
    clean = {}
    for field, func in (("title", lambda: clean_title(title)), ("body", lambda: clean_body(body))):
        try:
            clean[field] = func()
        except InvalidInput as exc:
            errors.update(exc.errors)
    if kind not in ThreadKind.values or kind == ThreadKind.MEETING:  # meeting threads come from minutes
        errors["kind"] = [_("Choose a discussion, a case or an announcement.")]
    elif kind == ThreadKind.ANNOUNCEMENT and MODERATE not in forum_perms(user=author, forum=forum):
        raise Forbidden(_("Only the forum's facilitators can post announcements."))
    elif kind == ThreadKind.CASE:
        try:
            case_code = clean_case_code(user=author, code=case_code)
        except InvalidInput as exc:
            errors.update(exc.errors)
    else:
        case_code = ""
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, errors=errors)
    return _thread_write(
        forum=forum,
        author=author,
        title=clean["title"],
        body=clean["body"],
        kind=kind,
        case_code=case_code,
        client_token=client_token[:64],
    )


@transaction.atomic
def _thread_write(
    *, forum, author, title, body, kind, case_code, client_token, escalated_from=None, field="body"
):
    if client_token:
        existing = Thread.objects.filter(author=author, client_token=client_token).first()
        if existing is not None:  # the same form sent twice: the first one stands
            return existing
    now = timezone.now()
    html, mentioned = _render(body, field, forum=forum)
    thread = Thread(
        forum=forum,
        title=title,
        kind=kind,
        case_code=case_code,
        author=author,
        last_post_at=now,
        last_post_number=1,
        last_visible_number=1,
        posts_count=1,
        client_token=client_token,
        escalated_from=escalated_from,
        escalated_at=now if escalated_from else None,
    )
    thread.full_clean(exclude=["escalated_from"])
    thread.save()
    post = Post.objects.create(thread=thread, number=1, author=author, body=body, body_html=html)
    ThreadUser.objects.create(user=author, thread=thread, last_read_number=1, level=WatchLevel.WATCH)
    pagecache.touch_thread(thread)
    pagecache.touch_reader(author.pk, thread)
    if escalated_from is not None:  # the original and its chain now show where it went
        pagecache.touch_thread(escalated_from, chain=True)
    _mention(post=post, thread=thread, actor=author, users=mentioned)
    audit_log(actor=author, action="forum.thread_create", target=thread, case_code=case_code)
    return thread


def _mention(*, post: Post, thread: Thread, actor, users) -> list:
    """`users`: the people `_render(…, forum=thread.forum)` found, so already the forum's active readers (its
    mention lookup is also the readers' check, in the same transaction): no second query."""
    readers = [u for u in users if u.pk != actor.pk]
    if not readers:
        return []
    Mention.objects.bulk_create([Mention(post=post, user=u) for u in readers], ignore_conflicts=True)
    _notify(
        recipients=readers,
        kind="forum.mention",
        params={"actor": actor.shown_name, "thread": thread.title, "forum": str(thread.forum.name)},
        url=thread_url(thread, post.number),
        actor=actor,
    )
    return readers


def _thread_refresh(thread: Thread) -> None:
    """Recount what readers can see after a post was deleted, hidden, shown again or purged: the number, time
    and count of the visible posts. The thread's place in the list goes back to its last visible post (a deleted
    reply neither bumps a thread nor leaves it unread). Call with the thread's row locked."""
    visible = Post.objects.filter(thread_id=thread.pk, deleted_at__isnull=True, hidden_at__isnull=True)
    agg = visible.aggregate(n=Count("pk"), last=Max("number"))
    last_at = visible.filter(number=agg["last"]).values_list("created_at", flat=True).first()
    thread.posts_count = agg["n"]
    thread.last_visible_number = agg["last"] or 0
    thread.last_post_at = last_at or thread.created_at
    Thread.objects.filter(pk=thread.pk).update(
        posts_count=thread.posts_count,
        last_visible_number=thread.last_visible_number,
        last_post_at=thread.last_post_at,
    )
    pagecache.touch_thread(thread)


def _lock_thread(thread: Thread) -> Thread:
    return Thread.objects.select_for_update().get(pk=thread.pk)


def _watchers(thread: Thread, *, exclude=()) -> list:
    """The people watching the thread who can still read its forum."""
    ids = (
        ThreadUser.objects.filter(thread=thread, level=WatchLevel.WATCH)
        .exclude(user_id__in=set(exclude))
        .values_list("user_id", flat=True)
    )
    return _readers_of(thread.forum, [User(pk=pk) for pk in ids])


@transaction.atomic
def post_create(*, thread: Thread, author, body: str, client_token: str = "") -> Post:
    require(user=author, forum=thread.forum, perm=POST)
    body = clean_body(body)
    client_token = client_token[:64]
    # Lock the thread: post numbers are handed out one at a time.
    locked = _lock_thread(thread)
    if client_token:
        existing = Post.objects.filter(author=author, client_token=client_token).first()
        if existing is not None:
            return existing
    if locked.locked and MODERATE not in forum_perms(user=author, forum=thread.forum):
        raise Conflict(_("This thread is locked: no new replies."))
    html, mentioned = _render(body, forum=thread.forum)
    number = locked.last_post_number + 1
    post = Post(
        thread=locked, number=number, author=author, body=body, body_html=html, client_token=client_token
    )
    post.save()
    Thread.objects.filter(pk=locked.pk).update(
        last_post_number=number,
        last_visible_number=number,
        posts_count=locked.posts_count + 1,
        last_post_at=post.created_at,
    )
    thread.last_post_number = thread.last_visible_number = number
    thread.posts_count, thread.last_post_at = locked.posts_count + 1, post.created_at
    pagecache.touch_thread(thread)
    _watch(user=author, thread=thread, read_upto=number)
    notified = {u.pk for u in _mention(post=post, thread=thread, actor=author, users=mentioned)}
    watchers = _watchers(thread, exclude=notified | {author.pk})
    if watchers:
        _notify(
            recipients=watchers,
            kind="forum.reply",
            params={"actor": author.shown_name, "thread": thread.title, "forum": str(thread.forum.name)},
            url=thread_url(thread, number),
            actor=author,
        )
    return post


@transaction.atomic
def thread_post_system(*, thread: Thread, event: dict) -> Post:
    """A post written by Pelita (no author): news of a referral on the thread's case, made from `event`
    ({"case", "service", "agency", "action"}: the case code, never the child's identity nor the outcome's
    free text). Appears in locked and resolved threads too; the thread's watchers are told."""
    locked = _lock_thread(thread)
    number = locked.last_post_number + 1
    post = Post.objects.create(thread=locked, number=number, kind=PostKind.SYSTEM, author=None, event=event)
    Thread.objects.filter(pk=locked.pk).update(
        last_post_number=number,
        last_visible_number=number,
        posts_count=locked.posts_count + 1,
        last_post_at=post.created_at,
    )
    pagecache.touch_thread(locked)
    watchers = _watchers(locked)
    if watchers:
        _notify(
            recipients=watchers,
            kind="forum.case_update",
            params={"case": event.get("case", ""), "thread": locked.title},
            url=thread_url(locked, number),
        )
    return post


def _can_touch_post(*, user, post: Post) -> set[str]:
    perms = forum_perms(user=user, forum=post.thread.forum)
    if VIEW not in perms:
        raise NotFound(_("This post does not exist or you cannot see it."))
    return perms


def post_edit_refusal(*, post: Post, perms) -> str | None:
    """Why the author cannot edit this post now (the page shows it with the form disabled), or None."""
    if post.deleted_at or post.hidden_at:
        return _("A deleted or hidden post cannot be edited.")
    if post.thread.locked and MODERATE not in perms:
        return _("This thread is locked: posts cannot be edited.")
    return None


@transaction.atomic
def post_edit(*, post: Post, editor, body: str) -> Post:
    perms = _can_touch_post(user=editor, post=post)
    if post.author_id != editor.pk:
        raise Forbidden(_("Only the author can edit a post."))
    if POST not in perms:
        raise Forbidden(_("You can read this forum but not post in it."))
    refusal = post_edit_refusal(post=post, perms=perms)
    if refusal:
        raise Conflict(refusal)
    body = clean_body(body)
    if body == post.body:
        return post
    html, mentioned = _render(body, forum=post.thread.forum)
    PostRevision.objects.create(post=post, body=post.body, editor=editor)
    already = set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    post.body, post.body_html, post.edited_at = body, html, timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    pagecache.touch_thread(post.thread, chain=post.number == 1)  # an opening post is quoted up the chain
    _mention(post=post, thread=post.thread, actor=editor, users=[u for u in mentioned if u.pk not in already])
    return post


def can_see_history(*, user, post: Post) -> bool:
    """The edit history (the text before each edit) is the author's and the forum's moderators' only; a deleted
    post's history is nobody's (19.4: text edited out must not stay readable to every reader)."""
    if post.deleted_at is not None or post.is_system:
        return False
    return post.author_id == user.pk or MODERATE in forum_perms(user=user, forum=post.thread.forum)


@transaction.atomic
def post_delete(*, post: Post, actor, privacy: bool = False) -> Post:
    """Delete a post (its author or a moderator). `privacy`: the text held someone's personal data, so the text,
    its history and everything derived from it are purged for good (see _post_purge)."""
    perms = _can_touch_post(user=actor, post=post)
    if post.author_id != actor.pk and MODERATE not in perms:
        raise Forbidden(_("Only the author or a facilitator can delete a post."))
    locked = _lock_thread(post.thread)
    if post.deleted_at:
        if privacy and post.purged_at is None:
            _post_purge(post=post, actor=actor)
        return post
    if post.number == 1 and post.author_id == actor.pk and MODERATE not in perms and locked.posts_count > 1:
        raise Conflict(_("The opening post of a thread with replies can only be deleted by a facilitator."))
    post.deleted_at, post.deleted_by = timezone.now(), actor
    post.save(update_fields=["deleted_at", "deleted_by"])
    pagecache.touch_thread(post.thread, chain=post.number == 1)
    audit_log(actor=actor, action="forum.post_delete", target=post, case_code=post.thread.case_code)
    if privacy:
        _post_purge(post=post, actor=actor)
    _thread_refresh(locked)
    return post


def _flaggable(post: Post) -> None:
    if post.is_system:
        raise Conflict(_("This is a message from Pelita: it cannot be flagged or hidden."))
    if post.deleted_at:
        raise Conflict(_("This post was deleted."))


@transaction.atomic
def post_flag(*, post: Post, user, reason: str) -> PostFlag:
    _can_touch_post(user=user, post=post)
    reason = _clean_text(reason, field="reason", min_len=3, max_len=REASON_MAX, label=_("The reason"))
    _flaggable(post)
    if post.hidden_at:
        raise Conflict(_("A facilitator has already hidden this post."))
    if post.author_id == user.pk:
        raise Conflict(_("You cannot flag your own post: edit or delete it instead."))
    existing = PostFlag.objects.filter(post=post, user=user, status=FlagStatus.OPEN).first()
    if existing:
        return existing
    return PostFlag.objects.create(post=post, forum=post.thread.forum, user=user, reason=reason)


@transaction.atomic
def post_hide(*, post: Post, actor, reason: str, privacy: bool = False) -> Post:
    """Hide a post (moderators), telling its author why. `privacy`: also purge its text and history for good."""
    require(user=actor, forum=post.thread.forum, perm=MODERATE)
    reason = _clean_text(reason, field="reason", min_len=3, max_len=REASON_MAX, label=_("The reason"))
    _flaggable(post)
    locked = _lock_thread(post.thread)
    if post.hidden_at is None:
        post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), actor, reason
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        pagecache.touch_thread(post.thread, chain=post.number == 1)
        if post.author_id:
            _notify(
                recipients=[post.author],
                kind="forum.post_hidden",
                params={
                    "actor": actor.shown_name,
                    "thread": post.thread.title,
                    "forum": str(post.thread.forum.name),
                    "reason": reason,
                },
                url=thread_url(post.thread, post.number),
                actor=actor,
            )
        audit_log(actor=actor, action="forum.post_hide", target=post, case_code=post.thread.case_code)
        _thread_refresh(locked)
    if privacy and post.purged_at is None:
        _post_purge(post=post, actor=actor)
    PostFlag.objects.filter(post=post, status=FlagStatus.OPEN).update(
        status=FlagStatus.HIDDEN, handled_at=timezone.now(), handled_by=actor
    )
    return post


@transaction.atomic
def post_unhide(*, post: Post, actor) -> Post:
    require(user=actor, forum=post.thread.forum, perm=MODERATE)
    if post.hidden_at is None:
        return post
    if post.purged_at is not None:
        raise Conflict(_("This post's text was removed for privacy: there is nothing to show again."))
    locked = _lock_thread(post.thread)
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    pagecache.touch_thread(post.thread, chain=post.number == 1)
    audit_log(actor=actor, action="forum.post_unhide", target=post, case_code=post.thread.case_code)
    _thread_refresh(locked)
    return post


# --- edit history, redaction and purging (19.4) ------------------------------------------------------------


def _removed_quote_text() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return "> *" + _("(quoted text removed for privacy)") + "*"


def _scrub_quotes(*, post: Post, texts: list[str]) -> int:
    """Other posts of the thread that quote one of `texts` (as the reply page's "Quote" puts it) lose the quoted
    lines, and so do their revisions. Returns how many posts changed. A quote its writer retyped is not found:
    the moderators' privacy tools work on that post too."""
    blocks = {quoted_lines(t) for t in texts if t.strip()} - {""}
    if not blocks:
        return 0
    # Whole lines only: the quote of a short text ("ok") must not cut into other lines ("> okay").
    pattern = re.compile(
        "|".join("^" + re.escape(b) + "$" for b in sorted(blocks, key=len, reverse=True)), re.MULTILINE
    )
    marker = _removed_quote_text()
    changed = 0
    candidates = Post.objects.filter(thread_id=post.thread_id, number__gt=post.number, kind=PostKind.POST)
    for other in candidates.exclude(body=""):
        body = pattern.sub(marker, other.body)
        if body != other.body:
            other.body = body
            other.body_html = _rerender(body, other.thread.forum)
            other.save(update_fields=["body", "body_html"])
            changed += 1
        for revision in other.revisions.exclude(body=""):
            text = pattern.sub(marker, revision.body)
            if text != revision.body:
                PostRevision.objects.filter(pk=revision.pk).update(body=text)
    return changed


def _remaining_mentions(post: Post) -> None:
    """Mention rows only for people still mentioned in the text or history that remains."""
    texts = [post.body, *post.revisions.exclude(body="").values_list("body", flat=True)]
    still: set[str] = set()
    for text in texts:
        if text:
            still.update(_mentioned_in(text))
    for mention in Mention.objects.filter(post=post).select_related("user"):
        if mention.user.username.lower() not in still:
            mention.delete()


def _post_purge(*, post: Post, actor) -> None:
    """Remove for good a post's text, its edit history and what was derived from them: quotes of it in later
    posts, mention rows. Notifications and e-mails never carry a post's text (only the thread's title), and
    search reads the posts themselves, so nothing else holds it. Audited by field names, never values."""
    texts = [post.body, *post.revisions.values_list("body", flat=True)]
    revisions = post.revisions.count()
    post.revisions.all().delete()
    Mention.objects.filter(post=post).delete()
    post.body, post.body_html = "", ""
    post.purged_at, post.purged_by = timezone.now(), actor
    post.save(update_fields=["body", "body_html", "purged_at", "purged_by"])
    quotes = _scrub_quotes(post=post, texts=texts)
    pagecache.touch_thread(post.thread, chain=post.number == 1)
    audit_log(
        actor=actor,
        action="forum.post_purge",
        target=post,
        case_code=post.thread.case_code,
        fields=["body", "revisions"],
        detail={"revisions": revisions, "quotes": quotes},
    )


@transaction.atomic
def post_revision_redact(*, post: Post, revision_id: int, actor) -> PostRevision:
    """Remove the text of one earlier version of a post for good (the author or the forum's moderators): the
    revision keeps its date and editor and says it was redacted; quotes of that text in later posts go too."""
    perms = _can_touch_post(user=actor, post=post)
    if post.author_id != actor.pk and MODERATE not in perms:
        raise Forbidden(_("Only the author or a facilitator can redact the history of a post."))
    revision = None
    if 1 <= revision_id <= MAX_ID:
        revision = PostRevision.objects.select_for_update().filter(pk=revision_id, post=post).first()
    if revision is None:
        raise NotFound(_("This version does not exist."))
    if revision.redacted_at is not None:
        return revision
    text = revision.body
    revision.body, revision.redacted_at, revision.redacted_by = "", timezone.now(), actor
    revision.save(update_fields=["body", "redacted_at", "redacted_by"])
    _scrub_quotes(post=post, texts=[text])
    _remaining_mentions(post)
    pagecache.touch_thread(post.thread)
    audit_log(
        actor=actor,
        action="forum.revision_redact",
        target=post,
        case_code=post.thread.case_code,
        fields=["body"],
        detail={"revision": revision.pk},
    )
    return revision


@transaction.atomic
def flag_dismiss(*, flag: PostFlag, actor) -> PostFlag:
    require(user=actor, forum=flag.forum, perm=MODERATE)
    if flag.status == FlagStatus.OPEN:
        flag.status, flag.handled_at, flag.handled_by = FlagStatus.DISMISSED, timezone.now(), actor
        flag.save(update_fields=["status", "handled_at", "handled_by"])
    return flag


@transaction.atomic
def thread_set_state(
    *, thread: Thread, actor, locked: bool | None = None, pinned: bool | None = None
) -> Thread:
    require(user=actor, forum=thread.forum, perm=MODERATE)
    fields = []
    if locked is not None and thread.locked != locked:
        thread.locked = locked
        fields.append("locked")
    if pinned is not None and thread.pinned != pinned:
        thread.pinned = pinned
        fields.append("pinned")
    if fields:
        thread.save(update_fields=fields)
        pagecache.touch_thread(thread)
        audit_log(actor=actor, action="forum.thread_state", target=thread, fields=fields)
    return thread


@transaction.atomic
def thread_resolve(*, thread: Thread, actor, resolved: bool = True) -> Thread:
    require(user=actor, forum=thread.forum, perm=MODERATE)
    if resolved and thread.resolved_at is None:
        thread.resolved_at, thread.resolved_by = timezone.now(), actor
    elif not resolved:
        thread.resolved_at, thread.resolved_by = None, None
    thread.save(update_fields=["resolved_at", "resolved_by"])
    pagecache.touch_thread(thread, chain=True)  # the thread it came from shows whether it is resolved
    audit_log(
        actor=actor, action="forum.thread_resolve" if resolved else "forum.thread_reopen", target=thread
    )
    return thread


@transaction.atomic
def thread_move(*, thread: Thread, actor, area_code: str) -> Thread:
    require(user=actor, forum=thread.forum, perm=MODERATE)
    target_area = Area.objects.filter(code=(area_code or "").strip(), parent=thread.forum.area).first()
    if target_area is None:
        raise _invalid("area", _("Choose a forum directly below this one."))
    target = forum_ensure(area=target_area)
    require(user=actor, forum=target, perm=MODERATE)
    source = thread.forum
    thread.forum = target
    thread.save(update_fields=["forum"])
    PostFlag.objects.filter(post__thread=thread).update(forum=target)
    pagecache.touch_thread(thread, chain=True, forum_ids=[source.pk])
    audit_log(
        actor=actor,
        action="forum.thread_move",
        target=thread,
        detail={"from": source.area.code, "to": target_area.code},
    )
    return thread


def escalation_refusal(*, thread: Thread) -> str | None:
    """Why this thread cannot be escalated now (the page says so with the form disabled), or None."""
    target = thread.escalation_target
    if target is not None:
        return _("This thread was already escalated to %(forum)s.") % {"forum": target.forum.name}
    if thread.forum.area.parent_id is None:
        return _("A thread in the province forum cannot be escalated any higher.")
    return None


def thread_escalate(*, thread: Thread, actor, note: str, client_token: str = "") -> Thread:
    """Raise a thread to the parent area's forum: a new thread there opens with the facilitator's summary note
    (its page also quotes what was first raised and names who raised it) and links back; the original shows
    where it went and the people following it are told. Dusun → desa → kecamatan → kabupaten → provinsi."""
    require(user=actor, forum=thread.forum, perm=MODERATE)
    note = _clean_text(note, field="note", min_len=10, max_len=NOTE_MAX, label=_("The summary note"))
    check_nesting(note, field_name="note")
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        already = Thread.objects.filter(escalated_from=locked).select_related("forum__area").first()
        if already is not None:
            if client_token and already.client_token == client_token[:64]:
                return already
            raise Conflict(
                _("This thread was already escalated to %(forum)s.") % {"forum": already.forum.name}
            )
        parent = thread.forum.area.parent
        if parent is None:
            raise Conflict(_("A thread in the province forum cannot be escalated any higher."))
        target = forum_ensure(area=parent)
        new = _thread_write(
            forum=target,
            author=actor,
            title=thread.title,
            body=note,
            kind=thread.kind if thread.kind == ThreadKind.CASE else ThreadKind.DISCUSSION,
            case_code=thread.case_code,
            client_token=client_token[:64],
            escalated_from=locked,
            field="note",
        )
        audit_log(
            actor=actor,
            action="forum.thread_escalate",
            target=thread,
            case_code=thread.case_code,
            detail={"to_thread": new.pk, "to_area": parent.code},
        )
        _notify(
            recipients=list(forum_moderators(target)),
            kind="forum.escalated",
            params={"actor": actor.shown_name, "thread": new.title, "forum": str(target.name)},
            url=thread_url(new),
            actor=actor,
        )
        # The cadre who raised it (she watches her thread) and everyone following it hear where it went; the
        # link is the thread they can read, which links on to the new one for those who may read that too.
        _notify(
            recipients=_watchers(locked),
            kind="forum.escalated_followed",
            params={"actor": actor.shown_name, "thread": locked.title, "forum": str(target.name)},
            url=thread_url(locked),
            actor=actor,
        )
    return new


def _escalation_chain(thread: Thread) -> list[Thread]:
    """The thread with every thread it was escalated from and to (dusun to province: at most five)."""
    chain = [thread]
    current = thread
    while current.escalated_from_id and len(chain) < 10:
        current = Thread.objects.select_related("forum__area").get(pk=current.escalated_from_id)
        chain.append(current)
    current = thread
    while len(chain) < 10:
        nxt = Thread.objects.select_related("forum__area").filter(escalated_from=current).first()
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    return chain


def _may_link(*, user, thread: Thread) -> None:
    perms = forum_perms(user=user, forum=thread.forum)
    if VIEW not in perms:
        raise NotFound(_("This thread does not exist or you cannot see it."))
    if POST not in perms:
        raise Forbidden(_("You can read this forum but not post in it."))


@transaction.atomic
def thread_link_case(*, thread: Thread, actor, code: str) -> Thread:
    """Link a thread (and the threads it was escalated from and to) to a child's case by its code: only someone
    who may see that case (its team, the overseers of its area). The thread becomes a case thread; the case's
    page lists it; referral news on the case is posted in it. Never the child's identity: the code only."""
    _may_link(user=actor, thread=thread)
    code = clean_case_code(user=actor, code=code)
    for t in _escalation_chain(thread):
        if t.case_code == code:
            continue
        t.case_code = code
        if t.kind != ThreadKind.ANNOUNCEMENT:
            t.kind = ThreadKind.CASE
        t.save(update_fields=["case_code", "kind"])
        pagecache.touch_thread(t)
        audit_log(actor=actor, action="forum.thread_link_case", target=t, case_code=code)
    thread.refresh_from_db(fields=["case_code", "kind"])
    return thread


@transaction.atomic
def thread_unlink_case(*, thread: Thread, actor) -> Thread:
    """Undo a link (same people: who may see the case); the escalation chain is unlinked too."""
    _may_link(user=actor, thread=thread)
    if not thread.case_code:
        return thread
    code = clean_case_code(user=actor, code=thread.case_code)
    for t in _escalation_chain(thread):
        if t.case_code != code:
            continue
        t.case_code = ""
        if t.kind == ThreadKind.CASE:
            t.kind = ThreadKind.DISCUSSION
        t.save(update_fields=["case_code", "kind"])
        pagecache.touch_thread(t)
        audit_log(actor=actor, action="forum.thread_unlink_case", target=t, case_code=code)
    thread.refresh_from_db(fields=["case_code", "kind"])
    return thread


# --- reading ---------------------------------------------------------------------------------------------


def thread_mark_read(*, user, thread: Thread, upto: int, state: ThreadUser | None) -> None:
    """Move the reader's marker forward to `upto`. Writes only when the marker moves (most page views of a
    thread one has read cost no write at all)."""
    if not user.is_authenticated:
        return
    if state is None:
        try:
            with transaction.atomic():
                ThreadUser.objects.create(user=user, thread=thread, last_read_number=upto)
        except IntegrityError:
            ThreadUser.objects.filter(user=user, thread=thread, last_read_number__lt=upto).update(
                last_read_number=upto
            )
        pagecache.touch_reader(user.pk, thread)
    elif state.last_read_number < upto:
        ThreadUser.objects.filter(pk=state.pk, last_read_number__lt=upto).update(last_read_number=upto)
        state.last_read_number = upto
        pagecache.touch_reader(user.pk, thread)


def thread_set_level(*, user, thread: Thread, level: str) -> ThreadUser:
    require(user=user, forum=thread.forum, perm=VIEW)
    if level not in WatchLevel.values:
        raise _invalid("level", _("Choose watching, normal or muted."))
    tu, _created = ThreadUser.objects.update_or_create(user=user, thread=thread, defaults={"level": level})
    pagecache.touch_reader(user.pk, thread)
    return tu
