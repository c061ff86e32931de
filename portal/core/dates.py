"""A date typed as three number fields (hari, bulan, tahun), as GOV.UK's date input: no phone date picker (a
birth date eight years back is many taps away in one), `inputmode=numeric` so the phone shows its number pad.

- `DatePartsWidget` renders `<name>_day`, `<name>_month`, `<name>_year`. It also reads a single `<name>` value in
  ISO form (2019-05-17), so a client that posts the date whole (tests, scripts) keeps working.
- `DatePartsField` answers a `datetime.date` and says what is wrong in words a person can act on: which part is
  missing, that the date does not exist, that the year needs four digits; the input rules' year range applies.
  Pass `messages={"required": …}` for the field's own "write the date" message.

Use it in any form derived from portal.core.forms (the input rules apply to the rest of the form as usual)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from . import text

PARTS = ("day", "month", "year")


class DatePartsWidget(forms.MultiWidget):
    template_name = "core/widgets/date_parts.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        def part(size: int, css: str):
            return forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "pattern": "[0-9]*",
                    "maxlength": str(size),
                    "autocomplete": "off",
                    "class": f"date-part {css}",
                }
            )

        super().__init__(
            {"day": part(2, "date-day"), "month": part(2, "date-month"), "year": part(4, "date-year")}, attrs
        )

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        if not any(parts) and isinstance(data.get(name), str):  # the date posted whole, in ISO form
            try:
                return self.decompress(dt.date.fromisoformat(data.get(name).strip()))
            except ValueError:
                return ["", "", data.get(name)[:10]] if data.get(name).strip() else parts
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
        base_id = (attrs or {}).get("id") or self.attrs.get("id")
        for sub, part in zip(context["widget"]["subwidgets"], PARTS, strict=True):
            sub["part_label"] = labels[part]
            if (
                base_id
            ):  # id_birth_date_day rather than Django's id_birth_date_0: what the error summary links to
                sub["attrs"]["id"] = f"{base_id}_{part}"
        return context

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""


class DatePartsField(forms.Field):
    widget = DatePartsWidget
    default_error_messages = {
        "required": _("Write the date."),
        "missing": _("The date must include a %(part)s."),
        "invalid": _("The date must be a real date, written in numbers."),
        "year_digits": _("Write the year in 4 digits, for example 2019."),
    }

    def __init__(self, *, messages=None, **kwargs):
        super().__init__(**kwargs)
        self.error_messages.update(messages or {})

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, list | tuple) or len(value) != 3:
            value = ["", "", ""]
        parts = [(p if isinstance(p, str) else "").strip() for p in value]
        if not any(parts):
            return None
        names = {"day": _("day"), "month": _("month"), "year": _("year")}
        missing = [names[part] for part, p in zip(PARTS, parts, strict=True) if not p]
        if missing:
            raise forms.ValidationError(
                self.error_messages["missing"], code="missing", params={"part": missing[0]}
            )
        if not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day, month, year = (int(p) for p in parts)
        if len(parts[2]) != 4:
            raise forms.ValidationError(self.error_messages["year_digits"], code="year_digits")
        try:
            value = dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not text.year_ok(value):
            raise forms.ValidationError(text.year_message(), code="year_range")
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except forms.ValidationError:
            return True
