"""The home page's "mentioned you" panel (portal.core.home): the unread @mentions, newest first. One query."""

from .selectors import notification_text, visible_to

SHOWN = 5


def mentions_home_panel(*, request):
    rows = list(
        visible_to(user=request.user)
        .filter(read_at__isnull=True, kind="forum.mention")
        .order_by("-pk")[: SHOWN + 1]
    )
    if not rows:
        return None
    items = [{"pk": n.pk, "text": notification_text(n), "created_at": n.created_at} for n in rows[:SHOWN]]
    return "notifications/panels/home_mentions.html", {"items": items, "more": len(rows) > SHOWN}
