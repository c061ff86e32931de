from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PelitaForm

from .channels import CHANNEL_LABELS
from .models import Delivery, NotificationSettings

# What a person can pick ("e-mail at once" only stays for those who chose it before channels existed).
CHOICES = [(d.value, d.label) for d in (Delivery.INSTANT, Delivery.DIGEST, Delivery.APP, Delivery.OFF)]


def field_name(kind: str) -> str:
    return "kind__" + kind.replace(".", "__")


def channel_field_name(kind: str, channel: str) -> str:
    return f"chan__{kind.replace('.', '__')}__{channel}"


class PreferencesForm(PelitaForm):
    """One choice per kind (grouped as the page shows them) with a switch per channel, the reminder delay and
    the quiet hours."""

    unread_email_after = forms.TypedChoiceField(
        label=_("E-mail me about what asks me to act and I have not read"),
        choices=NotificationSettings.REMIND_CHOICES,
        coerce=int,
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours from (WITA)"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until (WITA)"), widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args, groups: list[dict], channels: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        self.channel_names = channels
        for group in groups:
            rows = []
            for item in group["kinds"]:
                name = field_name(item["kind"])
                choices = list(CHOICES)
                if item["delivery"] == Delivery.EMAIL:
                    choices.insert(1, (Delivery.EMAIL.value, Delivery.EMAIL.label))
                self.fields[name] = forms.ChoiceField(
                    label=item["label"], choices=choices, initial=item["delivery"], required=False
                )
                self.fields[name].kind = item["kind"]
                switches = []
                for channel in channels:
                    cname = channel_field_name(item["kind"], channel)
                    self.fields[cname] = forms.BooleanField(
                        label=CHANNEL_LABELS.get(channel, channel),
                        required=False,
                        initial=channel not in item["muted_channels"],
                    )
                    switches.append(cname)
                rows.append({"name": name, "switches": switches, "actionable": item["actionable"]})
            self.groups.append({"title": group["title"], "rows": rows})

    def grouped_fields(self):
        return [
            {
                "title": g["title"],
                "rows": [
                    {
                        "field": self[r["name"]],
                        "switches": [self[c] for c in r["switches"]],
                        "actionable": r["actionable"],
                    }
                    for r in g["rows"]
                ],
            }
            for g in self.groups
        ]

    def kinds(self) -> dict[str, dict]:
        # A kind left out of the form keeps its current setting.
        found = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("kind__") or not value:
                continue
            kind = self.fields[name].kind
            muted = [c for c in self.channel_names if not self.cleaned_data.get(channel_field_name(kind, c))]
            found[kind] = {"delivery": value, "muted_channels": muted}
        return found
