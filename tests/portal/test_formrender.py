"""portal.core.formrender renders the plain widgets byte for byte as Django's widget templates do (a table of
widget types and values, escaping included), and hands every other template to Django's renderer."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from portal.core.formrender import FastRenderer

NASTY = "a \"quoted\" <b>&amp; 'x'"
CHOICES = [("", "All"), ("a<b", NASTY), (3, "three"), ("x", mark_safe("<i>safe</i>"))]
GROUPED = [("Group <1>", [("g1", "one"), ("g2", "two")]), ("plain", "Plain")]

WIDGETS = [
    (forms.TextInput(), "hello"),
    (
        forms.TextInput(attrs={"maxlength": 10, "placeholder": NASTY, "required": True, "disabled": False}),
        NASTY,
    ),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.NumberInput(attrs={"min": 0}), 42),
    (forms.EmailInput(), "a@b.id"),
    (forms.URLInput(), "https://x.id/?a=1&b=2"),
    (forms.PasswordInput(), "secret"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.HiddenInput(), "tok<en>"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.CheckboxInput(attrs={"aria-label": NASTY}), "on"),
    (forms.DateInput(), dt.date(2026, 12, 1)),
    (forms.TimeInput(), dt.time(9, 5)),
    (forms.DateTimeInput(), dt.datetime(2026, 12, 1, 9, 5)),
    (forms.Textarea(), 'line 1\nline <2> & "3"'),
    (forms.Textarea(attrs={"rows": 3, "maxlength": 5000}), ""),
    (forms.Textarea(), None),
    (forms.Textarea(), mark_safe("<b>kept</b>")),
    (forms.Select(choices=CHOICES), "a<b"),
    (forms.Select(choices=CHOICES), 3),
    (forms.Select(choices=CHOICES), None),
    (forms.Select(choices=CHOICES, attrs={"class": "x", "data-x": NASTY}), "x"),
    (forms.Select(choices=GROUPED), "g2"),
    (forms.Select(choices=[]), None),
    (forms.SelectMultiple(choices=CHOICES), ["a<b", "3"]),
    (forms.NullBooleanSelect(), True),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda w: type(w).__name__)
def test_fast_widgets_render_as_django_templates_do(widget, value):
    slow = widget.render("field<name>", value, attrs={"id": "id_f"}, renderer=DjangoTemplates())
    fast = widget.render("field<name>", value, attrs={"id": "id_f"}, renderer=FastRenderer())
    assert fast == slow


def test_other_widgets_go_through_the_templates():
    widget = forms.RadioSelect(choices=CHOICES)
    slow = widget.render("r", "a<b", renderer=DjangoTemplates())
    assert widget.render("r", "a<b", renderer=FastRenderer()) == slow
    assert "<input" in slow and 'type="radio"' in slow


def test_the_site_uses_the_fast_renderer():
    from django.conf import settings

    assert settings.FORM_RENDERER == "portal.core.formrender.FastRenderer"
