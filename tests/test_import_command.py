"""`manage.py import_appraisal FILE... [--replace]`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connections

from appraisals.interchange import document_to_xlsx, export_document
from appraisals.models import Appraisal, Change, Score
from tests.factories import delivery_model
from tests.test_interchange_validation import make_document


@pytest.fixture
def catalogue(personas) -> None:
    delivery_model("shared-service", "Shared service")


def write(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_appraisal", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[str, str, CommandError]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_appraisal", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), failed.value


def test_imports_a_document_and_reports_what_it_created(tmp_path, catalogue):
    doc = make_document(services=["Payroll"], partners=["New Council", "Partner Borough Council"])
    out, err = run(write(tmp_path, "one.json", doc))
    assert out.splitlines() == [
        f"Imported small-appraisal from {tmp_path / 'one.json'}",
        "  created authority: New Council",
        "  created service: Payroll",
        "1 imported",
    ]
    assert err == ""
    assert export_document(Appraisal.objects.get(reference="small-appraisal")) == doc


def test_a_list_of_documents_imports_each_in_its_own_transaction(tmp_path, catalogue):
    good = make_document(reference="good")
    bad = make_document(reference="bad")
    bad["scores"][12]["score"] = 7
    bad["risks"][0]["likelihood"] = 0
    path = write(tmp_path, "many.json", [good, bad])

    out, err, failed = run_failing(path)

    assert f"Imported good from {path}[0]" in out
    assert err.splitlines() == [
        f"{path}[1]: scores[12].score: 7 is above the scale maximum 5",
        f"{path}[1]: risks[0].likelihood: must be a whole number from 1 to 5, not 0",
        f"{path}[1]: refused with 2 problem(s); nothing was written",
    ]
    assert str(failed) == "1 failed, 1 imported"
    assert Appraisal.objects.filter(reference="good").exists()
    assert not Appraisal.objects.filter(reference="bad").exists()


def test_several_files_are_each_read(tmp_path, catalogue):
    first = write(tmp_path, "a.json", make_document(reference="first"))
    second = write(tmp_path, "b.json", make_document(reference="second"))
    out, _ = run(first, second)
    assert out.splitlines()[-1] == "2 imported"
    assert set(Appraisal.objects.values_list("reference", flat=True)) >= {"first", "second"}


def test_bad_document_writes_nothing(tmp_path, catalogue):
    doc = make_document(lead_authority="Never Seen Council")
    doc["options"][1]["status"] = "rejected"
    before = (Appraisal.objects.count(), Score.objects.count(), Change.objects.count())
    _, err, _ = run_failing(write(tmp_path, "bad.json", doc))
    assert "options[1].rejection_reason: a rejected option needs the reason" in err
    assert (Appraisal.objects.count(), Score.objects.count(), Change.objects.count()) == before


def test_existing_reference_needs_replace(tmp_path, catalogue):
    path = write(tmp_path, "one.json", make_document(reference="test-appraisal"))
    _, err, _ = run_failing(path)
    assert err.strip() == (
        f'{path}: reference: an appraisal "test-appraisal" exists already '
        "(use --replace to overwrite it)"
    )
    out, _ = run(path, "--replace")
    assert out.splitlines()[0] == f"Replaced test-appraisal from {path}"


def test_invalid_json_is_reported_with_the_file_name(tmp_path, catalogue):
    path = tmp_path / "broken.json"
    path.write_text('{"format": ', encoding="utf-8")
    _, err, failed = run_failing(str(path))
    assert err.splitlines() == [
        f"{path}: line 1, column 12: not valid JSON: Expecting value",
        f"{path}: refused; nothing was written",
    ]
    assert str(failed) == "1 failed, 0 imported"


def test_missing_file_is_reported(tmp_path, catalogue):
    _, err, _ = run_failing(str(tmp_path / "nowhere.json"))
    assert err.startswith(f"{tmp_path / 'nowhere.json'}: ")


def test_reads_a_workbook(tmp_path, catalogue):
    path = tmp_path / "small.xlsx"
    doc = make_document()
    path.write_bytes(document_to_xlsx(doc))
    out, _ = run(str(path))
    assert out.splitlines()[0] == f"Imported small-appraisal from {path}"
    assert export_document(Appraisal.objects.get(reference="small-appraisal")) == doc


@pytest.fixture
def keep_connection(monkeypatch) -> None:
    # run_from_argv closes every connection when it finishes; the test still needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)


def test_exit_status_is_non_zero_on_failure(tmp_path, catalogue, capsys, keep_connection):
    bad = make_document(scale={"min": 3, "max": 1})
    utility = ManagementUtility(["manage.py", "import_appraisal", write(tmp_path, "b.json", bad)])
    with pytest.raises(SystemExit) as exited:
        utility.execute()
    assert exited.value.code == 1
    assert "scale: the minimum 3 must be below the maximum 1" in capsys.readouterr().err


def test_exit_status_is_zero_on_success(tmp_path, catalogue, keep_connection):
    good = write(tmp_path, "g.json", make_document())
    # execute() returns normally (no SystemExit) when every document imports.
    ManagementUtility(["manage.py", "import_appraisal", good]).execute()
    assert Appraisal.objects.filter(reference="small-appraisal").exists()
