"""The form renderer (settings.FORM_RENDERER): Django's, except that the plain widgets (inputs, checkboxes,
selects and their options, text areas) are rendered in Python instead of through one template per widget and one
per option (issue 17, "render the forms without Django's per-widget templates": a select of 40 kecamatan was 40
template renders; the inbox's filters cost 2.7 ms of its CPU).

The HTML is byte for byte what Django's templates django/forms/widgets/{input,select,select_option,textarea}.html
render (tests/portal/test_formrender.py compares both for every widget type, with values that need escaping).
Any other template (a widget of Wagtail's admin, a form layout, a template a project overrides) goes through
Django's renderer as before."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "checkbox", "search", "tel", "date",
        "time", "datetime", "color",
    )
}  # fmt: skip
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_TEXTAREA = "django/forms/widgets/textarea.html"


def _attrs(attrs) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{escape(value)}"')
    return "".join(out)


def _input(w) -> str:
    value = w["value"]
    shown = f' value="{escape(value)}"' if value is not None else ""
    return f'<input type="{conditional_escape(w["type"])}" name="{conditional_escape(w["name"])}"{shown}{_attrs(w["attrs"])}>'


def _option(o) -> str:
    return (
        f'<option value="{escape(o["value"])}"{_attrs(o["attrs"])}>{conditional_escape(o["label"])}</option>'
    )


def _select(w, fallback):
    parts = [f'<select name="{conditional_escape(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] == _OPTION:
                parts.append(f"\n  {_option(option)}\n")
            else:
                parts.append("\n  " + fallback(option["template_name"], {"widget": option}) + "\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(w) -> str:
    value = w["value"]
    return (
        f'<textarea name="{conditional_escape(w["name"])}"{_attrs(w["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if isinstance(context, dict) and len(context) == 1 and "widget" in context:
            widget = context["widget"]
            if template_name in _INPUTS:
                return mark_safe(_input(widget))  # noqa: S308 (escaped above)
            if template_name == _SELECT:
                return mark_safe(_select(widget, super().render))  # noqa: S308
            if template_name == _TEXTAREA:
                return mark_safe(_textarea(widget))  # noqa: S308
            if template_name == _OPTION:
                return mark_safe(_option(widget))  # noqa: S308
        return super().render(template_name, context, request=request)
