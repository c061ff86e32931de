"""The agencies' back office: agencies and their liaisons (coordinators, within their subtree), and the national
service catalogue (superusers only). Every write goes through portal.agencies.services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic import models as generic

from portal.areas.models import Area, Level
from portal.core.backoffice import (
    ScopedModelViewSet,
    ServiceDeleteView,
    ServiceFormMixin,
    register_backoffice_viewset,
    scope,
)
from portal.core.forms import CleanInputMixin
from portal.people.wagtail_hooks import people_field

from .models import Agency, Service
from .services import (
    AGENCY_FIELDS,
    SERVICE_FIELDS,
    agency_create,
    agency_delete,
    agency_liaison_add,
    agency_liaison_remove,
    agency_update,
    service_save,
)


class AgencyForm(CleanInputMixin, WagtailAdminModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind", "area", "services", "email", "phone", "is_active", "accept_starts_work"]
        widgets = {"services": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.exclude(level__in=[Level.VILLAGE, Level.HAMLET])
        self.fields["area"].queryset = (
            scope(areas, self.for_user, "code") if self.for_user is not None else areas.none()
        )
        self.fields["area"].error_messages["invalid_choice"] = _(
            "You can only manage agencies within the areas you coordinate."
        )
        self.fields["add_liaison"] = people_field(
            for_user=self.for_user, label=_("Appoint a liaison"), required=False
        )
        self.fields["add_liaison"].help_text = _(
            "Liaisons see the referrals sent to this agency, with the child's identity. Nobody appoints "
            "themselves, and people who oversee the area or work in the back office cannot be liaisons."
        )
        if self.instance.pk:
            self.fields["remove_liaisons"] = forms.ModelMultipleChoiceField(
                label=_("End the appointment of"),
                queryset=self.instance.group.user_set.order_by("username"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )


def _agency_values(data) -> dict:
    return {field: data[field] for field in AGENCY_FIELDS}


def _liaisons(agency, data, actor) -> None:
    for user in data.get("remove_liaisons") or []:
        agency_liaison_remove(agency=agency, user=user, actor=actor)
    if data.get("add_liaison"):
        agency_liaison_add(agency=agency, user=data["add_liaison"], actor=actor)


class AgencyCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        agency = agency_create(
            services=list(data["services"]), actor=self.request.user, **_agency_values(data)
        )
        _liaisons(agency, data, self.request.user)
        return agency


class AgencyEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        stored = Agency.objects.get(pk=self.object.pk)
        agency = agency_update(
            agency=stored, services=list(data["services"]), actor=self.request.user, **_agency_values(data)
        )
        _liaisons(agency, data, self.request.user)
        return agency


class AgencyDeleteView(ServiceDeleteView):
    def delete_with_service(self):
        agency_delete(agency=self.object, actor=self.request.user)


class AgencyViewSet(ScopedModelViewSet):
    model = Agency
    icon = "group"
    menu_label = _("Agencies")
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    scope_field = "area__code"
    add_view_class = AgencyCreateView
    edit_view_class = AgencyEditView
    delete_view_class = AgencyDeleteView
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return AgencyForm


class ServiceCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return service_save(actor=self.request.user, **{f: data[f] for f in SERVICE_FIELDS})


class ServiceEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        stored = Service.objects.get(pk=self.object.pk)
        return service_save(service=stored, actor=self.request.user, **{f: data[f] for f in SERVICE_FIELDS})


class ServiceViewSet(ScopedModelViewSet):
    """The national catalogue: coordinators may read it; only superusers change it (service_save). It has no
    area, so the scope is everything for those who reach it at all (Wagtail's model permissions)."""

    model = Service
    icon = "list-ul"
    menu_label = _("Services")
    form_fields = list(SERVICE_FIELDS)
    list_display = ["slug", "name_id", "name_en", "completion_days", "child_protection"]
    search_fields = ["slug", "name_id", "name_en"]
    add_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    # A service is referred to by agencies, cases and referrals: it is never deleted or copied.
    disabled_views = frozenset({"delete", "copy"})
    inspect_view_enabled = True

    def scoped_queryset(self, user, action: str):
        services = Service.objects.all()
        if action in ("index", "inspect", "history", "usage") or user.is_superuser:
            return services
        return services.none()


register_backoffice_viewset(AgencyViewSet("pelita_agencies"), order=20)
register_backoffice_viewset(ServiceViewSet("pelita_services"), order=30)
