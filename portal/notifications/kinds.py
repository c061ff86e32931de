"""Every kind of notification, its text (translated into the recipient's language) and its parameters.
Parameters never hold a child's identity: cases are named by their code only."""

from django.utils.translation import gettext_lazy as _

KINDS = {
    "forum.reply": _("%(actor)s replied in “%(thread)s”"),
    "forum.mention": _("%(actor)s mentioned you in “%(thread)s”"),
    "forum.escalated": _("“%(thread)s” was escalated to %(forum)s"),
    "forum.post_hidden": _("Your post in “%(thread)s” was hidden: %(reason)s"),
    "referral.sent": _("New referral %(case)s for %(service)s"),
    "referral.accepted": _("Referral %(case)s (%(service)s) was accepted by %(agency)s"),
    "referral.declined": _("Referral %(case)s (%(service)s) was declined by %(agency)s"),
    "referral.started": _("%(agency)s started work on referral %(case)s (%(service)s)"),
    "referral.completed": _("Referral %(case)s (%(service)s) was completed"),
    "referral.closed": _("Referral %(case)s (%(service)s) was closed unresolved"),
    "referral.withdrawn": _("Referral %(case)s (%(service)s) was withdrawn"),
    "referral.message": _("New message on referral %(case)s (%(service)s)"),
    "referral.overdue": _("Referral %(case)s (%(service)s, %(agency)s) is overdue"),
    "story.review": _("“%(title)s” was sent to you for review"),
    "story.approved": _("“%(title)s” was approved"),
    "story.rejected": _("“%(title)s” was sent back for changes"),
}
