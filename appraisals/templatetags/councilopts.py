"""Small template helpers: optional links, GOV.UK widgets, numbers in words and figures."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeData, SafeString, mark_safe

from ..access import can_edit
from ..explain import format_pounds

register = template.Library()

# GOV.UK Frontend's class for each Django widget type, and its error modifier.
_WIDGET_CLASSES = {
    "text": ("govuk-input", "govuk-input--error"),
    "number": ("govuk-input", "govuk-input--error"),
    "email": ("govuk-input", "govuk-input--error"),
    "password": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "selectmultiple": ("govuk-select", "govuk-select--error"),
    "clearablefile": ("govuk-file-upload", "govuk-file-upload--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
}


@register.simple_tag
def url_if(name: str, *args) -> str:
    """The URL named, or "" while nobody has added that page yet (links render only if set)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def may_change(appraisal, user) -> bool:
    """`{% if appraisal|may_change:request.user %}`: an officer of the lead council."""
    return can_edit(user, appraisal)


@register.filter
def govuk_widget(field: BoundField, extra_classes: str = "") -> str:
    """Render a text-like widget with GOV.UK classes and its hint and error described."""
    base, error = _WIDGET_CLASSES.get(field.widget_type, ("", ""))
    classes = [base, extra_classes, field.field.widget.attrs.get("class", "")]
    if field.errors:
        classes.append(error)
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": " ".join(c for c in classes if c)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    printed = _printed_widget(field, attrs)
    return field.as_widget(attrs=attrs) if printed is None else printed


# Django's own templates for these widgets (django/forms/widgets/), printed in Python below
# with the same escaping: the template engine took some 2 ms a select (an include for each
# option), a fifth of the home page and of the report page. Any other widget, or one given
# another template, goes through Django. (The form renderer strips what a template prints.)
_PRINTED = {
    forms.TextInput: "django/forms/widgets/text.html",
    forms.NumberInput: "django/forms/widgets/number.html",
    forms.EmailInput: "django/forms/widgets/email.html",
    forms.Textarea: "django/forms/widgets/textarea.html",
    forms.Select: "django/forms/widgets/select.html",
}
_OPTION = "django/forms/widgets/select_option.html"
_CONTEXT = template.Context()  # autoescape on, as the form renderer's templates have it


def _var(value: Any) -> str:
    """`{{ value }}`."""
    return render_value_in_context(value, _CONTEXT)


def _s(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (a safe filter: safe in, safe out)."""
    text = stringformat(value, "s")
    return _var(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_var(name)}" if value is True else f' {_var(name)}="{_s(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _printed_widget(field: BoundField, attrs: dict[str, str]) -> SafeString | None:
    """`field.as_widget(attrs=attrs)` for the widgets in `_PRINTED`, else None."""
    widget = field.field.widget
    if _PRINTED.get(type(widget)) != widget.template_name or field.field.localize:
        return None
    if type(widget) is forms.Select and widget.option_template_name != _OPTION:
        return None
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    w = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if isinstance(widget, forms.Textarea):
        text = f'<textarea name="{_var(w["name"])}"{_attrs(w["attrs"])}>\n'
        return mark_safe(f"{text}{_var(w['value']) if w['value'] else ''}</textarea>")  # noqa: S308
    if isinstance(widget, forms.Select):
        parts = [f'<select name="{_var(w["name"])}"{_attrs(w["attrs"])}>']
        for group_name, options, _index in w["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_var(group_name)}">')
            parts.extend(
                f'\n  <option value="{_s(o["value"])}"{_attrs(o["attrs"])}>{_var(o["label"])}'
                "</option>\n"
                for o in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308
    value = "" if w["value"] is None else f' value="{_s(w["value"])}"'
    return mark_safe(  # noqa: S308 (every value escaped as the template does)
        f'<input type="{_var(w["type"])}" name="{_var(w["name"])}"{value}{_attrs(w["attrs"])}>'
    )


@register.filter
def error_href(field: BoundField) -> str:
    """Where an error summary link should land: the input, or a group's first choice."""
    if field.widget_type in ("radioselect", "checkboxselectmultiple", "dateparts"):
        return f"#{field.auto_id}_0"
    return f"#{field.auto_id}"


@register.filter
def percent(fraction: float | None, places: int = 1) -> str:
    if fraction is None:
        return "–"
    return f"{fraction * 100:.{int(places)}f}%"


@register.filter
def pounds(value: float | None) -> str:
    """Whole pounds with thousands separators; negatives with a minus sign."""
    return "–" if value is None else format_pounds(value)


@register.filter
def years(value: float | None) -> str:
    if value is None:
        return "does not pay back"
    return f"{value:.1f} years"


@register.filter
def number(value: float | None) -> str:
    """A figure without a needless ".0"."""
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


_SECTIONS = {
    "delivery-models": "models",
    "delivery-model": "models",
    "criteria-library": "library",
    "criteria-set": "library",
    "dashboard": "dashboard",
    "search": "search",
}


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    """Which header navigation item the current page belongs to."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    if match and match.namespace == "councils":
        return "council"
    return _SECTIONS.get(name, "appraisals") if match and match.namespace == "appraisals" else ""


@register.filter
def cross_links(text: str, links=None) -> str:
    """The report's text escaped, its "Appendix A" and "Table 3" made internal links."""
    from appraisals.reports import structure  # here: the reports import this module's filters

    return structure.cross_links(str(text), links)
