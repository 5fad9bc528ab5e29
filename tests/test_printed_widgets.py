"""`govuk_widget` prints text inputs, textareas and selects in Python (the template engine
took a fifth of the home and report pages); what it prints must be what Django's own widget
templates print, escaping included, for every value those widgets meet."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe

from appraisals.templatetags import councilopts


class Everything(forms.Form):
    text = forms.CharField(help_text="A hint", max_length=5, initial="x\"<y>&'")
    number = forms.IntegerField(min_value=1, initial=3)
    decimal = forms.DecimalField(initial=1234.5)
    email = forms.EmailField(required=False)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "data-on": True, "data-off": False}),
        initial="line\n<b>",
    )
    empty_notes = forms.CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(
        choices=[
            ("", "Any"),
            ("a&b", "A & <b>"),
            ("Group <g>", [("1", "One"), ("2", mark_safe("<i>Two</i>"))]),
            (3, 4),
        ],
        initial="2",
    )
    no_choices = forms.ChoiceField(choices=[], required=False)
    marked = forms.CharField(
        widget=forms.TextInput(attrs={"placeholder": mark_safe("&amp;"), "title": "<t>"})
    )


def _compare(form: forms.Form) -> None:
    for field in form:
        base, _error = councilopts._WIDGET_CLASSES[field.widget_type]
        printed = councilopts._printed_widget(field, {"class": base})
        assert printed is not None, field.name
        assert printed == field.as_widget(attrs={"class": base}), field.name


def test_printed_as_django_prints_initial_values():
    _compare(Everything())


def test_printed_as_django_prints_sent_values_and_errors():
    form = Everything(
        {"text": "bad\"'<", "number": "x", "decimal": "1,2", "choice": "a&b", "notes": ""}
    )
    assert not form.is_valid()
    _compare(form)


@pytest.mark.django_db
def test_printed_as_django_prints_model_choices():
    from appraisals.models import Authority

    Authority.objects.create(name="Barchester & <Ely> Council")

    class Choose(forms.Form):
        council = forms.ModelChoiceField(Authority.objects.order_by("name"))

    _compare(Choose())
    _compare(Choose({"council": str(Authority.objects.get().pk)}))


def test_a_widget_with_its_own_template_goes_through_django():
    class Own(forms.Form):
        code = forms.CharField(widget=forms.TextInput())
        secret = forms.CharField(widget=forms.PasswordInput())

    form = Own()
    form.fields["code"].widget.template_name = "django/forms/widgets/email.html"
    assert councilopts._printed_widget(form["code"], {}) is None
    assert councilopts._printed_widget(form["secret"], {}) is None
