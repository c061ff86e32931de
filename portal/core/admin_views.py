"""The back office in the Wagtail admin: areas (dusun), agencies, services, and people's roles. Coordinators
see and manage what lies in their area subtree; writes go through the same services as the rest of Pelita."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal.agencies.models import Agency, Service
from portal.agencies.services import agency_create
from portal.areas.models import Area, Level
from portal.areas.permissions import user_can_manage_area
from portal.areas.selectors import areas_within_q
from portal.areas.services import hamlet_create
from portal.core.errors import PelitaError
from portal.people.models import Membership, Role
from portal.people.selectors import user_area_codes
from portal.people.services import membership_add, membership_remove


def _coordinated_codes(user) -> list[str] | None:
    """None for a superuser (everything), else the codes of the areas the person coordinates."""
    if user.is_superuser:
        return None
    return user_area_codes(user=user, roles=[Role.COORDINATOR])


def _scope(queryset, user, field):
    codes = _coordinated_codes(user)
    return queryset if codes is None else queryset.filter(areas_within_q(codes, field=field))


class ScopedIndexView(generic.IndexView):
    scope_field = "area__code"

    def get_base_queryset(self):
        return _scope(super().get_base_queryset(), self.request.user, self.scope_field)


def _add_service_errors(form, exc: PelitaError):
    for field, messages in (exc.errors or {"__all__": [exc.message]}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


# --- Areas: the official tree is read-only; dusun are added under a desa --------------------------------


class HamletForm(WagtailAdminModelForm):
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
            _add_service_errors(form, exc)
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


# --- Agencies and services -----------------------------------------------------------------------------


class AgencyForm(WagtailAdminModelForm):
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


# --- People's roles ------------------------------------------------------------------------------------


class MembershipForm(WagtailAdminModelForm):
    class Meta:
        model = Membership
        fields = ["user", "area", "role"]
        widgets = {"area": forms.TextInput(attrs={"placeholder": "52.02.01.2013"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].to_field_name = "code"
        self.fields["area"].help_text = _("The area code, e.g. 52.02.01.2013 for Desa Jago.")
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")

    def clean_area(self):
        area = self.cleaned_data["area"]
        if self.for_user and not user_can_manage_area(user=self.for_user, area=area):
            raise forms.ValidationError(_("You can only give roles within the areas you coordinate."))
        return area


class MembershipCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return membership_add(
            user=data["user"], area=data["area"], role=data["role"], actor=self.request.user
        )


class MembershipDeleteView(generic.DeleteView):
    def delete_action(self):
        if not user_can_manage_area(user=self.request.user, area=self.object.area):
            raise PermissionDenied
        membership_remove(membership=self.object, actor=self.request.user)


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Roles")
    list_display = ["user", "role", "area"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "area__code", "area__name"]
    index_view_class = ScopedIndexView
    add_view_class = MembershipCreateView
    delete_view_class = MembershipDeleteView
    edit_view_enabled = False  # a role is added or removed, never edited in place

    def get_form_class(self, for_update=False):
        return MembershipForm


class PelitaViewSetGroup(ModelViewSetGroup):
    menu_label = _("Pelita")
    menu_icon = "folder-open-inverse"
    menu_order = 150
    items = (
        AreaViewSet("pelita_areas"),
        AgencyViewSet("pelita_agencies"),
        ServiceViewSet("pelita_services"),
        MembershipViewSet("pelita_roles"),
    )
