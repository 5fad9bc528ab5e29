"""Small template helpers: optional links, GOV.UK widgets, numbers in words and figures."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.urls import NoReverseMatch, reverse

from ..access import can_edit

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
    return field.as_widget(attrs=attrs)


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
    if value is None:
        return "–"
    rounded = round(float(value))
    sign = "−" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,}"


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
