"""The areas' back office: the official tree (province to village) is read-only; a coordinator adds, renames,
moves and removes the dusun of the villages they coordinate, through the area services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic import models as generic

from portal.core.backoffice import (
    ScopedModelViewSet,
    ServiceDeleteView,
    ServiceFormMixin,
    register_backoffice_viewset,
    scope,
)
from portal.core.forms import CleanInputMixin

from .models import Area, Level
from .services import hamlet_create, hamlet_delete, hamlet_update


class HamletForm(CleanInputMixin, WagtailAdminModelForm):
    class Meta:
        model = Area
        fields = ["parent", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Area.objects.filter(level=Level.VILLAGE)
        if self.for_user is not None:
            villages = scope(villages, self.for_user, "code")
        parent = self.fields["parent"]
        parent.label = _("Desa / kelurahan")
        parent.queryset = villages
        parent.required = True
        parent.widget = forms.TextInput(attrs={"placeholder": "52.02.01.2013"})
        parent.to_field_name = "code"
        parent.help_text = _("The code of the desa, e.g. 52.02.01.2013.")
        parent.error_messages["invalid_choice"] = _(
            "There is no desa with this code in the areas you coordinate."
        )
        if self.instance.pk and self.instance.parent_id:
            self.initial["parent"] = self.instance.parent.code


class AreaCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return hamlet_create(village=data["parent"], name=data["name"], actor=self.request.user)


class AreaEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        # The form has written its values on self.object; the service starts from the stored row.
        stored = Area.objects.get(pk=self.object.pk)
        return hamlet_update(
            hamlet=stored, name=data["name"], village=data["parent"], actor=self.request.user
        )


class AreaDeleteView(ServiceDeleteView):
    def delete_with_service(self):
        hamlet_delete(hamlet=self.object, actor=self.request.user)


class AreaViewSet(ScopedModelViewSet):
    model = Area
    icon = "site"
    menu_label = _("Areas")
    form_fields = ["parent", "name"]
    list_display = ["display_name", "code", "level"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    scope_field = "code"
    add_view_class = AreaCreateView
    edit_view_class = AreaEditView
    delete_view_class = AreaDeleteView
    inspect_view_enabled = True

    def scoped_queryset(self, user, action: str):
        areas = super().scoped_queryset(user, action)
        if action in ("edit", "delete"):
            # The official tree is read-only: only dusun are changed or removed.
            areas = areas.filter(level=Level.HAMLET)
        return areas

    def get_form_class(self, for_update=False):
        return HamletForm


register_backoffice_viewset(AreaViewSet("pelita_areas"), order=10)
