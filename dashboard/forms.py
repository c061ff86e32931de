from django import forms
from django.utils.translation import gettext_lazy as _

from portal.agencies.models import Agency, Service
from portal.core.forms import PelitaForm

from .selectors import Filters


class _ListChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices from the queryset evaluated once, as a list: Django's iterator() would open a server-side
    cursor on PostgreSQL (DECLARE, FETCH, CLOSE: three round trips for a dozen rows) on every page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class _ModelChoiceField(forms.ModelChoiceField):
    iterator = _ListChoiceIterator


class IndicatorFilterForm(PelitaForm):
    """The dashboard's filters. Read from the query string; an invalid filter is shown with its message and
    the figures fall back to no filter for that field."""

    area = forms.CharField(required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    service = _ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.order_by("position", "slug"),
        required=False,
        to_field_name="slug",
        empty_label=_("All services"),
    )
    agency = _ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False, empty_label=_("All agencies")
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        if self.errors:
            data = {k: v for k, v in data.items() if k not in self.errors}
        return Filters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to") if "date_to" not in self.errors else None,
            service=data.get("service"),
            agency=data.get("agency"),
        )
