"""People's roles in the back office: a role is added or removed through the membership services (guardian
grants and the audit log follow), never edited in place."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.areas.permissions import user_can_manage_area
from portal.core.backoffice import ScopedIndexView, register_backoffice_viewset
from portal.core.forms import CleanInputMixin

from .models import Membership
from .services import membership_add, membership_remove


class MembershipForm(CleanInputMixin, WagtailAdminModelForm):
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


register_backoffice_viewset(MembershipViewSet("pelita_roles"), order=40)
