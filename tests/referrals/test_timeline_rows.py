"""The referral page's history rows rendered in Python (referrals/inbox_rows.py: timeline_html) are the HTML the
template's loop rendered, byte for byte: every kind of event, a note with lines and markup, an event with no
person, in both languages, for the case team and for the agency."""

import pytest
from django.template import engines
from django.utils import translation

from referrals import selectors, services, triage
from referrals.inbox_rows import timeline_html

pytestmark = pytest.mark.django_db

# The loop as referral_detail.html had it before (kept here as the reference).
OLD = """<ol class="timeline">{% for e in history %}
  <li><span class="when">{{ e.at|date:"DATETIME_FORMAT" }}</span> <strong>{% if e.action == "overdue" %}{% translate "Deadline passed: raised to the kecamatan forum" %}{% elif e.action == "create" %}{% translate "Draft created" %}{% elif e.action == "consent_withdrawn" %}{% translate "Withdrawn: the caregiver withdrew consent" %}{% elif e.action == "claim" %}{% translate "Claimed" %}{% elif e.action == "release" %}{% translate "Claim released" %}{% elif e.action == "pass_on" %}{% translate "Passed on" %}{% elif e.action == "remind" %}{% translate "The kecamatan forum reminded the agency" %}{% elif e.action == "attention_handled" %}{% translate "Marked handled by the kecamatan forum" %}{% else %}{{ e.get_status_display }}{% endif %}</strong>
  {% if e.by %}· {{ e.by.shown_name }}{% endif %}{% if e.note and e.action != "overdue" and e.action != "consent_withdrawn" %}<br><span class="small">{{ e.note|linebreaksbr }}</span>{% endif %}</li>
{% endfor %}</ol>"""


def _events(sent):
    r = sent["referral"]
    l1 = sent["users"]["dukcapil_loteng_1"]
    triage.referral_claim(actor=l1, referral_id=r.pk)
    triage.referral_release(actor=l1, referral_id=r.pk)
    services.referral_transition(actor=l1, referral_id=r.pk, action="accept", note="Baik <b>&</b>\nbaris dua")
    services.referral_transition(actor=l1, referral_id=r.pk, action="start")
    from referrals.models import ReferralEvent

    ReferralEvent.objects.create(
        referral=r,
        action="overdue",
        from_status="in_progress",
        status="in_progress",
        by=None,
        note="completion",
    )
    ReferralEvent.objects.create(
        referral=r,
        action="remind",
        from_status="in_progress",
        status="in_progress",
        by=sent["worker"],
        note="Tolong",
    )
    return r


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("is_team", [True, False])
def test_timeline_rows_are_the_templates_bytes(sent, lang, is_team):
    r = _events(sent)
    history = selectors.referral_history(referral=r, is_team=is_team)
    assert len(history) >= 6
    template = engines["django"].from_string("{% load i18n %}" + OLD)
    with translation.override(lang):
        before = template.render({"history": history})
        after = '<ol class="timeline">' + timeline_html(history) + "</ol>"
    assert after == before
