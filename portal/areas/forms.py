from django import forms
from django.utils.translation import gettext_lazy as _


class HamletForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the dusun"), max_length=120, error_messages={"required": _("Give the dusun a name.")}
    )


class AreaSearchForm(forms.Form):
    q = forms.CharField(label=_("Area name or code"), max_length=80, required=False)
