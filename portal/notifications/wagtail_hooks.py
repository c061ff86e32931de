"""The notifications' back office (superusers only): every delivery with its status and reason (read-only), and
the default settings per role that apply to the people who made no choice of their own."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm

from portal.core.backoffice import ScopedModelViewSet, register_backoffice_viewset
from portal.core.forms import CleanInputMixin

from .channels import CHANNEL_LABELS
from .kinds import AUDIENCES, KINDS
from .models import NotificationDelivery, RoleNotificationDefault


class SuperusersOnlyViewSet(ScopedModelViewSet):
    """Nothing here lies in an area: superusers see everything, everyone else nothing (404 by key)."""

    def scoped_queryset(self, user, action: str):
        qs = self.model._default_manager.all()
        return qs if user.is_superuser else qs.none()


class DeliveryViewSet(SuperusersOnlyViewSet):
    model = NotificationDelivery
    icon = "mail"
    menu_label = _("Deliveries")
    add_to_admin_menu = False
    # Deliveries are written by the delivery engine only.
    disabled_views = frozenset({"copy", "add", "edit", "delete"})
    form_fields = ["channel"]  # never shown: there is no add or edit view
    inspect_view_enabled = True
    list_display = ["notification_id", "recipient", "channel", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["channel", "status"]
    inspect_view_fields = [
        "notification",
        "recipient",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "provider_id",
        "created_at",
        "sent_at",
    ]
    ordering = ["-pk"]


class RoleDefaultForm(CleanInputMixin, WagtailAdminModelForm):
    role = forms.ChoiceField(label=_("Role"), choices=[(k, v) for k, v in AUDIENCES.items()])
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k, k) for k in KINDS])
    muted_channels = forms.MultipleChoiceField(
        label=_("Channels switched off"),
        choices=list(CHANNEL_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RoleNotificationDefault
        fields = ["role", "kind", "delivery", "muted_channels"]


class RoleDefaultViewSet(SuperusersOnlyViewSet):
    model = RoleNotificationDefault
    icon = "cog"
    menu_label = _("Notification defaults per role")
    add_to_admin_menu = False
    form_fields = ["role", "kind", "delivery", "muted_channels"]
    list_display = ["role", "kind", "delivery"]

    def get_form_class(self, for_update=False):
        return RoleDefaultForm


register_backoffice_viewset(DeliveryViewSet("notification_deliveries"), order=400)
register_backoffice_viewset(RoleDefaultViewSet("notification_role_defaults"), order=410)
