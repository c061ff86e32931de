"""Forms for meetings: they parse and keep what people typed; the rules live in services.py (whose InvalidInput
messages the views put back on these forms). Writing forms carry the one-time token of the forum forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PelitaForm

from ..forms import TokenForm
from ..models import BODY_MAX
from .models import (
    ACTION_NOTE_MAX,
    ACTION_TITLE_MAX,
    DECISION_MAX,
    MEETING_TITLE_MAX,
    PLACE_MAX,
    PROPOSAL_DESCRIPTION_MAX,
    PROPOSAL_TITLE_MAX,
    Attendance,
)

IDENTITY_HELP = _("Use the case code (APM-5202-00042), never a child's name or NIK.")


class MeetingForm(TokenForm):
    title = forms.CharField(
        label=_("Title"), required=False, widget=forms.TextInput(attrs={"maxlength": MEETING_TITLE_MAX})
    )
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Starts at (WITA)"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("Ends at (WITA, optional)"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(
        label=_("Place"), required=False, widget=forms.TextInput(attrs={"maxlength": PLACE_MAX})
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line."),
    )
    threads = forms.MultipleChoiceField(
        label=_("Threads to discuss"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, threads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threads"].choices = [
            (str(t.pk), f"{t.title}" + (f" ({_('escalated')})" if t.escalated_from_id else ""))
            for t in threads
        ]
        if not threads:
            del self.fields["threads"]

    def agenda_lines(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("agenda") or "").splitlines() if line.strip()]


class AttendanceForm(PelitaForm):
    female = forms.IntegerField(label=_("Women and girls (P)"), min_value=0, required=False)
    male = forms.IntegerField(label=_("Men and boys (L)"), min_value=0, required=False)
    adults = forms.IntegerField(label=_("Adults"), min_value=0, required=False)
    children = forms.IntegerField(label=_("Children and adolescents"), min_value=0, required=False)
    village_government = forms.IntegerField(label=_("Village government"), min_value=0, required=False)
    health = forms.IntegerField(label=_("Health"), min_value=0, required=False)
    education = forms.IntegerField(label=_("Education"), min_value=0, required=False)
    religious_leaders = forms.IntegerField(label=_("Religious leaders"), min_value=0, required=False)
    cso = forms.IntegerField(label=_("Civil society organisations (CSO)"), min_value=0, required=False)
    agency = forms.IntegerField(label=_("Government agencies"), min_value=0, required=False)
    attendees = forms.MultipleChoiceField(
        label=_("Names of attending members (optional)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    SEX = ("female", "male")
    GROUPS = ("adults", "children")
    STAKEHOLDERS = Attendance.STAKEHOLDERS

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            if name != "attendees":
                self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": "0"})
        self.fields["attendees"].choices = [(str(p.pk), p.shown_name) for p in people]

    def counts(self) -> dict:
        return {k: self.cleaned_data.get(k) or 0 for k in (*self.SEX, *self.GROUPS, *self.STAKEHOLDERS)}


class MinutesForm(TokenForm):
    body = forms.CharField(
        label=_("Minutes"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "maxlength": BODY_MAX}),
        help_text=_("Markdown: **bold**, - list, ### heading. ") + IDENTITY_HELP,
    )


class DecisionForm(TokenForm):
    text = forms.CharField(
        label=_("Decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": DECISION_MAX}),
        help_text=IDENTITY_HELP,
    )
    # An action item can be given with the decision (more can be added to it afterwards).
    item_title = forms.CharField(
        label=_("Action item: what is to be done (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": ACTION_TITLE_MAX}),
    )
    owners = forms.MultipleChoiceField(label=_("Who"), required=False, widget=forms.CheckboxSelectMultiple)
    agency = forms.ChoiceField(label=_("Or an agency (lembaga)"), required=False)
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].choices = [(str(p.pk), p.shown_name) for p in people]
        self.fields["agency"].choices = [("", "—")] + [(str(a.pk), a.name) for a in agencies]


class ActionItemForm(TokenForm):
    item_title = forms.CharField(
        label=_("What is to be done"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": ACTION_TITLE_MAX}),
    )
    owners = forms.MultipleChoiceField(label=_("Who"), required=False, widget=forms.CheckboxSelectMultiple)
    agency = forms.ChoiceField(label=_("Or an agency (lembaga)"), required=False)
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].choices = [(str(p.pk), p.shown_name) for p in people]
        self.fields["agency"].choices = [("", "—")] + [(str(a.pk), a.name) for a in agencies]


class TransitionForm(PelitaForm):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=ACTION_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": ACTION_NOTE_MAX}),
    )


class ProposalForm(TokenForm):
    title = forms.CharField(
        label=_("Title"), required=False, widget=forms.TextInput(attrs={"maxlength": PROPOSAL_TITLE_MAX})
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": PROPOSAL_DESCRIPTION_MAX}),
        help_text=IDENTITY_HELP,
    )
    estimated_cost_idr = forms.CharField(
        label=_("Estimated cost (Rp)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "7500000"}),
    )
    plan_year = forms.IntegerField(label=_("Village plan (RKPDes) year"), required=False)
    services = forms.MultipleChoiceField(
        label=_("Needs and services it addresses"), required=False, widget=forms.CheckboxSelectMultiple
    )
    decision = forms.ChoiceField(label=_("Decided in"), required=False)

    def __init__(self, *args, services=(), decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(s.slug, s.name) for s in services]
        self.fields["decision"].choices = [("", "—")] + [
            (str(d.pk), f"{d.meeting.title}: {d.text[:60]}") for d in decisions
        ]


class ProposalDecisionForm(PelitaForm):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (when not accepted)"),
        required=False,
        max_length=ACTION_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": ACTION_NOTE_MAX}),
    )
