"""News of referrals in the threads about their case (issue 20: the cadre hears what happened to what she raised).

The referrals app sends `portal.core.signals.referral_changed` after a transition commits; this module listens
(connected in apps.py) and posts a system post in every thread linked to the case (the thread and the threads it
was escalated to carry the same code). The post names the case by its code, the service and the kind of outcome
("akta kelahiran terbit"), never the child, never the outcome's free text (a certificate number), never a
person. Referrals for child-protection services are never announced in a forum: that a case has one is itself
sensitive. The text is made at display time, in the reader's language."""

import logging

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.agencies.models import Service

from .models import Thread

logger = logging.getLogger("pelita.forums")

# The steps that are news in a forum (start and withdraw are not; send is the case team's own doing).
ANNOUNCED_ACTIONS = ("accept", "decline", "complete", "close")

# What a completed referral for each service means for the child: the outcome's kind, never its detail.
OUTCOME_KINDS = {
    "akta-kelahiran": gettext_lazy("birth certificate issued"),
    "kia": gettext_lazy("child identity card (KIA) issued"),
    "kip": gettext_lazy("school aid granted"),
    "kembali-sekolah": gettext_lazy("the child is back in school"),
    "bpjs-pbi": gettext_lazy("health insurance (KIS) active"),
    "pkh": gettext_lazy("the family is enrolled in PKH"),
    "bansos-lain": gettext_lazy("social assistance granted"),
    "puspaga": gettext_lazy("counselling given"),
    "parenting": gettext_lazy("the caregiver joined community parenting"),
}


def on_referral_changed(sender, *, case_code: str, service: str, agency: str, action: str, **kwargs) -> None:
    """Listener of `referral_changed`: a system post in each thread linked to the case, for the announced
    actions of services that are not child protection."""
    from .services import thread_post_system

    if action not in ANNOUNCED_ACTIONS or not case_code:
        return
    svc = Service.objects.filter(slug=service).only("child_protection").first()
    if svc is None or svc.child_protection:
        return
    event = {"case": case_code, "service": service, "agency": agency, "action": action}
    for thread in Thread.objects.filter(case_code=case_code).select_related("forum__area").order_by("pk"):
        thread_post_system(thread=thread, event=event)


def _service_names(slugs) -> dict[str, str]:
    return {s.slug: s.name for s in Service.objects.filter(slug__in=set(slugs))}


def system_text(event: dict, *, service_names: dict[str, str] | None = None) -> str:
    """The sentence of a system post, in the active language."""
    slug = event.get("service", "")
    names = service_names if service_names is not None else _service_names([slug])
    params = {
        "case": event.get("case", ""),
        "service": names.get(slug, slug),
        "agency": event.get("agency", ""),
    }
    action = event.get("action")
    if action == "accept":
        return _("Referral of case %(case)s for %(service)s was accepted by %(agency)s.") % params
    if action == "decline":
        return (
            _(
                "Referral of case %(case)s for %(service)s was declined by %(agency)s; the case team looks further."
            )
            % params
        )
    if action == "complete":
        outcome = OUTCOME_KINDS.get(slug)
        if outcome is None:
            return _("Referral of case %(case)s for %(service)s was completed by %(agency)s.") % params
        return _("Case %(case)s: %(outcome)s (%(agency)s).") % {**params, "outcome": outcome}
    if action == "close":
        return _("Referral of case %(case)s for %(service)s was closed unresolved by %(agency)s.") % params
    return _("Referral of case %(case)s for %(service)s changed.") % params


def attach_system_texts(posts) -> None:
    """Set `system_text` on each system post of a page (one query for the service names of all of them)."""
    system = [p for p in posts if p.is_system]
    if not system:
        return
    names = _service_names(p.event.get("service", "") for p in system)
    for post in system:
        post.system_text = system_text(post.event, service_names=names)
