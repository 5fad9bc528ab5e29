"""`manage.py export_appraisal REFERENCE | --all [-o FILE] [--results --samples --seed]`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from appraisals.interchange import export_document
from tests.factories import make_appraisal


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export_appraisal", *args, stdout=out)
    return out.getvalue()


def test_writes_one_document_to_stdout(personas):
    text = run("test-appraisal")
    assert json.loads(text) == export_document(personas.appraisal)
    assert text.startswith('{\n  "format": "councilopts.appraisal/1",')


def test_writes_to_a_file_in_utf8_without_escapes(personas, tmp_path):
    personas.appraisal.title = "Shared services — £1.2M a year"
    personas.appraisal.save()
    path = tmp_path / "out.json"
    assert run("test-appraisal", "-o", str(path)) == ""
    text = path.read_text(encoding="utf-8")
    assert "Shared services — £1.2M a year" in text
    assert json.loads(text) == export_document(personas.appraisal)


def test_all_is_a_list_ordered_by_reference(personas):
    make_appraisal(personas.unrelated, reference="a-first")
    make_appraisal(personas.lead, reference="z-last")
    documents = json.loads(run("--all"))
    assert [d["reference"] for d in documents] == ["a-first", "test-appraisal", "z-last"]


def test_results_are_added_on_request(personas):
    doc = json.loads(run("test-appraisal", "--results", "--samples", "200", "--seed", "7"))
    assert doc["results"]["rank_acceptability"]["samples"] == 200
    assert doc["results"]["rank_acceptability"]["seed"] == 7
    assert {k: v for k, v in doc.items() if k != "results"} == export_document(personas.appraisal)


def test_results_default_to_ten_thousand_samples_and_seed_one(personas):
    doc = json.loads(run("test-appraisal", "--results"))
    assert doc["results"]["rank_acceptability"]["samples"] == 10_000
    assert doc["results"]["rank_acceptability"]["seed"] == 1


def test_no_results_unless_asked(personas):
    assert "results" not in json.loads(run("test-appraisal"))


def test_unknown_reference_fails(personas):
    with pytest.raises(CommandError, match="No appraisal has the reference 'nope'"):
        run("nope")


@pytest.mark.parametrize("args", [(), ("test-appraisal", "--all")])
def test_needs_exactly_one_of_reference_and_all(personas, args):
    with pytest.raises(CommandError, match="Name one appraisal's REFERENCE, or give --all"):
        run(*args)
