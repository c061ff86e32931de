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
    "story.review": _("A story is sent to me for review"),
    "story.approved": _("My story is approved"),
    "story.rejected": _("My story is sent back for changes"),
}

# Sections of the preferences page, by the part of the kind before the dot.
KIND_GROUPS = {
    "forum": _("Forums"),
    "referral": _("Referrals"),
    "agency": _("Agencies"),
    "story": _("Stories"),
}
