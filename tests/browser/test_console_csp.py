"""No Content-Security-Policy violations in the browser console.

htmx injects a <style> for its request indicators unless told not to; our policy allows no
inline styles, so base.html sets htmx-config {"includeIndicatorStyles": false}.
"""

from __future__ import annotations

from tests.browser.conftest import log_in


def _console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_home_and_appraisal_pages_have_no_csp_errors(page, personas):
    errors = _console_errors(page)
    log_in(page, "alice")
    for path in ("/", personas.appraisal.get_absolute_url()):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # htmx has started, read its config, and did not add its indicator styles
        assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False, path
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_error_pages_have_no_csp_errors(page, personas):
    errors = _console_errors(page)
    log_in(page, "bob")
    for path in (f"/appraisals/{personas.appraisal.reference}/scope/", "/appraisals/nope/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert [e for e in errors if "Content Security Policy" in e] == []
