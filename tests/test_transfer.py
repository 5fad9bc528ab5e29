"""Import and export in the browser: JSON, XLSX and the scores as CSV."""

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisals import interchange
from appraisals.models import Appraisal, Change, Score
from tests.factories import delivery_model, make_appraisal


def _url(personas, name: str) -> str:
    return reverse(f"appraisals:{name}", args=[personas.appraisal.reference])


def _document(personas, **changes) -> dict:
    return interchange.export_document(personas.appraisal) | changes


def _upload(document: dict, name: str = "appraisal.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(document).encode(), "application/json")


def test_json_export_is_the_interchange_document(client, personas):
    client.force_login(personas.member)
    response = client.get(_url(personas, "export-json"))
    assert response["Content-Disposition"] == 'attachment; filename="test-appraisal.json"'
    document = json.loads(response.content)
    assert document == interchange.export_document(personas.appraisal)
    assert document["format"] == "councilopts.appraisal/1"


def test_xlsx_export_holds_the_same_content(client, personas):
    client.force_login(personas.member)
    response = client.get(_url(personas, "export-xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    back = interchange.xlsx_to_document(response.content)
    assert interchange.validate_document(back) == []
    assert len(back["scores"]) == len(interchange.export_document(personas.appraisal)["scores"])


def test_scores_csv_is_safe_from_formula_injection(client, personas):
    score = Score.objects.filter(panel__appraisal=personas.appraisal).first()
    score.reason = '=HYPERLINK("http://evil.example","click")'
    score.save()
    client.force_login(personas.member)
    response = client.get(_url(personas, "export-scores-csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    reasons = [row[-1] for row in rows[1:]]
    assert "'" + score.reason in reasons
    assert not any(r.startswith(("=", "+", "-", "@")) for r in reasons)


def test_officer_imports_a_new_appraisal_from_json(client, personas):
    document = _document(personas, reference="imported", title="Imported appraisal")
    client.force_login(personas.officer)
    response = client.post(reverse("appraisals:appraisal-import"), {"document": _upload(document)})
    imported = Appraisal.objects.get(reference="imported")
    assert response["Location"] == imported.get_absolute_url()
    assert interchange.export_document(imported) == document


def test_officer_imports_from_an_xlsx_workbook(client, personas):
    document = _document(personas, reference="from-xlsx")
    workbook = interchange.document_to_xlsx(document)
    client.force_login(personas.officer)
    upload = SimpleUploadedFile("a.xlsx", workbook)
    response = client.post(reverse("appraisals:appraisal-import"), {"document": upload})
    assert response.status_code == 302
    assert Appraisal.objects.filter(reference="from-xlsx").exists()


def test_a_bad_document_is_refused_whole_with_every_problem(client, personas):
    document = _document(personas, reference="bad")
    document["scores"][0]["score"] = 7
    document["criteria"][0]["weight"] = -1
    client.force_login(personas.officer)
    response = client.post(reverse("appraisals:appraisal-import"), {"document": _upload(document)})
    assert response.status_code == 200
    assert "scores[0].score" in response.text
    assert "criteria[0].weight" in response.text
    assert not Appraisal.objects.filter(reference="bad").exists()


def test_unreadable_files_are_refused(client, personas):
    client.force_login(personas.officer)
    url = reverse("appraisals:appraisal-import")
    bad_json = SimpleUploadedFile("a.json", b"{not json")
    assert "not valid JSON" in client.post(url, {"document": bad_json}).text
    bad_xlsx = SimpleUploadedFile("a.xlsx", b"not a workbook")
    assert "There is a problem" in client.post(url, {"document": bad_xlsx}).text
    text = SimpleUploadedFile("a.txt", b"hello")
    assert "JSON document or an XLSX workbook" in client.post(url, {"document": text}).text


def test_an_officer_cannot_import_for_another_council(client, personas):
    document = _document(personas, reference="theirs", lead_authority="Faraway County Council")
    client.force_login(personas.officer)
    response = client.post(reverse("appraisals:appraisal-import"), {"document": _upload(document)})
    assert "you can only import appraisals led by your council" in response.text
    assert not Appraisal.objects.filter(reference="theirs").exists()


def test_replacing_keeps_the_reference_and_history(client, personas):
    delivery_model("outsourcing", "Outsourcing")
    document = _document(personas, reference="ignored", title="Replaced title")
    document["options"].append(
        {"key": "outsource", "name": "Outsource", "delivery_model": "outsourcing",
         "status": "rejected", "rejection_reason": "Too slow"}
    )  # fmt: skip
    Change.objects.create(appraisal=personas.appraisal, kind="score", subject="before")
    client.force_login(personas.officer)
    response = client.post(_url(personas, "appraisal-replace"), {"document": _upload(document)})
    assert response.status_code == 302
    appraisal = Appraisal.objects.get(reference="test-appraisal")
    assert appraisal.title == "Replaced title"
    assert appraisal.options.filter(key="outsource").exists()
    assert not Appraisal.objects.filter(reference="ignored").exists()
    assert appraisal.changes.filter(subject="before").exists()


def test_members_cannot_replace(client, personas):
    client.force_login(personas.member)
    response = client.post(
        _url(personas, "appraisal-replace"), {"document": _upload(_document(personas))}
    )
    assert response.status_code == 403


def test_importing_a_taken_reference_does_not_say_whose_it_is(client, personas):
    theirs = make_appraisal(personas.unrelated, reference="leisure-trust")
    client.force_login(personas.officer)
    pages = [
        client.post(
            reverse("appraisals:appraisal-import"),
            {"document": _upload(_document(personas, reference=reference, title="Mine"))},
        ).text
        for reference in ("leisure-trust", personas.appraisal.reference)
    ]
    for page in pages:
        assert "that reference is not available" in page
        assert "exists already" not in page
    assert theirs.title not in pages[0]
    assert not Appraisal.objects.filter(title="Mine").exists()
