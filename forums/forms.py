"""Forms parse and keep what people typed; the rules live in the services (which raise InvalidInput, whose
messages the views put back on these forms). Each writing form carries a one-time token so that the same form
sent twice (a double tap on a slow connection) makes one post, not two."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import OnceForm, PelitaForm

from .models import BODY_MAX, NOTE_MAX, REASON_MAX, TITLE_MAX, ThreadKind, WatchLevel


class TokenForm(OnceForm):
    """A form that creates a thread or a post: its one-time token (portal.core.idempotency) is also the
    thread's or post's client_token, so the same form sent twice makes one, even past the 24-hour window."""


def _body_field(label):
    # Plain words for the people who write here (cadres): no "Markdown", no syntax to learn. The formatting
    # hints live behind "Text formatting" on the page, for those who want them.
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "maxlength": BODY_MAX,
                "data-mentions": "",
                "data-mentions-label": _("People to mention"),
                "data-mentions-count": _("%s people found: arrows to choose, Enter to insert"),
            }
        ),
        help_text=_("To let someone know, type @ and their username, e.g. @kader_jago."),
    )


class ThreadForm(TokenForm):
    title = forms.CharField(
        label=_("Title"), required=False, widget=forms.TextInput(attrs={"maxlength": TITLE_MAX})
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            c for c in ThreadKind.choices if c[0] != ThreadKind.MEETING
        ],  # minutes are posted by meetings
        initial=ThreadKind.DISCUSSION,
    )
    case = forms.CharField(
        label=_("Case code"),
        required=False,
        max_length=20,
        help_text=_("For a case thread only: the code, e.g. APM-5202-00042. Never the child's name."),
        widget=forms.TextInput(attrs={"placeholder": "APM-5202-00042", "autocomplete": "off"}),
    )
    body = _body_field(_("Message"))

    def __init__(self, *args, can_announce=False, can_case=False, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [
            c
            for c in ThreadKind.choices
            if c[0] != ThreadKind.MEETING
            and (c[0] != ThreadKind.ANNOUNCEMENT or can_announce)
            and (c[0] != ThreadKind.CASE or can_case)
        ]
        self.fields["kind"].choices = kinds
        if not can_case:
            # Only case workers name a case (by its code); for everyone else the field is not there at all.
            del self.fields["case"]
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()

    @property
    def shows_kind(self) -> bool:
        return not self.fields["kind"].widget.is_hidden


class ReplyForm(TokenForm):
    body = _body_field(_("Your reply"))


class EditForm(PelitaForm):
    body = _body_field(_("Message"))


PRIVACY_HELP = _(
    "It holds someone's personal data (a child's name, NIK, address, phone): the text and its earlier versions "
    "are removed for good, and nobody can read them again."
)


class ReasonForm(PelitaForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.TextInput(attrs={"maxlength": REASON_MAX})
    )


class HideForm(ReasonForm):
    privacy = forms.BooleanField(label=_("Remove for privacy"), required=False, help_text=PRIVACY_HELP)


class DeleteForm(PelitaForm):
    privacy = forms.BooleanField(label=_("Remove for privacy"), required=False, help_text=PRIVACY_HELP)


class CaseLinkForm(PelitaForm):
    case = forms.CharField(
        label=_("Case code"),
        max_length=20,
        required=False,
        help_text=_("The code of the child's case, e.g. APM-5202-00042. Never the child's name."),
        widget=forms.TextInput(attrs={"placeholder": "APM-5202-00042", "autocomplete": "off"}),
    )


class AttentionLinkForm(PelitaForm):
    """Link an existing thread of a forum to a case from the facilitator's "needs attention" page: the thread
    chosen from the list (`thread`) or typed by its number (`number`, "123", "#123" or the thread's address)."""

    thread = forms.IntegerField(required=False, min_value=1)
    number = forms.CharField(label=_("Or type the thread's number"), required=False, max_length=200)
    case = CaseLinkForm.base_fields["case"]
    next = forms.CharField(required=False, max_length=300)

    def thread_pk(self) -> int | None:
        import re

        typed = (self.cleaned_data.get("number") or "").strip()
        if typed:
            m = re.fullmatch(r"#?(\d{1,12})|(?:https?://[^/]+)?/forums/t/(\d{1,12})/.*", typed)
            return int(m.group(1) or m.group(2)) if m else None
        return self.cleaned_data.get("thread")


class EscalateForm(TokenForm):
    note = forms.CharField(
        label=_("Summary note for the forum above"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": NOTE_MAX}),
        help_text=_(
            "What is the problem, what was tried, what help is needed. Use the case code, never the child's name."
        ),
    )


class MoveForm(PelitaForm):
    area = forms.ChoiceField(label=_("Move to the forum of"), choices=())

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, a.display_name) for a in areas]


class MemberAddForm(PelitaForm):
    username = forms.CharField(label=_("Username"), max_length=150)


class WatchForm(PelitaForm):
    level = forms.ChoiceField(choices=WatchLevel.choices)


class SearchForm(PelitaForm):
    q = forms.CharField(label=_("Search the forums"), max_length=200, required=False)
