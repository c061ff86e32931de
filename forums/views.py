"""Forum pages. Each view parses input, calls one selector or service and renders; services raise NotFound
(404 page), Forbidden (403 page), Conflict and InvalidInput (a message on the form, which keeps what was typed)."""

import re
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core import pagecache
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound

from . import pagecache as deps
from . import rows, selectors, services
from .forms import (
    CaseLinkForm,
    DeleteForm,
    EditForm,
    EscalateForm,
    HideForm,
    MemberAddForm,
    MoveForm,
    ReasonForm,
    ReplyForm,
    SearchForm,
    ThreadForm,
    WatchForm,
)
from .markup import quote_markdown
from .models import PostKind, WatchLevel
from .permissions import MODERATE, POST, VIEW, forum_perms

USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")


# Links repeated on every row of the hot pages are built from a prefix (one reverse() per page instead of
# several per row: reverse() was a third of the thread page's CPU). The suffixes are those of urls.py.
def _prefix(name: str) -> str:
    return reverse(name, args=[987654321]).split("987654321")[0]


def _form_error(form, exc: InvalidInput | Conflict, aliases=None) -> None:
    aliases = aliases or {}
    if isinstance(exc, InvalidInput) and exc.errors:
        for field, errs in exc.errors.items():
            field = aliases.get(field, field)
            for err in errs:
                form.add_error(field if field in form.fields else None, err)
    else:
        form.add_error(None, str(exc.message))


def _page_number(request, last: int) -> int:
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    return min(max(number, 1), max(last, 1))


# "My forums" is kept per person with its forums' versions when they read at most this many forums (a province's
# coordinators read hundreds: one version per forum to check on every view would cost more than it saves).
MY_FORUMS_CACHED_UP_TO = 200


@login_required
def my_forums(request):
    if not _cached(request):
        return render(request, "forums/my_forums.html", _my_forums_context(request))
    uid = request.user.pk
    key = pagecache.page_key("my_forums", uid, get_language(), request.get_full_path())
    # The person's rights (which forums, roles, moderation), read markers and names (a forum is named after its
    # area) come with the page; the page names the forums it listed, whose versions (their threads' counters: the
    # unread counts) are read next.
    entry, versions = pagecache.fetch(key, [deps.person_key(uid), deps.my_reads_key(uid), deps.NAMES])
    if entry is not None:
        forum_keys = [deps.forum_key(f) for f in entry["meta"]["forums"]]
        if pagecache.tokens(forum_keys) == entry["meta"]["forum_versions"]:
            return pagecache.finish(request, entry["html"], state="hit")
    seen = {}

    def before_counts(forum_ids):  # the forums' tokens are read before their threads' counters
        if len(forum_ids) <= MY_FORUMS_CACHED_UP_TO:
            seen["forums"] = list(forum_ids)
            seen["forum_versions"] = pagecache.tokens([deps.forum_key(f) for f in forum_ids])

    context = _my_forums_context(request, before_counts=before_counts)
    html = render_to_string("forums/my_forums.html", {**context, **_cache_marks()}, request=request)
    if seen.get("forum_versions") is not None:
        pagecache.store(key, versions, html, meta=seen)
    return pagecache.finish(request, html, state="miss")


def _my_forums_context(request, before_counts=None) -> dict:
    entries = selectors.my_forums(user=request.user, before_counts=before_counts)
    return {
        "own": [e for e in entries if e.own],
        "below": [e for e in entries if not e.own],
        "can_moderate": any(e.can_moderate for e in entries),
        "search_form": SearchForm(),
    }


# --- the hot pages, cached per viewer (portal/core/pagecache.py; what they depend on: forums/pagecache.py) ------


def _cache_marks() -> dict:
    """Context that puts placeholders where the per-request parts go (filled in by pagecache.finish)."""
    return {"csrf_token": pagecache.MARKS.CSRF, "messages": (), "page_cache_bell": pagecache.MARKS.BELL}


def _cached(request) -> bool:
    return pagecache.enabled() and not pagecache.has_messages(request)


_FORUM_IDS: dict[str, tuple[int, bool]] = {}  # area code -> (forum id, shows overdue referrals): never change


def _forum_deps(request, forum_id: int, referrals: bool) -> list[str]:
    uid = request.user.pk
    keys = [
        deps.forum_key(forum_id),
        deps.person_key(uid),
        deps.NAMES,
        deps.forum_read_key(uid, forum_id),
        deps.MEETINGS,
    ]
    return [*keys, deps.REFERRALS] if referrals else keys


def _forum_id(code: str) -> tuple[int, bool] | None:
    known = _FORUM_IDS.get(code)
    if known is None:
        from portal.areas.models import Level

        from .models import Forum

        row = Forum.objects.filter(area__code=code).values_list("pk", "area__level").first()
        if row is None:
            return None
        known = _FORUM_IDS[code] = (row[0], row[1] == Level.DISTRICT)
    return known


def _forum_shared_deps(forum_id: int, referrals: bool) -> list[str]:
    """What the forum page's shared part (needs attention, meetings, the thread rows without the reader's marks,
    the pages) shows: the same for everyone who may read the forum (no rights, no read marker)."""
    keys = [deps.forum_key(forum_id), deps.NAMES, deps.MEETINGS]
    return [*keys, deps.REFERRALS] if referrals else keys


@login_required
def forum_detail(request, code):
    known = _forum_id(code) if _cached(request) and selectors.AREA_CODE_RE.match(code) else None
    if known is None:  # not cached, or a forum not made yet (forum_get makes it for those entitled to it)
        forum = selectors.forum_get(user=request.user, code=code)
        return render(request, "forums/forum.html", _forum_context(request, forum)[0])
    # The tokens are read before the data, so a page is never stored under tokens newer than what it shows.
    language, path = get_language(), request.get_full_path()
    key = pagecache.page_key("forum", request.user.pk, language, path)
    shared_key = pagecache.page_key("forum-shared", known[0], language, path)
    shared_deps = _forum_shared_deps(*known)
    entry, versions, parts = pagecache.fetch_parts(
        key, _forum_deps(request, *known), {shared_key: shared_deps}
    )
    if entry is not None and entry["meta"] == {"forum": known[0]}:
        return pagecache.finish(request, entry["html"], state="hit")
    forum = selectors.forum_get(user=request.user, code=code)
    shared = parts.get(shared_key)
    if shared is not None and shared["meta"] != {"forum": forum.pk}:
        shared = None
    context, made = _forum_context(request, forum, shared=shared["html"] if shared else None)
    html = render_to_string("forums/forum.html", {**context, **_cache_marks()}, request=request)
    if forum.pk == known[0]:
        pagecache.store(key, versions, html, meta={"forum": forum.pk})
        if made is not None:
            shared_versions = pagecache.part_versions(versions, shared_deps)
            pagecache.store(shared_key, shared_versions, made, meta={"forum": forum.pk})
    else:
        _FORUM_IDS.pop(code, None)
    return pagecache.finish(request, html, state="miss")


def _forum_context(request, forum, shared=None) -> tuple[dict, dict | None]:
    """The forum page's context, and its shared part when this view made it (None when `shared`, the part kept
    for the forum's version, was given: only the reader's marks are read then, one query for the page's rows)."""
    perms = forum_perms(user=request.user, forum=forum)
    made = None
    if shared is None:
        page = Paginator(
            selectors.forum_threads(user=request.user, forum=forum).only(*selectors.FORUM_ROW_FIELDS),
            selectors.THREADS_PER_PAGE,
        ).get_page(request.GET.get("page"))
        cutoff = selectors.forum_cutoff(user=request.user, forum=forum)
        selectors.mark_unread(page.object_list, cutoff=cutoff)
        parts = rows.thread_row_parts(page.object_list, T=_prefix("forums:thread"), new_label=_("New"))
        html = render_to_string(
            "forums/_forum_list.html",
            {
                "forum": forum,
                "page": page,
                "attention": selectors.forum_needs_attention(forum=forum),
                "thread_rows": mark_safe(pagecache.MARKS.SLOT),  # noqa: S308 (a constant)
            },
            request=request,
        )
        head, _slot, tail = html.partition(pagecache.MARKS.SLOT)
        shared = made = {"head": head, "tail": tail, "rows": parts}
        unread = {t.pk for t in page.object_list if t.unread}
    else:
        cutoff = selectors.forum_cutoff(user=request.user, forum=forum)
        unread = selectors.unread_among(user=request.user, rows=shared["rows"], cutoff=cutoff)
    context = {
        "forum": forum,
        "can_post": POST in perms,
        "can_moderate": MODERATE in perms,
        "forum_list": mark_safe(  # noqa: S308 (rendered by the template and forums/rows.py, escaped there)
            shared["head"] + rows.fill_thread_rows(shared["rows"], unread) + shared["tail"]
        ),
    }
    return context, made


@login_required
@require_POST
def forum_mark_read(request, code):
    forum = selectors.forum_get(user=request.user, code=code)
    services.forum_mark_read(forum=forum, user=request.user)
    messages.success(request, _("Every thread in this forum is marked as read."))
    return redirect("forums:forum", code=forum.area.code)


@login_required
def thread_new(request, code):
    forum = selectors.forum_get(user=request.user, code=code)
    perms = forum_perms(user=request.user, forum=forum)
    if POST not in perms:
        raise Forbidden(_("You can read this forum but not post in it."))
    asked_case = (request.POST.get("case") or request.GET.get("case") or "")[:20]
    # The case-code field: for case workers, and for whoever arrives with a case they may see (a facilitator's
    # "start a forum thread about it" on a referral that needs attention, issue 20). Cadres never see it.
    can_case = selectors.is_case_worker(user=request.user) or bool(
        asked_case
        and selectors.case_link(user=request.user, thread=SimpleNamespace(case_code=asked_case))["url"]
    )
    form = ThreadForm(
        request.POST or None,
        can_announce=MODERATE in perms,
        can_case=can_case,
        initial={"case": request.GET.get("case", "")[:20]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.thread_create(
                forum=forum,
                author=request.user,
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                case_code=data.get("case", ""),
                client_token=data["once_token"],
            )
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your thread was posted."))
            return redirect("forums:thread", pk=thread.pk)
    return render(
        request,
        "forums/thread_form.html",
        {"forum": forum, "form": form, "has_case": "case" in form.fields},
    )


def _thread_deps(request, pk) -> list[str]:
    uid = request.user.pk
    # Meetings too: forums.meetings rewrites a minutes thread's opening post itself when minutes are re-published.
    return [
        deps.MEETINGS,
        deps.thread_key(pk),
        deps.person_key(uid),
        deps.NAMES,
        deps.read_key(uid, pk),
        deps.reads_key(uid),
    ]


def _case_still(request, meta) -> bool:
    """A case thread's link depends on who may see the case now (referrals): checked again on every hit."""
    if not meta.get("case_code"):
        return True
    from types import SimpleNamespace

    now = selectors.case_link(user=request.user, thread=SimpleNamespace(case_code=meta["case_code"]))
    return now == meta["case"]


@login_required
def thread_detail(request, pk):
    if not _cached(request):
        context, _moved = _thread_context(request, pk)
        return render(request, "forums/thread.html", context)
    key = pagecache.page_key("thread", request.user.pk, get_language(), request.get_full_path())
    entry, versions = pagecache.fetch(key, _thread_deps(request, pk))
    if entry is not None and _case_still(request, entry["meta"]):
        return pagecache.finish(request, entry["html"], state="hit")
    context, moved = _thread_context(request, pk, once=pagecache.MARKS.ONCE, csrf=pagecache.MARKS.CSRF)
    html = render_to_string("forums/thread.html", {**context, **_cache_marks()}, request=request)
    if not moved:  # a view that moved the marker shows "new" marks the next view will not: never stored
        thread = context["thread"]
        meta = {"case_code": thread.case_code, "case": context["case"]}
        pagecache.store(key, versions, html, meta=meta)
    return pagecache.finish(request, html, state="miss")


def _thread_context(request, pk, once=None, csrf=None) -> tuple[dict, bool]:
    """The thread page's context, and whether this view moved the reader's marker (`once`, `csrf`: the page
    cache's placeholders for the one-time token and the CSRF token)."""
    thread = selectors.thread_page_get(user=request.user, pk=pk)
    perms = forum_perms(user=request.user, forum=thread.forum)
    last_page = selectors.page_of(thread.last_post_number)
    number = _page_number(request, last_page)
    posts = selectors.thread_posts(thread=thread, page=number)
    state = selectors.thread_state(user=request.user, thread=thread)
    read_before = state.last_read_number if state else 0
    cutoff = selectors.forum_cutoff(user=request.user, forum=thread.forum)
    moderate = MODERATE in perms
    for post in posts:
        post.is_new = post.is_visible and post.number > read_before and post.created_at > cutoff
        post.history_visible = post.edited_at and (moderate or post.author_id == request.user.pk)
    moved = False
    if posts:
        moved = state is None or state.last_read_number < posts[-1].number
        services.thread_mark_read(user=request.user, thread=thread, upto=posts[-1].number, state=state)
    origin_visible = bool(
        thread.escalated_from and VIEW in forum_perms(user=request.user, forum=thread.escalated_from.forum)
    )
    target = thread.escalation_target
    target_visible = bool(target and VIEW in forum_perms(user=request.user, forum=target.forum))
    can_post = POST in perms and (not thread.locked or MODERATE in perms)
    case = selectors.case_link(user=request.user, thread=thread)
    context = {
        "origin": selectors.escalation_origin(thread=thread),
        "case": case,
        "case_form": CaseLinkForm()
        if (case is None or case["can_change"])
        and selectors.may_link_case(user=request.user, forum=thread.forum)
        else None,
        "thread": thread,
        "forum": thread.forum,
        "posts": posts,
        "page": {"number": number, "last": last_page, "range": range(1, last_page + 1)},
        "can_post": can_post,
        "can_moderate": MODERATE in perms,
        "level": state.level if state else WatchLevel.NORMAL,
        "levels": WatchLevel.choices,
        "reply_form": (ReplyForm(initial={"once_token": once}) if once else ReplyForm())
        if can_post
        else None,
        # The placeholder's fields are the same on every page: rendered once per language (forums/rows.py).
        "reply_fields": rows.reply_fields_html(once) if can_post and once else None,
        "origin_visible": origin_visible,
        "target": target,
        "target_visible": target_visible,
        "user_id": request.user.pk,
        "P": _prefix("forums:post_edit"),
        "U": _prefix("forums:person"),
        "reply_url": reverse("forums:reply", args=[thread.pk]),
        "people_url": reverse("forums:people", args=[thread.forum.area.code]),
    }
    context["post_rows"] = rows.post_list_html(
        posts,
        user_id=request.user.pk,
        can_moderate=context["can_moderate"],
        can_post=can_post,
        P=context["P"],
        U=context["U"],
        reply_url=context["reply_url"],
        csrf_token=csrf or get_token(request),
    )
    return context, moved


@login_required
def thread_unread(request, pk):
    """Open a thread at the first post the person has not read (or at the last page when all is read)."""
    thread = selectors.thread_get(user=request.user, pk=pk)
    number = selectors.thread_first_unread(user=request.user, thread=thread) or thread.last_post_number
    return redirect(_post_url(thread.pk, number))


def _post_url(thread_id: int, number: int) -> str:
    page = selectors.page_of(number)
    url = reverse("forums:thread", args=[thread_id])
    return f"{url}?page={page}#post-{number}" if page > 1 else f"{url}#post-{number}"


@login_required
def post_goto(request, pk, number):
    thread = selectors.thread_get(user=request.user, pk=pk)
    return redirect(_post_url(thread.pk, min(number, thread.last_post_number)))


@login_required
def thread_reply(request, pk):
    """The reply page. A locked thread (for someone who is not a moderator) shows that it is locked, with the
    form disabled; what was typed stays in the box."""
    thread = selectors.thread_get(user=request.user, pk=pk)
    perms = forum_perms(user=request.user, forum=thread.forum)
    if POST not in perms:
        raise Forbidden(_("You can read this forum but not post in it."))
    locked = thread.locked and MODERATE not in perms
    initial = {}
    quote_id = request.GET.get("quote", "")
    if quote_id.isdigit():
        quoted = selectors.post_get(user=request.user, pk=int(quote_id))
        if (
            quoted.thread_id == thread.pk
            and quoted.is_visible
            and quoted.kind == PostKind.POST
            and quoted.body
        ):
            initial["body"] = quote_markdown(author=quoted.author.shown_name, body=quoted.body)
    form = ReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                thread=thread,
                author=request.user,
                body=form.cleaned_data["body"],
                client_token=form.cleaned_data["once_token"],
            )
        except InvalidInput as exc:
            _form_error(form, exc)
        except Conflict:
            locked = True  # locked meanwhile: the page says so, the text stays
        else:
            return redirect(_post_url(thread.pk, post.number))
    return render(
        request,
        "forums/reply_form.html",
        {
            "thread": thread,
            "forum": thread.forum,
            "form": form,
            "refusal": _("This thread is locked: no new replies.") if locked else "",
            "people_url": reverse("forums:people", args=[thread.forum.area.code]),
        },
    )


@login_required
@require_POST
def thread_watch(request, pk):
    thread = selectors.thread_get(user=request.user, pk=pk)
    form = WatchForm(request.POST)
    if form.is_valid():
        services.thread_set_level(user=request.user, thread=thread, level=form.cleaned_data["level"])
        messages.success(request, _("Your notification setting for this thread was saved."))
    return redirect("forums:thread", pk=thread.pk)


@login_required
@require_POST
def thread_moderate(request, pk):
    thread = selectors.thread_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    done = {
        "lock": (
            lambda: services.thread_set_state(thread=thread, actor=request.user, locked=True),
            _("The thread is locked."),
        ),
        "unlock": (
            lambda: services.thread_set_state(thread=thread, actor=request.user, locked=False),
            _("The thread is open again."),
        ),
        "pin": (
            lambda: services.thread_set_state(thread=thread, actor=request.user, pinned=True),
            _("The thread is pinned."),
        ),
        "unpin": (
            lambda: services.thread_set_state(thread=thread, actor=request.user, pinned=False),
            _("The thread is no longer pinned."),
        ),
        "resolve": (
            lambda: services.thread_resolve(thread=thread, actor=request.user),
            _("The thread is marked resolved."),
        ),
        "reopen": (
            lambda: services.thread_resolve(thread=thread, actor=request.user, resolved=False),
            _("The thread is open again."),
        ),
    }
    if action not in done:
        messages.error(request, _("Unknown action."))
    else:
        func, message = done[action]
        func()
        messages.success(request, message)
    return redirect("forums:thread", pk=thread.pk)


@login_required
def thread_escalate(request, pk):
    thread = selectors.thread_get(user=request.user, pk=pk)
    if MODERATE not in forum_perms(user=request.user, forum=thread.forum):
        raise Forbidden(_("Only the forum's facilitators can do this."))
    parent = thread.forum.area.parent
    form = EscalateForm(request.POST or None)
    refusal = services.escalation_refusal(thread=thread)
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            new = services.thread_escalate(
                thread=thread,
                actor=request.user,
                note=form.cleaned_data["note"],
                client_token=form.cleaned_data["once_token"],
            )
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The thread was escalated to %(forum)s.") % {"forum": new.forum.name})
            return redirect("forums:thread", pk=thread.pk)
    return render(
        request,
        "forums/escalate_form.html",
        {
            "thread": thread,
            "forum": thread.forum,
            "parent": parent,
            "form": form,
            "refusal": services.escalation_refusal(thread=thread) or "",
        },
    )


@login_required
def thread_move(request, pk):
    thread = selectors.thread_get(user=request.user, pk=pk)
    if MODERATE not in forum_perms(user=request.user, forum=thread.forum):
        raise Forbidden(_("Only the forum's facilitators can do this."))
    areas = list(selectors.child_areas(forum=thread.forum))
    form = MoveForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            services.thread_move(thread=thread, actor=request.user, area_code=form.cleaned_data["area"])
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The thread was moved to %(forum)s.") % {"forum": thread.forum.name})
            return redirect("forums:thread", pk=thread.pk)
    return render(
        request,
        "forums/move_form.html",
        {"thread": thread, "forum": thread.forum, "form": form, "areas": areas},
    )


@login_required
def post_edit(request, pk):
    post = selectors.post_get(user=request.user, pk=pk)
    if post.author_id != request.user.pk:
        raise Forbidden(_("Only the author can edit a post."))
    perms = forum_perms(user=request.user, forum=post.thread.forum)
    form = EditForm(request.POST or None, initial={"body": post.body})
    refusal = services.post_edit_refusal(post=post, perms=perms)
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            services.post_edit(post=post, editor=request.user, body=form.cleaned_data["body"])
        except InvalidInput as exc:
            _form_error(form, exc)
        except Conflict as exc:
            refusal = exc.message
        else:
            messages.success(request, _("Your post was saved."))
            return redirect(_post_url(post.thread_id, post.number))
    return render(
        request,
        "forums/edit_form.html",
        {
            "post": post,
            "thread": post.thread,
            "forum": post.thread.forum,
            "form": form,
            "refusal": refusal or "",
            "people_url": reverse("forums:people", args=[post.thread.forum.area.code]),
        },
    )


@login_required
def post_history(request, pk):
    """The text before each edit: the author's and the forum's moderators' only (404 for everyone else, as for
    something that does not exist); both may redact an earlier version (POST `redact`=<revision id>)."""
    post = selectors.post_get(user=request.user, pk=pk)
    if not services.can_see_history(user=request.user, post=post):
        raise Http404
    if request.method == "POST":
        try:
            revision_id = int(request.POST.get("redact", ""))
        except ValueError:
            raise Http404 from None
        services.post_revision_redact(post=post, revision_id=revision_id, actor=request.user)
        messages.success(request, _("That earlier version was removed for good."))
        return redirect("forums:post_history", pk=post.pk)
    revisions = post.revisions.select_related("editor", "redacted_by")
    return render(
        request,
        "forums/history.html",
        {"post": post, "thread": post.thread, "forum": post.thread.forum, "revisions": revisions},
    )


@login_required
def post_delete(request, pk):
    post = selectors.post_get(user=request.user, pk=pk)
    perms = forum_perms(user=request.user, forum=post.thread.forum)
    if post.author_id != request.user.pk and MODERATE not in perms:
        raise Forbidden(_("Only the author or a facilitator can delete a post."))
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        privacy = form.cleaned_data["privacy"]
        try:
            services.post_delete(post=post, actor=request.user, privacy=privacy)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            if privacy:
                messages.success(request, _("The post was deleted and its text removed for good."))
            else:
                messages.success(request, _("The post was deleted."))
        return redirect(_post_url(post.thread_id, post.number))
    return render(
        request,
        "forums/confirm_delete.html",
        {"post": post, "thread": post.thread, "forum": post.thread.forum, "form": form},
    )


def _reason_view(request, pk, *, action, template, success, form_class=ReasonForm):
    """Flag and hide: a reason to give. A post that can no longer be flagged or hidden (deleted, already hidden,
    a message from Pelita) shows why, with the form disabled."""
    post = selectors.post_get(user=request.user, pk=pk)
    form = form_class(request.POST or None)
    refusal = ""
    if post.is_system:
        refusal = _("This is a message from Pelita: it cannot be flagged or hidden.")
    elif post.deleted_at:
        refusal = _("This post was deleted.")
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            action(post=post, **form.cleaned_data)
        except InvalidInput as exc:
            _form_error(form, exc)
        except Conflict as exc:
            refusal = exc.message
        else:
            messages.success(request, success)
            return redirect(_post_url(post.thread_id, post.number))
    return render(
        request,
        template,
        {"post": post, "thread": post.thread, "forum": post.thread.forum, "form": form, "refusal": refusal},
    )


@login_required
def post_flag(request, pk):
    return _reason_view(
        request,
        pk,
        action=lambda post, reason: services.post_flag(post=post, user=request.user, reason=reason),
        template="forums/flag_form.html",
        success=_("Thank you: the facilitators will look at this post."),
    )


@login_required
def post_hide(request, pk):
    post = selectors.post_get(user=request.user, pk=pk)
    if MODERATE not in forum_perms(user=request.user, forum=post.thread.forum):
        raise Forbidden(_("Only the forum's facilitators can do this."))
    return _reason_view(
        request,
        pk,
        action=lambda post, reason, privacy: services.post_hide(
            post=post, actor=request.user, reason=reason, privacy=privacy
        ),
        template="forums/hide_form.html",
        success=_("The post is hidden and its author was told why."),
        form_class=HideForm,
    )


@login_required
@require_POST
def post_unhide(request, pk):
    post = selectors.post_get(user=request.user, pk=pk)
    try:
        services.post_unhide(post=post, actor=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The post is visible again."))
    return redirect(_post_url(post.thread_id, post.number))


@login_required
def moderation(request):
    page = Paginator(selectors.moderation_queue(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "forums/moderation.html", {"page": page})


@login_required
@require_POST
def flag_dismiss(request, pk):
    flag = selectors.flag_get(user=request.user, pk=pk)
    services.flag_dismiss(flag=flag, actor=request.user)
    messages.success(request, _("The flag was dismissed; the post stays visible."))
    return redirect("forums:moderation")


@login_required
def members(request, code):
    forum = selectors.forum_get(user=request.user, code=code)
    if MODERATE not in forum_perms(user=request.user, forum=forum):
        raise Forbidden(_("Only the forum's facilitators can do this."))
    form = MemberAddForm(request.POST or None)
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                services.forum_member_remove(
                    forum=forum, actor=request.user, membership_id=int(request.POST["remove"])
                )
            except ValueError:
                raise Http404 from None
            messages.success(request, _("The person was removed from this forum."))
            return redirect("forums:members", code=forum.area.code)
        if form.is_valid():
            try:
                membership = services.forum_member_add(
                    forum=forum, actor=request.user, username=form.cleaned_data["username"]
                )
            except InvalidInput as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is now a member of this forum.") % {"name": membership.user.shown_name},
                )
                return redirect("forums:members", code=forum.area.code)
    return render(
        request,
        "forums/members.html",
        {"forum": forum, "form": form, "members": selectors.forum_members(forum=forum)},
    )


@login_required
def search(request):
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        page = Paginator(selectors.thread_search(user=request.user, q=form.cleaned_data["q"]), 25).get_page(
            request.GET.get("page")
        )
    return render(request, "forums/search.html", {"search_form": form, "page": page})


@login_required
def person(request, username):
    person = None
    if USERNAME_RE.match(username):
        person = selectors.person_visible(viewer=request.user, username=username)
    if person is None:
        raise Http404
    return render(request, "forums/person.html", {"person": person})


@login_required
def people(request, code):
    """Everyone who can read this forum, with the username to type after @ (the list that @mention suggestions
    come from; it works without JavaScript)."""
    forum = selectors.forum_get(user=request.user, code=code)
    page = Paginator(selectors.forum_people(forum=forum, limit=0), 100).get_page(request.GET.get("page"))
    return render(request, "forums/people.html", {"forum": forum, "page": page})


@login_required
@require_POST
def thread_case(request, pk):
    """Link the thread to a child's case by its code (`case`), or undo the link (`unlink`)."""
    thread = selectors.thread_get(user=request.user, pk=pk)
    form = CaseLinkForm(request.POST)
    try:
        if "unlink" in request.POST:
            services.thread_unlink_case(thread=thread, actor=request.user)
            messages.success(request, _("The thread is no longer linked to a case."))
        elif form.is_valid():
            services.thread_link_case(thread=thread, actor=request.user, code=form.cleaned_data["case"])
            messages.success(
                request, _("The thread is linked to case %(code)s.") % {"code": thread.case_code}
            )
        else:
            messages.error(request, _("A case code looks like APM-5202-00042."))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return redirect("forums:thread", pk=thread.pk)


@login_required
@require_POST
def forum_link_case(request, code):
    """From the facilitator's "needs attention" page: link an existing thread (chosen or typed by its number) to
    the case, through the same service as the thread page's own form; back to the page it came from."""
    from django.utils.http import url_has_allowed_host_and_scheme

    from .forms import AttentionLinkForm

    selectors.forum_get(user=request.user, code=code)  # a forum the person cannot read: 404
    form = AttentionLinkForm(request.POST)
    valid = form.is_valid()
    nxt = form.cleaned_data.get("next", "") if valid else ""
    if not (nxt.startswith("/") and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})):
        nxt = reverse("forums:forum", kwargs={"code": code})
    pk = form.thread_pk() if valid else None
    if pk is None:
        messages.error(
            request, _("Choose a thread, or type its number (the number in its address: /forums/t/123/).")
        )
        return redirect(nxt)
    try:
        thread = selectors.thread_get(user=request.user, pk=pk)
        services.thread_link_case(thread=thread, actor=request.user, code=form.cleaned_data["case"])
    except NotFound:
        messages.error(request, _("There is no thread %(n)s that you can read.") % {"n": pk})
    except (InvalidInput, Forbidden) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Thread “%(title)s” is linked to case %(code)s.")
            # The title in a bidi isolate: a right-to-left override typed in it stops at its end instead of
            # turning the case code after it around (APM-5202-00001 read "10000-2025-MPA").
            % {"title": f"\u2068{thread.title}\u2069", "code": thread.case_code},
        )
    return redirect(nxt)
