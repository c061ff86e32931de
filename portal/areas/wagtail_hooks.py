"""The areas' back office: the official tree is read-only; dusun are added under a desa."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.core.backoffice import ScopedIndexView, add_service_errors, register_backoffice_viewset
from portal.core.errors import PelitaError
from portal.core.forms import CleanInputMixin

from .models import Area, Level
from .services import hamlet_create


class HamletForm(CleanInputMixin, WagtailAdminModelForm):
    class Meta:
        model = Area
        fields = ["parent", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].label = _("Desa / kelurahan")
        self.fields["parent"].queryset = Area.objects.filter(level=Level.VILLAGE)
        self.fields["parent"].widget = forms.TextInput(attrs={"placeholder": "52.02.01.2013"})
        self.fields["parent"].to_field_name = "code"
        self.fields["parent"].help_text = _("The code of the desa, e.g. 52.02.01.2013.")


class AreaCreateView(generic.CreateView):
    def save_instance(self):
        village, name = self.form.cleaned_data["parent"], self.form.cleaned_data["name"]
        return hamlet_create(village=village, name=name, actor=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PelitaError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)


class AreaIndexView(ScopedIndexView):
    scope_field = "code"


class AreaViewSet(ModelViewSet):
    model = Area
    icon = "site"
    menu_label = _("Areas")
    form_fields = ["parent", "name"]
    list_display = ["display_name", "code", "level"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    index_view_class = AreaIndexView
    add_view_class = AreaCreateView
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return HamletForm


register_backoffice_viewset(AreaViewSet("pelita_areas"), order=10)
