"""The base of every page form in Pelita: the rules of portal.core.text applied to each field, so a form cannot
forget them (tests/portal/test_input_rules.py checks that every form class of the project derives from here).

- Text: blank-only text (zero-width spaces, direction marks …) counts as empty, so a required field says
  "required"; forbidden characters are dropped (the input guard already drops them from requests); a field
  without a length limit gets the generic one (TEXT_MAX for a text area, LINE_MAX for one line), shown to the
  browser as `maxlength`.
- Dates: the years 1900 to 2100. Whole numbers: within 64 bits.
- `OnceForm` adds the one-time token of portal.core.idempotency: use it for every form that creates something.
"""

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

from . import text
from .idempotency import OnceTokenMixin


def _text_to_python(original, *, multiline: bool):
    def to_python(value):
        if isinstance(value, str):
            value = text.clean_text(text.strip_forbidden(value, multiline=multiline))
        return original(value)

    return to_python


def _check_year(value):
    if value is not None and not text.year_ok(value):
        raise forms.ValidationError(text.year_message(), code="year_range")


def apply_input_rules(form_fields) -> None:
    """Apply the rules to a form's (already copied) fields. Idempotent."""
    for field in form_fields.values():
        if getattr(field, "_pelita_rules", False):
            continue
        field._pelita_rules = True
        if isinstance(field, forms.CharField):
            multiline = isinstance(field.widget, forms.Textarea)
            field.to_python = _text_to_python(field.to_python, multiline=multiline)
            if field.max_length is None and not isinstance(field.widget, forms.HiddenInput):
                field.max_length = text.TEXT_MAX if multiline else text.LINE_MAX
                field.validators.append(MaxLengthValidator(field.max_length))
                field.widget.attrs.setdefault("maxlength", str(field.max_length))
        elif isinstance(field, forms.DateField | forms.DateTimeField):
            field.validators.append(_check_year)
        elif isinstance(field, forms.IntegerField):
            if field.max_value is None:
                field.validators.append(MaxValueValidator(text.INT64_MAX))
            if field.min_value is None:
                field.validators.append(MinValueValidator(text.INT64_MIN))


class CleanInputMixin:
    """The rules above, for any form class (Django's, Wagtail's); put it first among the bases."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_input_rules(self.fields)


class NoColonMixin:
    """Labels without Django's trailing colon: "Nama anak", as the legends of the choices next to them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PelitaForm(NoColonMixin, CleanInputMixin, forms.Form):
    """A page form that does not create anything (a filter, an edit, a choice)."""


class OnceForm(NoColonMixin, CleanInputMixin, OnceTokenMixin, forms.Form):
    """A page form that creates something: also carries the one-time token, so a repeated submit (a double
    tap on a slow connection) returns the first result. Templates render `{{ form.once_token }}`."""


class PelitaModelForm(NoColonMixin, CleanInputMixin, forms.ModelForm):
    pass


def error_summary(form) -> list[tuple[str, str]]:
    """The form's errors in the order of its fields, each with the id of the input to link to (GOV.UK's error
    summary: "Ada masalah", every message a link that puts the cursor in the field). Errors of the form as a
    whole come first, without a link."""
    items = [("", str(message)) for message in form.non_field_errors()]
    for name in form.fields:
        if name not in form.errors:
            continue
        bound = form[name]
        widget = bound.field.widget
        anchor = bound.auto_id or ""
        if isinstance(widget, forms.MultiWidget):
            anchor = widget.id_for_label(anchor)
        elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple) and anchor:
            anchor = f"{anchor}_0"
        items += [(anchor, str(message)) for message in bound.errors]
    return items
