"""People's roles in the back office, and the people picker every back-office form uses.

A role is added or removed through the membership services (guardian grants and the audit log follow), never
edited or copied in place. The picker offers only people within the coordinator's subtree, with search."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic import models as generic

from portal.areas.models import Area
from portal.core.backoffice import (
    ScopedChooserViewSet,
    ScopedModelViewSet,
    ServiceDeleteView,
    ServiceFormMixin,
    people_in_scope,
    register_backoffice_viewset,
    scope,
)
from portal.core.forms import CleanInputMixin

from .models import Membership
from .services import membership_add, membership_remove


class PeopleFilterForm(CleanInputMixin, BaseFilterForm):
    q = forms.CharField(
        label=_("Name or username"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Baiq or kader_jago")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
        return objects


class PeopleChooserViewSet(ScopedChooserViewSet):
    model = get_user_model()
    icon = "user"
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")
    per_page = 20
    ordering = ["username"]

    def scoped_queryset(self, user):
        return people_in_scope(user).order_by("username")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(filter_form_class=PeopleFilterForm, **kwargs)


people_chooser_viewset = PeopleChooserViewSet("pelita_people_chooser", url_prefix="pelita/people-chooser")


@hooks.register("register_admin_viewset")
def register_people_chooser():
    return people_chooser_viewset


def people_field(*, for_user, label, required=True) -> forms.ModelChoiceField:
    """A form field that picks one person within `for_user`'s scope (people_in_scope), with the searchable
    modal picker."""
    return forms.ModelChoiceField(
        label=label,
        queryset=people_in_scope(for_user) if for_user is not None else get_user_model().objects.none(),
        required=required,
        widget=people_chooser_viewset.widget_class(),
        error_messages={"invalid_choice": _("Choose a person from the list of people in your areas.")},
    )


class MembershipForm(CleanInputMixin, WagtailAdminModelForm):
    class Meta:
        model = Membership
        fields = ["user", "area", "role"]
        widgets = {"area": forms.TextInput(attrs={"placeholder": "52.02.01.2013"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"] = people_field(for_user=self.for_user, label=_("Person"))
        area = self.fields["area"]
        area.to_field_name = "code"
        area.help_text = _("The area code, e.g. 52.02.01.2013 for Desa Jago.")
        area.queryset = (
            scope(Area.objects.all(), self.for_user, "code") if self.for_user else Area.objects.none()
        )
        area.error_messages["invalid_choice"] = _(
            "You can only give roles within the areas you coordinate: check the area code."
        )


class MembershipCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return membership_add(
            user=data["user"], area=data["area"], role=data["role"], actor=self.request.user
        )


class MembershipDeleteView(ServiceDeleteView):
    def delete_with_service(self):
        membership_remove(membership=self.object, actor=self.request.user)


class MembershipViewSet(ScopedModelViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Roles")
    list_display = ["user", "role", "area"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "area__code", "area__name"]
    scope_field = "area__code"
    add_view_class = MembershipCreateView
    delete_view_class = MembershipDeleteView
    # A role is added or removed, never edited or copied in place (that would bypass the services).
    disabled_views = frozenset({"edit", "copy"})

    def get_form_class(self, for_update=False):
        return MembershipForm


register_backoffice_viewset(MembershipViewSet("pelita_roles"), order=40)
