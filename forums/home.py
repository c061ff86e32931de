"""The home page's "recent topics" panel (portal.core.home): the newest activity in the forums the person
reads, with the unread marker. One query, whatever the number of forums."""

from django.db.models import OuterRef, Subquery

from .models import ForumUser, Thread
from .permissions import readable_forum_ids
from .selectors import _read_number_subquery, global_cutoff

SHOWN = 5


def recent_topics_home_panel(*, request):
    user = request.user
    marked = ForumUser.objects.filter(user=user, forum=OuterRef("forum_id")).values("marked_read_at")[:1]
    threads = list(
        Thread.objects.filter(forum_id__in=readable_forum_ids(user=user))
        .select_related("forum__area")
        .annotate(read_number=_read_number_subquery(user), marked=Subquery(marked))
        .order_by("-last_post_at", "-pk")[:SHOWN]
    )
    if not threads:
        return None
    cutoff = global_cutoff()
    for t in threads:
        # as forums.selectors.mark_unread, with the forum's own "all read" mark
        since = max(cutoff, t.marked) if t.marked else cutoff
        t.unread = t.last_post_at > since and t.last_visible_number > (t.read_number or 0)
    return "forums/panels/home_topics.html", {"threads": threads}
