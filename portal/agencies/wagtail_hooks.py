"""The agencies' back office: agencies with their liaisons, and the service catalogue."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.areas.models import Area, Level
from portal.areas.permissions import user_can_manage_area
from portal.core.backoffice import ScopedIndexView, register_backoffice_viewset
from portal.core.forms import CleanInputMixin

from .models import Agency, Service
from .services import agency_create


class AgencyForm(CleanInputMixin, WagtailAdminModelForm):
    liaisons = forms.ModelMultipleChoiceField(
        label=_("Liaisons"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Agency
        fields = ["name", "kind", "area", "services", "email", "phone", "is_active"]
        widgets = {"services": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.exclude(level__in=[Level.VILLAGE, Level.HAMLET])
        if self.instance.pk:
            self.fields["liaisons"].initial = list(self.instance.group.user_set.values_list("pk", flat=True))

    def clean_area(self):
        area = self.cleaned_data["area"]
        if self.for_user and not user_can_manage_area(user=self.for_user, area=area):
            raise forms.ValidationError(_("You can only manage agencies within the areas you coordinate."))
        return area


def _sync_liaisons(agency, wanted, actor):
    from portal.agencies.services import agency_liaison_add, agency_liaison_remove

    current = set(agency.group.user_set.all())
    for user in set(wanted) - current:
        agency_liaison_add(agency=agency, user=user, actor=actor)
    for user in current - set(wanted):
        agency_liaison_remove(agency=agency, user=user, actor=actor)


class AgencyCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        agency = agency_create(
            name=data["name"],
            kind=data["kind"],
            area=data["area"],
            services=list(data["services"]),
            email=data["email"],
            actor=self.request.user,
        )
        agency.phone, agency.is_active = data["phone"], data["is_active"]
        agency.save(update_fields=["phone", "is_active"])
        _sync_liaisons(agency, data["liaisons"], self.request.user)
        return agency


class AgencyEditView(generic.EditView):
    def save_instance(self):
        if not user_can_manage_area(user=self.request.user, area=self.object.area):
            raise PermissionDenied
        agency = super().save_instance()
        _sync_liaisons(agency, self.form.cleaned_data["liaisons"], self.request.user)
        return agency


class AgencyViewSet(ModelViewSet):
    model = Agency
    icon = "group"
    menu_label = _("Agencies")
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    index_view_class = ScopedIndexView
    add_view_class = AgencyCreateView
    edit_view_class = AgencyEditView

    def get_form_class(self, for_update=False):
        return AgencyForm


class ServiceViewSet(ModelViewSet):
    model = Service
    icon = "list-ul"
    menu_label = _("Services")
    form_fields = [
        "slug",
        "name_id",
        "name_en",
        "need_id",
        "need_en",
        "completion_days",
        "child_protection",
        "position",
    ]
    list_display = ["slug", "name_id", "name_en", "completion_days", "child_protection"]
    search_fields = ["slug", "name_id", "name_en"]


register_backoffice_viewset(AgencyViewSet("pelita_agencies"), order=20)
register_backoffice_viewset(ServiceViewSet("pelita_services"), order=30)
