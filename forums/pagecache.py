"""What the cached forum pages (the thread page, the forum page) depend on, and the bumps that keep them true
(portal.core.pagecache holds the mechanism). Version keys:

- `pc:t:<thread>`: the thread and its posts (every post write, lock, pin, resolve, move, case link, escalation,
  system posts; a write on a thread of an escalation chain bumps every thread of the chain: each page shows the
  others' forum, state and the first thread's opening post);
- `pc:f:<forum>`: the forum's thread list and "needs attention" threads (any write that changes a row);
- `pc:u:<person>`: what a person may do and see (forum permissions, memberships, superuser, navigation);
- `pc:n`: people's and areas' names (any person's name change, any area saved or the official tree reloaded:
  names appear on every page, a forum is named after its area);
- `pc:r:<person>:<thread>`: a person's read marker and watch level in a thread ("new" marks, the select);
- `pc:rf:<person>:<forum>`: a person's read markers in a forum ("new" marks of the list, "mark all read");
- `pc:ra:<person>`: a person marked a forum read (the "new" marks of their thread pages);
- `pc:rm:<person>`: any read marker of a person moved ("my forums": the unread counts; with `pc:u` and the
  `pc:f` of each forum listed);
- `pc:xr`: overdue referrals (a kecamatan forum's "needs attention"); `pc:xm`: meetings and action items.

Services call the `touch_*` helpers; people's and permissions' changes arrive through model signals (connected in
ForumsConfig.ready) and forums.permissions. Time-driven changes (a referral becoming overdue, the 30-day unread
cut-off) show within the page's lifetime (portal.core.pagecache.PAGE_TTL, five minutes)."""

from portal.core.pagecache import bump

NAMES = "pc:n"
REFERRALS = "pc:xr"
MEETINGS = "pc:xm"


def thread_key(thread_id) -> str:
    return f"pc:t:{thread_id}"


def forum_key(forum_id) -> str:
    return f"pc:f:{forum_id}"


def person_key(user_id) -> str:
    return f"pc:u:{user_id}"


def read_key(user_id, thread_id) -> str:
    return f"pc:r:{user_id}:{thread_id}"


def forum_read_key(user_id, forum_id) -> str:
    return f"pc:rf:{user_id}:{forum_id}"


def my_reads_key(user_id) -> str:
    """Any read marker of a person moved, in any forum ("my forums": its unread counts)."""
    return f"pc:rm:{user_id}"


def reads_key(user_id) -> str:
    """A person marked a whole forum read: the "new" marks of every thread page of theirs."""
    return f"pc:ra:{user_id}"


def touch_thread(thread, *, chain: bool = False, forum_ids=()) -> None:
    """The thread's page and its forum's list changed (and, with `chain`, the pages of its escalation chain)."""
    keys = {thread_key(thread.pk), forum_key(thread.forum_id), *(forum_key(f) for f in forum_ids)}
    if chain:
        for t in _chain(thread):
            keys.update({thread_key(t.pk), forum_key(t.forum_id)})
    bump(*sorted(keys))


def _chain(thread) -> list:
    from .models import Thread

    chain = [thread]
    current = thread
    while current.escalated_from_id and len(chain) < 10:
        current = Thread.objects.only("pk", "forum_id", "escalated_from_id").get(pk=current.escalated_from_id)
        chain.append(current)
    current = thread
    while len(chain) < 10:
        nxt = (
            Thread.objects.only("pk", "forum_id", "escalated_from_id").filter(escalated_from=current).first()
        )
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    return chain


def touch_reader(user_id, thread) -> None:
    """A person's marker or watch level moved in a thread."""
    bump(read_key(user_id, thread.pk), forum_read_key(user_id, thread.forum_id), my_reads_key(user_id))


def touch_forum_read(user_id, forum_id) -> None:
    bump(forum_read_key(user_id, forum_id), reads_key(user_id), my_reads_key(user_id))


def touch_people(user_ids) -> None:
    bump(*(person_key(pk) for pk in set(user_ids)))


# --- signals (connected in ForumsConfig.ready) -----------------------------------------------------------------

NAME_FIELDS = {"display_name", "first_name", "last_name", "username", "is_active"}
RIGHTS_FIELDS = {"is_superuser", "is_active", "is_staff"}


def on_user_saved(sender, instance, created=False, update_fields=None, **kwargs):
    if created:  # a fresh token for a new person (an id reused after a rollback finds no page of another)
        bump(person_key(instance.pk))
        return
    fields = set(update_fields) if update_fields is not None else None
    if fields is None or fields & NAME_FIELDS:
        bump(NAMES)
    if fields is None or fields & RIGHTS_FIELDS:
        bump(person_key(instance.pk))


def on_person_rights_changed(sender, instance, **kwargs):
    """A membership or a forum permission row saved or deleted: that person's pages."""
    user_id = getattr(instance, "user_id", None)
    if user_id:
        bump(person_key(user_id))


def on_any_model_changed(sender, **kwargs):
    """Rows of what the forum page reads from elsewhere: referrals (overdue ones are listed), meetings."""
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return
    if meta.app_label == "referrals":
        bump(REFERRALS)
    elif sender.__module__.startswith("forums.meetings"):
        bump(MEETINGS)


def on_area_changed(sender, **kwargs):
    """An area saved or deleted (a dusun renamed or moved), or the official tree reloaded (its renames are a bulk
    update, no signal per area): a forum is named after its area, on every forum page."""
    bump(NAMES)


def on_referral_changed(**kwargs):
    bump(REFERRALS)
