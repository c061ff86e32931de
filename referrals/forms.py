"""Page forms. They parse what a person typed; the rules (age, NIK, areas, consent, states) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.agencies.models import Service
from portal.core.dates import DatePartsField
from portal.core.forms import OnceForm, PelitaForm

from .models import DeclineReason, ParentAbroad, Sex, Status, Urgency
from .selectors import INBOX_TABS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _required(message):
    return {"required": message}


class CaseForm(OnceForm):
    """The registration form: every field says what to write when it is missing, and the rules on the dates
    and the NIK run in the same pass as everything else (services.identity_errors), so a person hears every
    problem on the first submit. registration.STEPS splits it into short steps on a phone."""

    # The order of the steps (the error summary lists the problems in the order of the page).
    field_order = (
        "child_name",
        "sex",
        "birth_date",
        "nik",
        "area",
        "address",
        "caregiver_name",
        "caregiver_relation",
        "caregiver_phone",
        "parent_abroad",
        "destination_country",
        "abroad_since",
        "needs",
        "notes",
    )

    area = forms.ChoiceField(
        label=_("Dusun or desa"), error_messages=_required(_("Choose the child's dusun or desa."))
    )
    child_name = forms.CharField(
        label=_("Child's name"), max_length=120, error_messages=_required(_("Write the child's name."))
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose whether the child is a boy or a girl.")),
    )
    birth_date = DatePartsField(
        label=_("Date of birth"),
        help_text=_("For example 17 5 2019."),
        messages={
            "required": _("Write the child's date of birth."),
            "missing": _("The date of birth must include a %(part)s."),
            "invalid": _("The date of birth must be a real date, written in numbers."),
        },
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=24,
        required=False,
        help_text=_("16 digits, if known (on the family card, Kartu Keluarga)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    caregiver_name = forms.CharField(
        label=_("Caregiver's name"),
        max_length=120,
        error_messages=_required(_("Write the name of the person who looks after the child.")),
    )
    caregiver_relation = forms.CharField(
        label=_("Caregiver's relation to the child"),
        max_length=60,
        help_text=_("For example grandmother, aunt, father."),
        error_messages=_required(_("Write how the caregiver is related to the child.")),
    )
    caregiver_phone = forms.CharField(
        label=_("Caregiver's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    parent_abroad = forms.ChoiceField(
        label=_("Which parent works abroad"),
        choices=ParentAbroad.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose which parent works abroad.")),
    )
    destination_country = forms.CharField(
        label=_("Country where the parent works"),
        max_length=60,
        error_messages=_required(_("Write the country where the parent works.")),
    )
    abroad_since = DatePartsField(
        label=_("Abroad since"),
        required=False,
        help_text=_("If known. For example 1 3 2021."),
        messages={
            "missing": _("The date the parent left must include a %(part)s."),
            "invalid": _("The date the parent left must be a real date, written in numbers."),
        },
    )
    needs = forms.MultipleChoiceField(
        label=_("What the child lacks"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the case team reads these notes."),
    )

    def __init__(self, *args, areas=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Choose…"))] + [(a.code, _area_label(a)) for a in areas]
        self.fields["needs"].choices = [(s.slug, s.need) for s in services]

    def clean(self):
        data = super().clean()
        _identity_rules(self, data)
        return data


def _identity_rules(form, data) -> None:
    """The services' rules on the birth date, the NIK (against the date and the sex) and the departure date,
    for the fields that parsed; put on the form next to the other errors."""
    from .services import identity_errors

    parsed = {name: data.get(name) for name in ("birth_date", "nik", "sex", "abroad_since")}
    errors, nik = identity_errors(
        birth_date=parsed["birth_date"],
        nik=parsed["nik"] or "",
        sex=parsed["sex"] or "",
        abroad_since=parsed["abroad_since"],
    )
    for name, messages in errors.items():
        if name in form.fields and name not in form.errors:
            for message in messages:
                form.add_error(name, message)
    if "nik" in data and "nik" not in errors:
        data["nik"] = nik


def _area_label(area) -> str:
    if area.level == "hamlet" and area.parent_id:
        return f"{area.display_name}, {area.parent.display_name}"
    return area.display_name


class NeedsForm(PelitaForm):
    needs = forms.MultipleChoiceField(
        label=_("What the child lacks"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = [(s.slug, s.need) for s in services]


class ConsentForm(OnceForm):
    given_by = forms.CharField(label=_("Consent given by"), max_length=120)
    relation = forms.CharField(label=_("Relation to the child"), max_length=60)
    given_on = forms.DateField(label=_("Date"), widget=DATE)
    agencies = forms.MultipleChoiceField(
        label=_("Agencies the caregiver agrees to share the case with"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in agencies]


class ConsentWithdrawForm(PelitaForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class TeamAddForm(PelitaForm):
    username = forms.CharField(label=_("Username of the case worker"), max_length=150)


class ReferralForm(OnceForm):
    service = forms.ChoiceField(label=_("Service"))
    agency = forms.ChoiceField(label=_("Agency"), widget=forms.RadioSelect)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
        help_text=_("The agency answers a routine referral within 3 working days, an urgent one within 1."),
    )
    note = forms.CharField(
        label=_("What the child needs"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The agency reads this note. Write what is needed, not more about the family than it needs."
        ),
    )
    consent_override_reason = forms.CharField(
        label=_("Sending without consent: why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only for an urgent child-protection referral where asking the caregiver would put the child at risk."
        ),
    )

    def __init__(self, *args, services=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Choose…"))] + [(s.slug, s.name) for s in services]
        self.fields["agency"].choices = [(str(a.pk), a.name) for a in agencies]


class ResendForm(OnceForm):
    agency = forms.ChoiceField(label=_("Another agency"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note for the agency"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(str(a.pk), a.name) for a in agencies]


class TransitionForm(PelitaForm):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(OnceForm):
    body = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class InboxFilterForm(PelitaForm):
    tab = forms.ChoiceField(required=False, choices=[(k, k) for k in INBOX_TABS])
    service = forms.ChoiceField(label=_("Service"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services"))] + [
            (s.slug, s.name) for s in Service.objects.all()
        ]
        self.fields["status"].choices = [("", _("All statuses"))] + [
            (v, label) for v, label in Status.choices if v != Status.DRAFT
        ]


class CaseSearchForm(PelitaForm):
    q = forms.CharField(label=_("Search by code or name"), required=False, max_length=100)


class IdentityForm(PelitaForm):
    """The case team corrects the child's identity: the same fields and messages as at registration."""

    child_name = CaseForm.base_fields["child_name"]
    sex = CaseForm.base_fields["sex"]
    birth_date = CaseForm.base_fields["birth_date"]
    nik = CaseForm.base_fields["nik"]
    caregiver_name = CaseForm.base_fields["caregiver_name"]
    caregiver_relation = CaseForm.base_fields["caregiver_relation"]
    caregiver_phone = CaseForm.base_fields["caregiver_phone"]
    address = CaseForm.base_fields["address"]
    reason = forms.CharField(
        label=_("Why the correction"),
        required=False,
        max_length=500,
        help_text=_("For example: the name as written on the family card. The case team reads it."),
    )

    def clean(self):
        data = super().clean()
        _identity_rules(self, data)
        return data


# --- triage and closing the loops (issue 20; views in views_inbox.py) ---------------------------------------


class InboxTriageForm(PelitaForm):
    """The inbox's filters as GET parameters (works without JavaScript)."""

    tab = forms.ChoiceField(required=False, choices=[(k, k) for k in INBOX_TABS])
    service = forms.ChoiceField(label=_("Service"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("deadline", _("Deadline, soonest first")), ("newest", _("Newest first"))],
    )

    def __init__(self, *args, kecamatans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services"))] + [
            (s.slug, s.name) for s in Service.objects.all()
        ]
        self.fields["status"].choices = [("", _("All statuses"))] + [
            (v, label) for v, label in Status.choices if v != Status.DRAFT
        ]
        self.fields["kecamatan"].choices = [("", _("All kecamatan"))] + [
            (a.code, a.display_name) for a in kecamatans
        ]


class BulkAcceptForm(OnceForm):
    referrals = forms.MultipleChoiceField(label=_("Referrals"), required=False)

    def __init__(self, *args, ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrals"].choices = [(str(i), str(i)) for i in ids]


class ClaimForm(OnceForm):
    """Claim ("Saya tangani"), release or pass on the handling of a referral."""

    what = forms.ChoiceField(choices=[("claim", "claim"), ("release", "release"), ("pass", "pass")])
    to = forms.CharField(label=_("Pass on to"), required=False, max_length=150)


class DeclineForm(OnceForm):
    decline_category = forms.ChoiceField(
        label=_("Reason"),
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason for declining from the list.")},
    )
    note = forms.CharField(
        label=_("Note for the case team"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the case team reads it; the dashboard counts only the reason."),
    )


class WithdrawForm(OnceForm):
    note = forms.CharField(
        label=_("Why the referral is withdrawn"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write why the referral is withdrawn.")},
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw this referral: the agency stops work on it."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )


class AttentionHandledForm(OnceForm):
    note = forms.CharField(
        label=_("What was done about it"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        # The service's own words (triage.attention_mark_handled), not Django's "This field is required".
        error_messages={
            "required": _("Write what was done."),
            "max_length": _("A note is at most 1000 characters."),
        },
    )


class OneActionForm(OnceForm):
    """A button that does one thing (accept and start, remind, undo)."""
