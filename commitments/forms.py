"""Forms of the commitments pages: they parse and check input; services.py decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.agencies.models import Service

from . import classification
from .models import FundSource, PolicyKind, PolicyStatus
from .money import AmountError, parse_idr


class RupiahField(forms.CharField):
    """Whole rupiah typed the Indonesian way ('12.500.000', 'Rp 12.500.000' or '12500000') -> int."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "placeholder": "12.500.000", "maxlength": "30"}
        )

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return parse_idr(value)
        except AmountError:
            raise forms.ValidationError(
                _("Type a whole amount of rupiah, e.g. 12.500.000."), code="amount"
            ) from None

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value


def _services_field():
    return forms.ModelMultipleChoiceField(
        label=_("Services or needs it addresses"),
        queryset=Service.objects.order_by("position", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(label=_("Fund source"), choices=FundSource.choices)
    activity = forms.CharField(label=_("Activity"), max_length=300)
    activity_code = forms.CharField(
        label=_("Activity code"), max_length=40, required=False,
        help_text=_("As in Siskeudes or OpenSID, if the line is in the village budget (e.g. 2.1.05)."),
    )  # fmt: skip
    field_code = forms.ChoiceField(
        label=_("Field / sub-field (Permendagri 20/2018)"), required=False,
        help_text=_("For lines of the village budget (Dana Desa, ADD)."),
    )  # fmt: skip
    services = None  # set in __init__ (the catalogue is read at request time)
    planned_idr = RupiahField(label=_("Planned (Rp)"))
    realised_idr = RupiahField(label=_("Realised so far (Rp)"), required=False)
    realised_on = forms.DateField(
        label=_("Realised on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposal_id = forms.TypedChoiceField(
        label=_("From a forum proposal"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_code"].choices = [("", "—"), *classification.choices()]
        self.fields["services"] = _services_field()
        self.order_fields(["year", "source", "activity", "activity_code", "field_code", "services"])
        if proposals:
            self.fields["proposal_id"].choices = [("", "—")] + [(p.id, p.title) for p in proposals]
        else:
            del self.fields["proposal_id"]

    def clean(self):
        data = super().clean()
        if (
            data.get("realised_idr") is not None
            and data.get("planned_idr") is not None
            and data["realised_idr"] > data["planned_idr"] * 2
        ):
            self.add_error(
                "realised_idr", _("The realised amount is more than twice the plan: check the figure.")
            )
        return data


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyKind.choices)
    number = forms.CharField(label=_("Number"), max_length=80, required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    issuing_body = forms.CharField(
        label=_("Issued by"), max_length=200, help_text=_("E.g. Kepala Desa Jago, Bupati Lombok Tengah.")
    )
    issued_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[(PolicyStatus.DRAFT, PolicyStatus.DRAFT.label), (PolicyStatus.ENACTED, PolicyStatus.ENACTED.label)]
    )  # fmt: skip
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    document = forms.FileField(
        label=_("Document (PDF)"), required=False, help_text=_("Kept private until the policy is published.")
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"] = _services_field()
        if editing:
            del self.fields["status"]


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File (PDF, photo, XLSX or DOCX)"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Budget file (CSV or XLSX)"))


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
