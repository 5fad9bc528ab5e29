"""Long unbroken words (a pasted URL, a file path, a reference with no spaces) wrap inside
their box: no page grows wider than the window because of one (issue 14, point 9)."""

from __future__ import annotations

import pytest

from appraisals.models import Risk
from tests.browser.conftest import log_in

WORD = "https://intranet.example.gov.uk/" + "x" * 120  # no break opportunity at all
PAGES = ["", "options/", "risks/", "results/", "panels/panel-1/scoring/", "history/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_long_word_wraps_instead_of_widening_the_page(page, personas, path):
    appraisal = personas.appraisal
    appraisal.options.filter(key="option-1").update(name=f"Option {WORD}")
    appraisal.criteria.filter(key="criterion-1").update(name=f"Criterion {WORD}")
    appraisal.title = f"Appraisal {WORD}"
    appraisal.save()
    Risk.objects.create(
        appraisal=appraisal,
        risk=f"Risk {WORD}",
        consequences=WORD,
        controls=WORD,
        owner=WORD,
        likelihood=3,
        impact=3,
        residual_likelihood=2,
        residual_impact=2,
    )
    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(page, "alice")
    page.goto(f"/appraisals/{appraisal.reference}/{path}")
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, f"{path or 'overview'} is {width}px wide in a {window}px window"
