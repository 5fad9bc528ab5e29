"""Rendering: the report as HTML through one template, and as PDF through `report_pdf`."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from ..models import Appraisal, DeliveryModel
from ..results import Evaluation, evaluate
from .build import build_report
from .previous import PreviousVersion
from .signoff import SignOffs

TEMPLATE = "reports/committee_report.html"
STYLESHEETS = ("reports/report.css",)
DRAFT_STYLESHEET = "reports/draft.css"
# Bump when the report's content or layout changes in a way the template files do not show.
# 12: figures numbered and linked as tables are, Year 0's financial year, the target in
# the summary, units in table headings;
# 11: no running head over page 1's masthead (PDF and Word); 10: tables numbered in order,
# links, running heads as artifacts, Word;
# 9: body shortened (panel table, heat maps to the appendices; five reasons quoted);
# 8: contact officer, powers relied on, TUPE, list of appendices, marked gaps; 7: the option
# officers recommend; 6: prose with units, drafted summary, rejected options told; 5: finance
# to the lead council, risk IDs and ratings; 4: percentages without a space; 3: short-list
# wording, models said once
RENDERER_VERSION = "12"


@functools.cache
def _static_text(name: str) -> str:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found).read_text(encoding="utf-8")


def render_html(
    appraisal: Appraisal | None = None,
    *,
    evaluation: Evaluation | None = None,
    draft: bool = True,
    version: int | None = None,
    issued_at: dt.datetime | None = None,
    inline_css: bool = False,
    previous: PreviousVersion | None = None,
    sign_offs: SignOffs | None = None,
    models: Mapping[str, DeliveryModel] | None = None,
) -> str:
    """The report as one HTML page. With `inline_css` the stylesheets are inside it (a file
    that stands alone: `render_report --html`, the Chromium comparison). `models`: the
    options' delivery models from the catalogue, if read already (`build_report`)."""
    if evaluation is None:
        if appraisal is None:
            raise TypeError("give an appraisal or its evaluation")
        evaluation = evaluate(appraisal)
    report = build_report(
        evaluation,
        draft=draft,
        version=version,
        issued_at=issued_at,
        previous=previous,
        sign_offs=sign_offs,
        models=models,
    )
    names = STYLESHEETS + ((DRAFT_STYLESHEET,) if draft else ())
    context: dict[str, Any] = {"report": report}
    if inline_css:
        context["inline_css"] = "\n".join(_static_text(n) for n in names)
    else:
        context["stylesheets"] = [settings.STATIC_URL + n for n in names]
    return render_to_string(TEMPLATE, context)


def write_pdf(html: str) -> bytes:
    """The HTML as PDF/UA-1 bytes (`report_pdf.write_pdf`). WeasyPrint is imported here, on
    the first render, not when the project loads: it takes about a second to import, which
    every web process, `manage.py` command and test run would otherwise pay at start-up."""
    from ..report_pdf import write_pdf as weasyprint_write_pdf

    return weasyprint_write_pdf(html)


def render_committee_report(
    appraisal: Appraisal | None = None,
    *,
    evaluation: Evaluation | None = None,
    draft: bool = True,
    version: int | None = None,
    issued_at: dt.datetime | None = None,
    previous: PreviousVersion | None = None,
    sign_offs: SignOffs | None = None,
) -> bytes:
    """The committee report as PDF bytes."""
    html = render_html(
        appraisal,
        evaluation=evaluation,
        draft=draft,
        version=version,
        issued_at=issued_at,
        previous=previous,
        sign_offs=sign_offs,
    )
    return write_pdf(html)
