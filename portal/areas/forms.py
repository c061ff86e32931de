from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import OnceForm, PelitaForm


class HamletForm(OnceForm):
    name = forms.CharField(
        label=_("Name of the dusun"), max_length=120, error_messages={"required": _("Give the dusun a name.")}
    )


class AreaSearchForm(PelitaForm):
    q = forms.CharField(label=_("Area name or code"), max_length=80, required=False)
