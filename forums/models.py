"""Tiered forums: one Forum per Area (dusun → desa → kecamatan → kabupaten → provinsi), threads, posts,
per-person read markers (Misago/Discourse style), flags and edit history.

Counters (posts_count, last_post_number, last_post_at) are kept on the thread so that the forum page is one
query for the list and the thread page paginates by post number instead of OFFSET."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

TITLE_MAX = 160
TITLE_MIN = 5
BODY_MAX = 20_000
BODY_MIN = 2
NOTE_MAX = 2_000
REASON_MAX = 300
CASE_CODE_RE = r"^APM-\d{4}-\d{5}$"


class Forum(models.Model):
    area = models.OneToOneField(
        "areas.Area", on_delete=models.PROTECT, related_name="forum", verbose_name=_("area")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["area__code"]
        permissions = [
            ("post_in_forum", "Can post in the forum"),
            ("moderate_forum", "Can moderate the forum"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return _("Forum %(area)s") % {"area": self.area.display_name}


class ForumUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Forum, on_delete=models.CASCADE)


class ForumGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Forum, on_delete=models.CASCADE)


class ThreadKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    CASE = "case", _("Case")
    ANNOUNCEMENT = "announcement", _("Announcement")
    MEETING = "meeting", _("Meeting")  # the minutes of a meeting, posted by forums.meetings (not by hand)


class Thread(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ThreadKind.choices, default=ThreadKind.DISCUSSION
    )
    # The pseudonymous case code only (APM-5202-00042): never anything that identifies the child.
    case_code = models.CharField(_("case code"), max_length=20, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_threads"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Counters of what readers can see (posts neither deleted nor hidden), kept by the services: the time of the
    # last visible post (the thread's activity, its place in the list), its number (read markers compare with it:
    # a deleted or hidden reply never leaves a thread unread) and how many there are.
    last_post_at = models.DateTimeField()
    last_visible_number = models.PositiveIntegerField(default=0)
    posts_count = models.PositiveIntegerField(default=0)
    # The highest number handed out, visible or not (posts are numbered one at a time under the thread's lock).
    last_post_number = models.PositiveIntegerField(default=0)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    # Escalation: the thread this one was escalated from (a chain can climb to the province). The facilitator's
    # note is the new thread's opening post (and only there: one copy to edit, redact or purge).
    escalated_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_to"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_token = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(fields=["forum", "-pinned", "-last_post_at"], name="forum_thread_activity"),
            models.Index(fields=["forum", "resolved_at"], name="forum_thread_attention"),
            # The home page's recent topics across every forum a coordinator reads (forums.home): read in order,
            # stopped after five, instead of sorting the threads of 1,294 forums (190 ms at national scale).
            models.Index(fields=["-last_post_at", "-id"], name="forum_thread_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=~models.Q(client_token=""),
                name="forum_thread_client_token",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def escalation_target(self):
        """The thread this one was escalated to, or None (the reverse one-to-one raises when absent)."""
        try:
            return self.escalated_to
        except Thread.DoesNotExist:
            return None


class PostKind(models.TextChoices):
    POST = "post", _("Post")
    # Written by Pelita, not a person: news of a referral on the thread's case. No author, no body: the text is
    # made from `event` in the reader's language (forums/case_updates.py).
    SYSTEM = "system", _("Pelita")


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()  # position in the thread, 1 = the opening post
    kind = models.CharField(max_length=8, choices=PostKind.choices, default=PostKind.POST)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="forum_posts"
    )  # null only for system posts
    body = models.TextField(_("message"), blank=True)
    body_html = models.TextField(blank=True)  # rendered and sanitized once, on save
    # A system post's event: {"case": "APM-5202-00042", "service": slug, "agency": name, "action": "complete"}.
    event = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=REASON_MAX, blank=True)
    # Deleted or hidden "for privacy": the text, its history and what was derived from it are gone for good.
    purged_at = models.DateTimeField(null=True, blank=True)
    purged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_token = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["thread", "number"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="forum_post_number"),
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=~models.Q(client_token=""),
                name="forum_post_client_token",
            ),
        ]

    def __str__(self):
        return f"#{self.number} in {self.thread_id}"

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None

    @property
    def is_system(self) -> bool:
        return self.kind == PostKind.SYSTEM


class PostRevision(models.Model):
    """The text a post had before an edit: the history shown behind "edited", to the author and the forum's
    moderators only. A redacted revision keeps its date and editor, never its text."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(blank=True)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["post", "-created_at"]

    def __str__(self):
        return f"revision of {self.post_id}"


class Mention(models.Model):
    """An @mention, recorded so it can be delivered (and re-delivered) by the notification service."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="forum_mention_unique")]

    def __str__(self):
        return f"@{self.user_id} in {self.post_id}"


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HIDDEN = "hidden", _("Post hidden")
    DISMISSED = "dismissed", _("Dismissed")


class PostFlag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="flags")  # for the queue
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=REASON_MAX)
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["forum", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], condition=models.Q(status="open"), name="forum_flag_open_unique"
            )
        ]

    def __str__(self):
        return f"flag on {self.post_id}"


class WatchLevel(models.TextChoices):
    WATCH = "watch", _("Watching")
    NORMAL = "normal", _("Normal")
    MUTE = "mute", _("Muted")


class ThreadUser(models.Model):
    """One person's state in one thread: how far they read, and whether they watch it (Discourse's TopicUser)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="readers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_number = models.PositiveIntegerField(default=0)
    level = models.CharField(max_length=8, choices=WatchLevel.choices, default=WatchLevel.NORMAL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="forum_thread_user")]

    def __str__(self):
        return f"{self.user_id} in {self.thread_id} at {self.last_read_number}"


class ForumUser(models.Model):
    """'Mark forum read': every thread with no activity after `marked_read_at` counts as read (Misago's cut-off)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    marked_read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "forum"], name="forum_forum_user")]

    def __str__(self):
        return f"{self.user_id} read {self.forum_id} at {self.marked_read_at}"


# Meetings, minutes, decisions, action items and proposals extend the forum's domain (forums/meetings/).
from .meetings.models import *  # noqa: E402, F403
