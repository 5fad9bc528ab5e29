"""`manage.py render_report REFERENCE -o FILE.pdf [--html FILE.html] [--version N]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from appraisals.actions import issue_report
from tests.test_reports_data import make_report_appraisal


@pytest.fixture
def appraisal(personas):
    return make_report_appraisal(options=2, criteria=2, panels=1, risks=1)


def test_writes_the_draft_pdf_and_a_standalone_html(appraisal, tmp_path):
    pdf, html = tmp_path / "agenda-7.pdf", tmp_path / "agenda-7.html"
    out = io.StringIO()
    call_command("render_report", "report-test", "-o", str(pdf), "--html", str(html), stdout=out)
    assert "Wrote" in out.getvalue()
    reader = PdfReader(pdf)
    assert "DRAFT" in reader.pages[0].extract_text()
    page = html.read_text()
    assert "<style>" in page and "@page" in page  # the stylesheet travels inside
    assert '<link rel="stylesheet"' not in page
    assert "Future options for corporate services" in page


def test_writes_an_issued_version_byte_for_byte(appraisal, personas, tmp_path):
    version = issue_report(appraisal=appraisal, user=personas.officer)
    target = tmp_path / "v1.pdf"
    call_command(
        "render_report", "report-test", "-o", str(target), "--issued", "1", stdout=io.StringIO()
    )
    assert target.read_bytes() == bytes(version.pdf)


def test_unknown_reference_or_version_is_an_error(appraisal, tmp_path):
    with pytest.raises(CommandError, match="No appraisal"):
        call_command("render_report", "nope", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="no issued version 4"):
        call_command("render_report", "report-test", "-o", str(tmp_path / "x.pdf"), "--issued", "4")


def test_runs_no_system_checks(appraisal, tmp_path, monkeypatch):
    """Rendering a report needs none of the URLs, views and admin the checks import and
    check (0.3-0.5 s of each run); `manage.py check` and every server start run them."""
    from django.core import checks
    from django.db import connections

    from appraisals.management.commands.render_report import Command

    ran = []
    monkeypatch.setattr(checks, "run_checks", lambda *a, **k: ran.append(1) or [])
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the test's transaction
    target = tmp_path / "draft.pdf"
    argv = ["manage.py", "render_report", "report-test", "-o", str(target)]
    Command(stdout=io.StringIO()).run_from_argv(argv)  # as `manage.py` runs it
    assert target.read_bytes().startswith(b"%PDF-")
    assert ran == []
