"""Keys and references are matched whole: "hello\\n" is not a key.

A security tester imported a document whose reference was "hello\\n" and whose partners named
another council: the web import answered 500 having committed, and `/` then answered 500 for
every user of both councils. These tests hold the web import, the CLI and the repair command
to the rule.
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from appraisals import interchange
from appraisals.models import Appraisal, Change, Option


def _document(personas, **changes) -> dict:
    return interchange.export_document(personas.appraisal) | changes


@pytest.mark.parametrize("bad", ["hello\n", "hello\r\n", "\nhello", "hel\nlo", "hello "])
def test_a_reference_with_a_newline_or_space_is_refused(personas, bad):
    problems = [str(p) for p in interchange.validate_document(_document(personas, reference=bad))]
    assert any(p.startswith("reference: must be a key") for p in problems), problems


def test_an_option_key_ending_in_a_newline_is_refused(personas):
    document = _document(personas, reference="new-one")
    old = document["options"][1]["key"]
    document["options"][1]["key"] = old + "\n"
    problems = [str(p) for p in interchange.validate_document(document)]
    assert any(p.startswith("options[1].key: must be a key") for p in problems), problems


def test_web_import_refuses_it_and_both_councils_home_pages_still_work(client, personas):
    document = _document(personas, reference="hello\n", title="Hostile")
    upload = SimpleUploadedFile("a.json", json.dumps(document).encode(), "application/json")
    client.force_login(personas.officer)
    response = client.post(reverse("appraisals:appraisal-import"), {"document": upload})
    assert response.status_code == 200
    assert "reference: must be a key" in response.content.decode()
    assert not Appraisal.objects.filter(title="Hostile").exists()
    for user in (personas.officer, personas.partner_officer):
        client.force_login(user)
        assert client.get("/").status_code == 200


def test_cli_import_refuses_it_with_a_non_zero_exit(tmp_path, personas):
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(_document(personas, reference="hello\n", title="Hostile")))
    with pytest.raises(CommandError):
        call_command("import_appraisal", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Appraisal.objects.filter(title="Hostile").exists()


def test_check_keys_finds_stored_bad_keys_and_fix_repairs_them(client, personas):
    # Rows stored before the fix: written directly, as the old import did.
    Appraisal.objects.filter(pk=personas.appraisal.pk).update(reference="test-appraisal\n")
    option = Option.objects.filter(appraisal=personas.appraisal).order_by("pk").last()
    Option.objects.filter(pk=option.pk).update(key=option.key + "\n")

    out = io.StringIO()
    with pytest.raises(CommandError, match="2 invalid keys found"):
        call_command("check_keys", stdout=out)
    assert "'test-appraisal\\n' is not a valid key" in out.getvalue()

    call_command("check_keys", "--fix", stdout=io.StringIO())
    appraisal = Appraisal.objects.get(pk=personas.appraisal.pk)
    assert appraisal.reference == "test-appraisal"
    assert Option.objects.get(pk=option.pk).key == option.key
    assert Change.objects.filter(appraisal=appraisal, kind="key").count() == 2
    call_command("check_keys", stdout=io.StringIO())  # nothing left: no error
    client.force_login(personas.officer)
    assert client.get("/").status_code == 200
    assert client.get(appraisal.get_absolute_url()).status_code == 200


def test_a_repaired_key_never_takes_a_sibling_s_key(personas):
    first, second = Option.objects.filter(appraisal=personas.appraisal).order_by("pk")[:2]
    Option.objects.filter(pk=second.pk).update(key=first.key + "\n")
    call_command("check_keys", "--fix", stdout=io.StringIO())
    assert Option.objects.get(pk=second.pk).key == f"{first.key}-2"
