"""The agency inbox's rows rendered in Python (issue 17: the inbox at >= 0.25x the trivial view). The template
engine spent about a third of the page's CPU on the 25 rows (a lookup chain per `{{ r.case.village.parent.name }}`,
an include per status badge, a blocktranslate per date); this renders the same HTML in a fraction of it.

A row shows what the inbox always showed and nothing more: the case's code (never the child's name, NIK or
birth date), the service, status, urgency, the village and kecamatan, who sent it and who handles it, its dates.
Every value is escaped. Strings are gettext'd once per page. Public: `inbox_rows_html`."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from .models import Status


def _day(value) -> str:
    return escape(date_format(template_localtime(value)))


def inbox_rows_html(referrals) -> SafeString:
    """The `<li>` of each referral of an inbox page (the inside of `<ul class="list inbox">`)."""
    detail = reverse("referrals:referral_detail", args=[987654321]).split("987654321")
    urgent = f'<span class="badge alert">{escape(_("Urgent"))}</span>'
    routine = f'<span class="badge">{escape(_("Routine"))}</span>'
    overdue = f'<span class="badge alert">{escape(_("Overdue"))}</span>'
    kec = escape(_("Kec."))
    choose = _("Choose %(code)s")
    sender = _("from %(name)s")
    answer_by = _("answer by %(d)s")
    complete_by = _("complete by %(d)s")
    sent = _("sent %(d)s")
    handled = _("handled by %(name)s")
    labels = {value: escape(label) for value, label in Status.choices}
    out = []
    add = out.append
    for r in referrals:
        pk = r.pk
        case = r.case
        code = escape(case.code)
        status = r.status
        pick = ""
        if status == Status.SENT:
            pick = (
                f'<input type="checkbox" name="referrals" value="{pk}" id="pick-{pk}" '
                f'aria-label="{choose % {"code": code}}"> '
            )
        village = case.village
        place = escape(village.display_name)
        if village.parent_id and village.parent:
            place += f", {kec} {escape(village.parent.name)}"
        who = f" · {sender % {'name': escape(r.sent_by.shown_name)}}" if r.sent_by_id and r.sent_by else ""
        if status == Status.SENT and r.due_at:
            when = answer_by % {"d": _day(r.due_at)}
        elif r.completion_due_at and status in (Status.ACCEPTED, Status.IN_PROGRESS):
            when = complete_by % {"d": _day(r.completion_due_at)}
        else:
            when = ""
        # No dangling "·" before "sent" when there is no date to answer or complete by (the journeys at 360 px).
        sent_on = f"{' · ' if when else ''}{sent % {'d': _day(r.sent_at)}}" if r.sent_at else ""
        claimed = ""
        if r.claimed_by_id and r.claimed_by:
            claimed = (
                f' · <span class="handled-by">{handled % {"name": escape(r.claimed_by.shown_name)}}</span>'
            )
        add(
            f'  <li class="inbox-item" data-referral="{pk}">\n'
            f"    {pick}\n"
            f'    <a href="{detail[0]}{pk}{detail[1]}"><strong>{code}</strong> · {escape(r.service.name)}</a>\n'
            f'    <span class="badge status-{escape(status)}">{labels.get(status, escape(status))}</span>\n'
            f"    {urgent if r.urgency == 'urgent' else routine}\n"
            f"    {overdue if r.is_overdue else ''}<br>\n"
            f'    <span class="small">{place}\n'
            f"    {who}</span><br>\n"
            f'    <span class="muted small">{when}\n'
            f"    {sent_on}\n"
            f"    {claimed}</span>\n"
            f"  </li>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


_TIMELINE_LABELS = {
    "overdue": "Deadline passed: raised to the kecamatan forum",
    "create": "Draft created",
    "consent_withdrawn": "Withdrawn: the caregiver withdrew consent",
    "claim": "Claimed",
    "release": "Claim released",
    "pass_on": "Passed on",
    "remind": "The kecamatan forum reminded the agency",
    "attention_handled": "Marked handled by the kecamatan forum",
}


def timeline_html(events) -> SafeString:
    """The referral page's history rows (the inside of `<ol class="timeline">`), the HTML the template's loop
    rendered byte for byte (tests/referrals/test_timeline_rows.py), without a template lookup per event. The
    referral page is never cached (a child's identity): this is paid by every view."""
    from django.template.defaultfilters import linebreaksbr

    labels = {k: escape(_(v)) for k, v in _TIMELINE_LABELS.items()}
    out = []
    for e in events:
        action = e.action
        label = labels.get(action)
        if label is None:
            label = escape(e.get_status_display())
        by = f"· {escape(e.by.shown_name)}" if e.by else ""
        note = ""
        if e.note and action != "overdue" and action != "consent_withdrawn":
            note = f'<br><span class="small">{linebreaksbr(e.note, autoescape=True)}</span>'
        out.append(
            f'\n  <li><span class="when">{escape(date_format(template_localtime(e.at), "DATETIME_FORMAT"))}</span>'
            f" <strong>{label}</strong>\n  {by}{note}</li>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)
