"""Fuzzing the web import (hypothesis): documents and workbooks, each a good one with a few
random changes. Every case either imports, or is refused with a located message: never an
error page, never a traceback, never a partial write (the rows are counted before and after).

The example counts are modest so the suite stays fast; CI runs them derandomized (the "ci"
profile in tests/conftest.py), so a run there is repeatable.
"""

from __future__ import annotations

import copy
import io
import itertools
import json
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from appraisals import interchange
from tests.test_interchange_import import counts

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_serial = itertools.count()

# Values as hostile input has them: the ones that crashed before, and ordinary ones.
_nasty_text = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "hello\n", "=cmd|' /C calc'!A0",
     "x" * 5001, "é" * 301, "2024-02-30", "shared", "option-2", "NaN"]
)  # fmt: skip
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-10, max_value=10)
    | st.integers()
    | st.integers(min_value=10**15, max_value=10**500)
    | st.floats()
    | st.text(max_size=20)
    | _nasty_text
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | _nasty_text, inner, max_size=4)
    ),
    max_leaves=12,
)


def _places(doc: Any) -> list[tuple[Any, Any]]:
    """(container, key or index) for every value in the document."""
    found, stack = [], [doc]
    while stack:
        value = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found.append((value, key))
            if isinstance(item, dict | list):
                stack.append(item)
    return found


def _mutate(doc: dict, data: st.DataObject) -> dict:
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        container, key = data.draw(st.sampled_from(_places(doc)), label="where")
        action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
        if action == "delete" and isinstance(container, dict):
            del container[key]
        elif action == "add" and isinstance(container, dict):
            container[data.draw(st.text(max_size=8) | _nasty_text)] = data.draw(_values)
        elif action == "add" and isinstance(container, list):
            container.append(data.draw(_values))
        else:
            container[key] = data.draw(_values, label="value")
    return doc


def _import(personas, name: str, body: bytes) -> None:
    """Post the file; it imports, or is refused with located problems and nothing written."""
    client = Client()  # raises any error the view lets out: an error page fails the test
    client.force_login(personas.officer)
    before = counts()
    response = client.post(
        reverse("appraisals:appraisal-import"), {"document": SimpleUploadedFile(name, body)}
    )
    if response.status_code == 302:
        assert counts()["Appraisal"] == before["Appraisal"] + 1
        return
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "govuk-error-summary__list" in response.text
    assert counts() == before


def _document(personas, reference: str | None = None) -> dict:
    """The personas' appraisal, under a new reference (each example's own, by default)."""
    document = interchange.export_document(personas.appraisal)
    document["reference"] = reference or f"fuzz-{next(_serial):04}"  # all of one length
    return document


@FUZZ
@given(data=st.data())
def test_fuzzed_documents_import_or_are_refused_with_their_paths(personas, data):
    document = _mutate(_document(personas), data)
    _import(personas, "fuzz.json", json.dumps(document).encode())


def _set_cells(workbook: bytes, data: st.DataObject) -> bytes:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = load_workbook(io.BytesIO(workbook))
    for _ in range(data.draw(st.integers(1, 4), label="cells")):
        ws = wb[data.draw(st.sampled_from(wb.sheetnames), label="sheet")]
        row = data.draw(st.integers(1, ws.max_row + 1), label="row")
        column = data.draw(st.integers(1, ws.max_column + 1), label="column")
        value = data.draw(_scalars, label="value")
        try:
            ws.cell(row=row, column=column, value=value)
        except (IllegalCharacterError, ValueError):
            assume(False)  # openpyxl refuses to write it, so no workbook can hold it
    out = io.BytesIO()
    try:
        wb.save(out)
    except (ValueError, OverflowError):  # numbers openpyxl cannot write
        assume(False)
    return out.getvalue()


@settings(FUZZ, max_examples=10)  # openpyxl writes each workbook anew: about 1 s an example
@given(data=st.data())
def test_fuzzed_workbooks_import_or_are_refused_with_their_paths(personas, data):
    workbook = interchange.document_to_xlsx(_document(personas))
    _import(personas, "fuzz.xlsx", _set_cells(workbook, data))


@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_damaged_workbook_files_are_refused(personas, data):
    # One reference for all, so that every example damages the same bytes.
    workbook = bytearray(interchange.document_to_xlsx(_document(personas, "fuzz-damaged")))
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        # Damage inside a member's compressed data, or anywhere in the file.
        info = data.draw(st.sampled_from(z.infolist()), label="member")
        start = info.header_offset + 30 + len(info.filename)
        span = (start, start + info.compress_size - 1)
    for _ in range(data.draw(st.integers(1, 8), label="bytes")):
        low, high = data.draw(st.sampled_from([span, (0, len(workbook) - 1)]), label="range")
        workbook[data.draw(st.integers(low, max(low, high)))] = data.draw(st.integers(0, 255))
    _import(personas, "fuzz.xlsx", bytes(workbook))
