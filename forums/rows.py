"""The hot pages' repeated rows rendered in Python (issue 17, "cheaper misses"): the thread page's post list and
the reply form's fields, the parts a miss of the page cache re-renders every time. The template engine resolved
each `{{ post.author.shown_name }}` through a chain of lookups, localised every value and rendered each widget
through its own template: ~3 ms of the thread page's 5 ms of template work per 20 posts; this is ~0.4 ms.

The HTML is the one forums/templates/forums/thread.html produced (same markup, same escaping: every value is
escaped except the post bodies, stored already sanitised as `body_html`, as the template's `|safe` did); the
tests of the thread page and of the page cache read it. Strings are gettext'd once per page, in the active
language. Public: `post_list_html`, `reply_fields_html`."""

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _stamp(value) -> str:
    return date_format(template_localtime(value), "j M Y H:i")


def post_list_html(posts, *, user_id, can_moderate, can_post, P, U, reply_url, csrf_token) -> SafeString:  # noqa: N803 (the template's names)
    """The `<li>` of each post of a page (the inside of `<ol class="posts">`)."""
    t = {
        "pelita": _("Pelita"),
        "news": _("Case news"),
        "new": _("New"),
        "deleted": _("This post was deleted."),
        "purged": _("This post was removed for privacy."),
        "delete": _("Delete"),
        "edited": _("edited"),
        "quote": _("Quote"),
        "edit": _("Edit"),
        "flag": _("Flag"),
        "show": _("Show again"),
        "hide": _("Hide"),
    }
    t = {k: escape(v) for k, v in t.items()}
    hidden_by = _("Hidden by a facilitator: %(reason)s")
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    new_badge = f'<span class="badge new">{t["new"]}</span>'
    reply_url = escape(reply_url)
    out = []
    add = out.append
    for post in posts:
        n = post.number
        pk = post.pk
        stamp = _stamp(post.created_at)
        new = new_badge if post.is_new else ""
        if post.is_system:
            add(
                f'<li class="post system" id="post-{n}">\n'
                f'<header class="post-head"><strong>{t["pelita"]}</strong> <span class="badge">{t["news"]}</span>\n'
                f'<span class="small muted"> · <a href="#post-{n}">{stamp}</a></span>\n'
                f"{new}</header>\n"
            )
            if post.deleted_at:
                add(f'<p class="muted"><em>{t["deleted"]}</em></p>\n')
            else:
                add(f'<p class="post-body">{escape(post.system_text)}</p>\n')
                if can_moderate:
                    add(
                        f'<footer class="post-actions small"><a href="{P}{pk}/delete/">{t["delete"]}</a></footer>'
                    )
            add("</li>\n")
            continue
        author = post.author
        own = post.author_id == user_id
        edited = ""
        if post.edited_at:
            if post.history_visible:
                edited = f' · <a href="{P}{pk}/history/">{t["edited"]}</a>'
            else:
                edited = f" · {t['edited']}"
        add(
            f'<li class="post{" is-new" if post.is_new else ""}" id="post-{n}">\n'
            f'<header class="post-head"><a class="author" href="{U}{escape(author.username)}/"><strong>'
            f'{escape(author.shown_name)}</strong></a> <span class="muted small">@{escape(author.username)}</span>\n'
            f'<span class="small muted"> · <a href="#post-{n}">{stamp}</a>{edited}</span>\n'
            f"{new}</header>\n"
        )
        if post.purged_at:
            add(f'<p class="muted"><em>{t["purged"]}</em></p>\n')
        elif post.deleted_at:
            add(f'<p class="muted"><em>{t["deleted"]}</em></p>\n')
        elif post.hidden_at:
            add(f'<p class="muted"><em>{hidden_by % {"reason": escape(post.hidden_reason)}}</em></p>\n')
            if can_moderate or own:
                add(f'<div class="post-body hidden-body">{post.body_html}</div>')
            add("\n")
        else:
            add(f'<div class="post-body">{post.body_html}</div>\n')
        if not post.deleted_at and not post.purged_at:
            actions = []
            if can_post and not post.hidden_at:
                actions.append(f'<a href="{reply_url}?quote={pk}">{t["quote"]}</a>')
            if own and not post.hidden_at:
                actions.append(f'<a href="{P}{pk}/edit/">{t["edit"]}</a>')
            if own or can_moderate:
                actions.append(f'<a href="{P}{pk}/delete/">{t["delete"]}</a>')
            if not own and not post.hidden_at:
                actions.append(f'<a href="{P}{pk}/flag/">{t["flag"]}</a>')
            if can_moderate:
                if post.hidden_at:
                    actions.append(
                        f'<form method="post" action="{P}{pk}/unhide/" class="inline">{csrf}'
                        f'<button type="submit" class="link">{t["show"]}</button></form>'
                    )
                else:
                    actions.append(f'<a href="{P}{pk}/hide/">{t["hide"]}</a>')
            add('<footer class="post-actions small">\n' + "\n".join(actions) + "\n</footer>")
        add("</li>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped; bodies are sanitised HTML)


_REPLY_FIELDS: dict[tuple[str, str], str] = {}


def reply_fields_html(once_token: str) -> SafeString:
    """The reply form's one-time token and body field, as `{{ reply_form.once_token }}` and forums/_field.html
    render an unbound ReplyForm: rendered once per language and placeholder through Django's widget templates,
    then kept (an unbound form renders the same every time; the page cache fills the placeholder per response)."""
    key = (get_language() or "", once_token)
    html = _REPLY_FIELDS.get(key)
    if html is None:
        from django.template.loader import render_to_string

        from .forms import ReplyForm

        form = ReplyForm(initial={"once_token": once_token})
        html = f"{form['once_token']}\n" + render_to_string("forums/_field.html", {"field": form["body"]})
        _REPLY_FIELDS[key] = html
    return mark_safe(html)  # noqa: S308 (rendered by Django's widgets, escaped there)


def _badges(t, s) -> str:
    """forums/_thread_badges.html for one thread of a list."""
    out = []
    if t.pinned:
        out.append(f'<span class="badge">{s["pinned"]}</span> ')
    if t.locked:
        out.append(f'<span class="badge">{s["locked"]}</span> ')
    if t.kind == "announcement":
        out.append(f'<span class="badge warn">{s["announcement"]}</span> ')
    elif t.kind == "case":
        out.append(f'<span class="badge">{escape(t.case_code)}</span> ')
    if t.escalated_from_id:
        area = escape(t.escalated_from.forum.area.display_name)
        out.append(f'<span class="badge alert">{s["from"] % {"area": area}}</span> ')
    target = t.escalation_target
    if target:
        area = escape(target.forum.area.display_name)
        out.append(f'<span class="badge warn escalated-to">{s["to"] % {"area": area}}</span> ')
    if t.resolved_at:
        out.append(f'<span class="badge ok">{s["resolved"]}</span> ')
    return "".join(out)


def thread_list_html(threads, *, T, new_label) -> SafeString:  # noqa: N803 (the template's name)
    """The `<li>` of each thread of a forum's page (the inside of `<ul class="list threads">`), with each
    thread's `unread` mark."""
    return fill_thread_rows(
        thread_row_parts(threads, T=T, new_label=new_label), {t.pk for t in threads if t.unread}
    )


def thread_row_parts(threads, *, T, new_label) -> list[tuple]:  # noqa: N803 (the template's name)
    """The rows of thread_list_html without the reader's marks, the same for every reader of the forum (kept with
    the forum's version, forums.views): per thread (id, last_post_at, last_visible_number, the row's four
    pieces around its three marks, the "New" badge). `fill_thread_rows` puts one reader's marks in."""
    from django.utils.formats import localize
    from django.utils.translation import ngettext

    s = {
        "pinned": escape(_("Pinned")),
        "locked": escape(_("Locked")),
        "announcement": escape(_("Announcement")),
        "resolved": escape(_("Resolved")),
        "from": _("From %(area)s"),
        "to": _("Escalated to %(area)s"),
    }
    new_label = escape(new_label)
    out = []
    add = out.append
    for t in threads:
        pk = t.pk
        n = t.posts_count
        posts = ngettext("%(n)s post", "%(n)s posts", n) % {"n": localize(n)}
        add(
            (
                pk,
                t.last_post_at,
                t.last_visible_number,
                '<li class="thread-row',
                f'">\n{_badges(t, s)}',
                f'<a href="{T}{pk}/',
                f'" class="thread-title">{escape(t.title)}</a>\n'
                f'<br><span class="small muted">{escape(t.author.shown_name)} · {posts} · {_stamp(t.last_post_at)}</span>\n'
                f"</li>",
                f'<a class="badge new" href="{T}{pk}/unread/">{new_label}</a> ',
            )
        )
    return out


def fill_thread_rows(parts, unread) -> SafeString:
    """thread_row_parts with the marks of one reader (`unread`: the ids of the threads unread for them)."""
    out = []
    add = out.append
    for pk, _at, _number, a, b, c, d, new in parts:
        if pk in unread:
            add(f"{a} unread{b}{new}{c}unread/{d}")
        else:
            add(f"{a}{b}{c}{d}")
    return mark_safe("".join(out))  # noqa: S308 (every value of thread_row_parts is escaped)
