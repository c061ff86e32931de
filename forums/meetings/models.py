"""Forums that meet: meetings, their agenda, attendance and minutes, the decisions taken and the action items
that follow them up across the tiers, and the proposals (usulan) a forum sends to the village plan.

Vocabulary after Decidim's meetings component (a meeting with an agenda, a closing report = minutes, the
attendees count and the organisations present) and its accountability component (results with a status and a
timeline); the tiers, the raise to the next tier and the take-over are Pelita's, as for overdue referrals.

Times are aware datetimes shown in WITA (Asia/Makassar); due dates are WITA calendar days; money is integer
rupiah (IDR). Nothing here names a child: minutes follow the forum's rules (the case code only)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MEETING_TITLE_MAX = 160
PLACE_MAX = 200
AGENDA_ITEM_MAX = 200
AGENDA_MAX_ITEMS = 30
DECISION_MAX = 2_000
ACTION_TITLE_MAX = 300
ACTION_NOTE_MAX = 2_000
PROPOSAL_TITLE_MAX = 200
PROPOSAL_DESCRIPTION_MAX = 4_000
ATTENDANCE_MAX = 100_000  # a count per cell; larger is a typing error
COST_MAX_IDR = 100_000_000_000  # Rp 100 miliar: beyond any village plan line


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """A meeting of one forum (a dusun gathering, the musyawarah desa, a kecamatan coordination meeting...)."""

    forum = models.ForeignKey("forums.Forum", on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=MEETING_TITLE_MAX)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=PLACE_MAX)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    held_at = models.DateTimeField(null=True, blank=True)  # when the attendance was first recorded
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Minutes (Markdown): a draft here until published; then the post in the meeting thread is the minutes,
    # edited with history like any post (PostRevision).
    minutes_draft = models.TextField(blank=True)
    minutes_post = models.OneToOneField(
        "forums.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting_minutes"
    )
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended", verbose_name=_("attendees")
    )
    client_token = models.CharField(max_length=64, blank=True)
    # Bumped by every write that changes what the meeting page shows (a cache key part, STYLE.md).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["forum", "starts_at"], name="forum_meeting_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_token"],
                condition=~models.Q(client_token=""),
                name="forum_meeting_client_token",
            )
        ]

    def __str__(self):
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("agenda item"), max_length=AGENDA_ITEM_MAX)
    # A forum thread (or a thread escalated into this forum) to discuss.
    thread = models.ForeignKey(
        "forums.Thread", null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="forum_agenda_position"),
            models.UniqueConstraint(
                fields=["meeting", "thread"],
                condition=models.Q(thread__isnull=False),
                name="forum_agenda_thread",
            ),
        ]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """Who came, as counts: programme reports count participants by sex (P/L: perempuan/laki-laki) and by group
    (e.g. "123 participants (P:78, L:45)"). Adults + children/adolescents = women + men = the total; the
    stakeholder counts are the participants who came for an institution (a subset of the total)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="attendance")
    female = models.PositiveIntegerField(_("women and girls (P)"), default=0)
    male = models.PositiveIntegerField(_("men and boys (L)"), default=0)
    adults = models.PositiveIntegerField(_("adults"), default=0)
    children = models.PositiveIntegerField(_("children and adolescents"), default=0)
    village_government = models.PositiveIntegerField(_("village government"), default=0)
    health = models.PositiveIntegerField(_("health (Puskesmas, posyandu, midwife)"), default=0)
    education = models.PositiveIntegerField(_("education (schools, teachers)"), default=0)
    religious_leaders = models.PositiveIntegerField(_("religious leaders"), default=0)
    cso = models.PositiveIntegerField(_("civil society organisations"), default=0)
    agency = models.PositiveIntegerField(_("government agencies"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    STAKEHOLDERS = ("village_government", "health", "education", "religious_leaders", "cso", "agency")

    def __str__(self):
        return f"attendance of {self.meeting_id}"

    @property
    def total(self) -> int:
        return self.female + self.male

    def stakeholders(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.STAKEHOLDERS}


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("decision"), max_length=DECISION_MAX)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="forum_decision_position")
        ]

    def __str__(self):
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")
    TAKEN_OVER = "taken_over", _("Taken over by the next tier")


class ActionItem(models.Model):
    """Who does what by when, decided in a meeting. The forum is the one that follows it up: the meeting's forum,
    or the next tier's forum once it took the item over (the new item links back to the one it took over)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    forum = models.ForeignKey("forums.Forum", on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("what"), max_length=ACTION_TITLE_MAX)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="action_items", verbose_name=_("who")
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("agency"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    drop_reason = models.TextField(blank=True)
    taken_over_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Reminded before the due date (once), raised to the next tier's forum when overdue (once).
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_raised_at = models.DateTimeField(null=True, blank=True)
    raised_to = models.ForeignKey(
        "forums.Forum", null=True, blank=True, on_delete=models.SET_NULL, related_name="raised_action_items"
    )
    # The item of the lower tier this one took over (and, reversed, `taken_over_by`).
    taken_over_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="taken_over_by"
    )

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["forum", "status", "due_on"], name="forum_action_forum"),
            models.Index(fields=["raised_to", "status"], name="forum_action_raised"),
            models.Index(fields=["status", "due_on"], name="forum_action_due"),
        ]

    def __str__(self):
        return self.title

    @property
    def successor(self):
        """The item of the next tier that took this one over, or None."""
        try:
            return self.taken_over_by
        except ActionItem.DoesNotExist:
            return None


class ActionItemEvent(models.Model):
    """The history of an action item: every transition, with who, when and the note (like a referral's)."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)  # create, done, drop, take_over, overdue, reminder
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "at", "pk"]

    def __str__(self):
        return f"{self.action} on {self.item_id}"


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted into the plan")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class Proposal(models.Model):
    """An activity a dusun or desa forum proposes (usulan) to the village deliberation for the village plan
    (RKPDes) of `plan_year`, e.g. a free mobile birth registration day. Decided by the desa forum's
    facilitators (the musyawarah desa); accepted proposals are what budget lines (the commitments app) link to."""

    forum = models.ForeignKey("forums.Forum", on_delete=models.CASCADE, related_name="proposals")
    village = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="proposals")  # the desa
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=PROPOSAL_TITLE_MAX)
    description = models.TextField(_("description"), max_length=PROPOSAL_DESCRIPTION_MAX)
    estimated_cost_idr = models.PositiveBigIntegerField(_("estimated cost (Rp)"))
    services = models.ManyToManyField(
        "agencies.Service", blank=True, related_name="proposals", verbose_name=_("needs and services")
    )
    plan_year = models.PositiveSmallIntegerField(_("plan year (RKPDes)"))
    status = models.CharField(max_length=14, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED)
    reason = models.TextField(_("reason"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-plan_year", "-submitted_at", "-pk"]
        indexes = [models.Index(fields=["village", "plan_year", "status"], name="forum_proposal_plan")]

    def __str__(self):
        return self.title


class CalendarFeed(models.Model):
    """A person's secret calendar feed address (/forums/calendar/<token>.ics): calendar apps cannot log in, so
    the token is the key; it shows meeting titles, times and places only, and can be replaced at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"calendar of {self.user_id}"
