"""Every kind of notification, its text (translated into the recipient's language) and its parameters.
Parameters never hold a child's identity: cases are named by their code only."""

from django.utils.translation import gettext_lazy as _

KINDS = {
    "forum.reply": _("%(actor)s replied in “%(thread)s”"),
    "forum.mention": _("%(actor)s mentioned you in “%(thread)s”"),
    "forum.escalated": _("“%(thread)s” was escalated to %(forum)s"),
    "forum.post_hidden": _("Your post in “%(thread)s” was hidden: %(reason)s"),
    "forum.escalated_followed": _("%(actor)s escalated “%(thread)s” to %(forum)s"),
    "forum.case_update": _("News on case %(case)s in “%(thread)s”"),
    "referral.sent": _("New referral %(case)s for %(service)s"),
    "referral.accepted": _("Referral %(case)s (%(service)s) was accepted by %(agency)s"),
    "referral.declined": _("Referral %(case)s (%(service)s) was declined by %(agency)s"),
    "referral.started": _("%(agency)s started work on referral %(case)s (%(service)s)"),
    "referral.completed": _("Referral %(case)s (%(service)s) was completed"),
    "referral.closed": _("Referral %(case)s (%(service)s) was closed unresolved"),
    "referral.withdrawn": _("Referral %(case)s (%(service)s) was withdrawn"),
    "referral.message": _("New message on referral %(case)s (%(service)s)"),
    "referral.overdue": _("Referral %(case)s (%(service)s, %(agency)s) is overdue"),
    "agency.liaison_added": _("%(person)s is now a liaison of %(agency)s"),
    "agency.liaison_removed": _("%(person)s is no longer a liaison of %(agency)s"),
    "meeting.scheduled": _("Meeting “%(title)s” of %(forum)s on %(when)s"),
    "meeting.cancelled": _("Meeting “%(title)s” of %(forum)s on %(when)s is cancelled"),
    "meeting.minutes": _("The minutes of “%(title)s” (%(forum)s) are published"),
    "meeting.action_assigned": _("Action item for you from %(forum)s: “%(item)s”, due %(due)s"),
    "meeting.action_reminder": _("Reminder: “%(item)s” (%(forum)s) is due %(due)s"),
    "meeting.action_overdue": _("Action item “%(item)s” of %(forum)s is overdue (due %(due)s)"),
    "meeting.action_done": _("%(actor)s marked “%(item)s” done"),
    "meeting.action_dropped": _("%(actor)s dropped “%(item)s”"),
    "meeting.action_taken_over": _("%(forum)s took over “%(item)s”"),
    "meeting.proposal_submitted": _("New proposal for the village plan %(year)s from %(forum)s: “%(title)s”"),
    "meeting.proposal_accepted": _("Proposal “%(title)s” was accepted into the village plan %(year)s"),
    "meeting.proposal_not_accepted": _(
        "Proposal “%(title)s” was not accepted into the village plan %(year)s"
    ),
    "story.review": _("“%(title)s” was sent to you for review"),
    "story.approved": _("“%(title)s” was approved"),
    "story.rejected": _("“%(title)s” was sent back for changes"),
}

# What each kind is about, for the preferences page. A kind without a label is shown by its key.
KIND_LABELS = {
    "forum.reply": _("A reply in a thread I follow"),
    "forum.mention": _("Someone mentions me (@username)"),
    "forum.escalated": _("A thread is escalated into my forum"),
    "forum.post_hidden": _("A moderator hides one of my posts"),
    "forum.escalated_followed": _("A thread I raised or follow is escalated to the forum above"),
    "forum.case_update": _("A referral on the case of a thread I follow changes"),
    "referral.sent": _("A new referral for my agency"),
    "referral.accepted": _("My referral is accepted"),
    "referral.declined": _("My referral is declined"),
    "referral.started": _("Work starts on my referral"),
    "referral.completed": _("My referral is completed"),
    "referral.closed": _("My referral is closed unresolved"),
    "referral.withdrawn": _("A referral to my agency is withdrawn"),
    "referral.message": _("A message on a referral I am on"),
    "referral.overdue": _("A referral raised to my forum as overdue"),
    "agency.liaison_added": _("A liaison is appointed to my agency (or I am)"),
    "agency.liaison_removed": _("A liaison of my agency is removed (or I am)"),
    "meeting.scheduled": _("A meeting of my forum is scheduled"),
    "meeting.cancelled": _("A meeting of my forum is cancelled"),
    "meeting.minutes": _("The minutes of a meeting of my forum are published"),
    "meeting.action_assigned": _("An action item is given to me or my agency"),
    "meeting.action_reminder": _("One of my action items is due soon"),
    "meeting.action_overdue": _("An action item is raised to my forum as overdue, or mine is overdue"),
    "meeting.action_done": _("An action item I gave or own is done"),
    "meeting.action_dropped": _("An action item I gave or own is dropped"),
    "meeting.action_taken_over": _("An action item I gave or own is taken over by the next tier"),
    "meeting.proposal_submitted": _("A proposal to the village plan is sent to my forum"),
    "meeting.proposal_accepted": _("Our proposal is accepted into the village plan"),
    "meeting.proposal_not_accepted": _("Our proposal is not accepted into the village plan"),
    "story.review": _("A story is sent to me for review"),
    "story.approved": _("My story is approved"),
    "story.rejected": _("My story is sent back for changes"),
}

# Sections of the preferences page, by the part of the kind before the dot.
KIND_GROUPS = {
    "forum": _("Forums"),
    "referral": _("Referrals"),
    "agency": _("Agencies"),
    "meeting": _("Meetings and action items"),
    "story": _("Stories"),
}


# --- who receives each kind, and which kinds ask someone to act ----------------------------------------------
#
# A person's audiences (portal.notifications.audiences.person_audiences): their membership roles in any area,
# "liaison" when they are a liaison of an agency, "editor" when they work in the CMS. The settings page and
# `GET /api/v1/me/notification-settings` show a person only the kinds one of their audiences receives.

MEMBER, FACILITATOR, CASE_WORKER, COORDINATOR = "anggota", "fasilitator", "pendamping", "koordinator"
LIAISON, EDITOR = "liaison", "editor"
AUDIENCES = {
    MEMBER: _("Member"),
    FACILITATOR: _("Facilitator"),
    CASE_WORKER: _("Case worker"),
    COORDINATOR: _("Coordinator"),
    LIAISON: _("Agency liaison"),
    EDITOR: _("Communications staff"),
}
_FORUM = frozenset({MEMBER, FACILITATOR, CASE_WORKER, COORDINATOR})
_CASE_TEAM = frozenset({CASE_WORKER, FACILITATOR, COORDINATOR})

KIND_AUDIENCES: dict[str, frozenset[str]] = {
    "forum.reply": _FORUM,
    "forum.mention": _FORUM,
    "forum.escalated": _FORUM,
    "forum.post_hidden": _FORUM,
    "forum.escalated_followed": _FORUM,
    "forum.case_update": _FORUM,
    "referral.sent": frozenset({LIAISON}),
    "referral.accepted": _CASE_TEAM,
    "referral.declined": _CASE_TEAM,
    "referral.started": _CASE_TEAM,
    "referral.completed": _CASE_TEAM,
    "referral.closed": _CASE_TEAM | {LIAISON},
    "referral.withdrawn": frozenset({LIAISON}),
    "referral.message": _CASE_TEAM | {LIAISON},
    "referral.overdue": _CASE_TEAM,
    "agency.liaison_added": frozenset({LIAISON}),
    "agency.liaison_removed": frozenset({LIAISON}),
    "meeting.scheduled": _FORUM,
    "meeting.cancelled": _FORUM,
    "meeting.minutes": _FORUM,
    "meeting.action_assigned": _FORUM | {LIAISON},
    "meeting.action_reminder": _FORUM | {LIAISON},
    "meeting.action_overdue": _FORUM | {LIAISON},
    "meeting.action_done": _FORUM | {LIAISON},
    "meeting.action_dropped": _FORUM | {LIAISON},
    "meeting.action_taken_over": _FORUM | {LIAISON},
    "meeting.proposal_submitted": _FORUM,
    "meeting.proposal_accepted": _FORUM,
    "meeting.proposal_not_accepted": _FORUM,
    "story.review": frozenset({EDITOR}),
    "story.approved": frozenset({EDITOR}),
    "story.rejected": frozenset({EDITOR}),
}

# Kinds that ask the person to act: delivered at once to every channel they verified, and reminded when unread.
# Every other kind goes to the daily digest by default.
ACTIONABLE: set[str] = set(
    {
        "referral.sent",  # a new referral for my agency
        "referral.accepted",  # a referral of mine changed ...
        "referral.declined",
        "referral.started",
        "referral.completed",
        "referral.closed",
        "referral.withdrawn",
        "referral.message",  # a message in my referral's thread
        "forum.mention",  # an @mention
        "forum.escalated",  # a thread escalated to my forum
        "referral.overdue",  # an overdue referral raised to me
    }
)


def register_notification_kind(
    *, kind: str, text, label, audiences, actionable: bool = False, group: str = "", group_label=None
) -> None:
    """A product declares one more kind (from its AppConfig.ready()): its text (placeholders, never a child's
    identity), its label on the settings page, the audiences that receive it and whether it asks to act."""
    unknown = set(audiences) - set(AUDIENCES)
    if unknown or not audiences:
        raise ValueError(f"register_notification_kind({kind}): unknown audiences {sorted(unknown)}")
    KINDS[kind] = text
    KIND_LABELS[kind] = label
    KIND_AUDIENCES[kind] = frozenset(audiences)
    prefix = group or kind.split(".", 1)[0]
    if group_label is not None:
        KIND_GROUPS.setdefault(prefix, group_label)
    if actionable:
        ACTIONABLE.add(kind)
    else:
        ACTIONABLE.discard(kind)


def is_actionable(kind: str) -> bool:
    return kind in ACTIONABLE


def kinds_for_audiences(audiences) -> list[str]:
    """The kinds, in the registry's order, that any of `audiences` receives."""
    audiences = set(audiences)
    return [kind for kind in KINDS if KIND_AUDIENCES.get(kind, frozenset()) & audiences]


# Kinds whose notices may be urgent child protection (not held back by quiet hours): a product registers how to
# tell, from the stored notification (its target), e.g. referrals: the referral's urgency.
URGENCY_CHECKS: dict[str, object] = {}


def register_urgency_check(*, kind: str, check) -> None:
    """`check(notification) -> bool`: True for an urgent child-protection notice."""
    URGENCY_CHECKS[kind] = check


def is_urgent_kind(notification) -> bool:
    check = URGENCY_CHECKS.get(notification.kind)
    if check is None:
        return False
    try:
        return bool(check(notification))
    except Exception:
        return False
