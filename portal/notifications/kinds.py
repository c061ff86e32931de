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
