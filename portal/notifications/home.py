"""The home page's "mentioned you" panel (portal.core.home): the unread @mentions, newest first, whose thread
the person can still read. Two queries (the candidates, then their threads: selectors.visible_first)."""

from .models import Notification
from .selectors import notification_text, visible_first

SHOWN = 5


def mentions_home_panel(*, request):
    unread = Notification.objects.filter(read_at__isnull=True, kind="forum.mention").order_by("-pk")
    rows = visible_first(user=request.user, queryset=unread, limit=SHOWN + 1)
    if not rows:
        return None
    items = [{"pk": n.pk, "text": notification_text(n), "created_at": n.created_at} for n in rows[:SHOWN]]
    return "notifications/panels/home_mentions.html", {"items": items, "more": len(rows) > SHOWN}
