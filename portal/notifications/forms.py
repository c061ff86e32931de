from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PelitaForm

from .models import Delivery, NotificationSettings


def field_name(kind: str) -> str:
    return "kind__" + kind.replace(".", "__")


class PreferencesForm(PelitaForm):
    """One choice per kind (grouped as the page shows them), and the reminder delay."""

    unread_email_after = forms.TypedChoiceField(
        label=_("E-mail me about notifications shown only in Pelita that I have not read"),
        choices=NotificationSettings.REMIND_CHOICES,
        coerce=int,
    )

    def __init__(self, *args, groups: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for group in groups:
            names = []
            for item in group["kinds"]:
                name = field_name(item["kind"])
                self.fields[name] = forms.ChoiceField(
                    label=item["label"], choices=Delivery.choices, initial=item["delivery"], required=False
                )
                self.fields[name].kind = item["kind"]
                names.append(name)
            self.groups.append({"title": group["title"], "names": names})

    def grouped_fields(self):
        return [{"title": g["title"], "fields": [self[name] for name in g["names"]]} for g in self.groups]

    def deliveries(self) -> dict[str, str]:
        # A kind left out of the form keeps its current setting.
        return {
            self.fields[name].kind: value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind__") and value
        }
