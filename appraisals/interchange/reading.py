"""Bytes into a document, in bounded time and memory: the web import and `import_appraisal`
both read files through `read_file`.

The size is checked before anything is parsed, and for a workbook its zip directory (how many
files, how large unpacked, how compressed), so that a 2 MB workbook that unpacks to 600 MB is
refused before a byte of it is unpacked. JSON nested too deep for the parser (100,000
brackets) is refused, and validation holds every document to MAX_JSON_DEPTH. Python's
zipfile never unpacks more than the directory declares, so the declared sizes are safe to
trust. Every refusal is an `InvalidDocument` with a located problem.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from typing import Any

from .. import limits
from .validation import InvalidDocument, Problem, printable

# An integer of more digits than this is no number the format holds (MAX_NUMBER has 16), and
# int() refuses more than 4,300 digits with a ValueError that is not a JSON error.
_MAX_DIGITS = 20


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_size(size: int, most: int = limits.MAX_UPLOAD_BYTES) -> None:
    if size > most:
        raise InvalidDocument(
            [
                Problem(
                    "",
                    f"the file is {_megabytes(size)}; the largest allowed is {_megabytes(most)}",
                )
            ]
        )


def _bounded_int(digits: str) -> int | float:
    # A float, infinite if need be, which validation then refuses where it stands.
    return int(digits) if len(digits.lstrip("-")) <= _MAX_DIGITS else float(digits)


def read_json(data: bytes, *, max_bytes: int = limits.MAX_UPLOAD_BYTES) -> Any:
    """The JSON value in `data` (UTF-8, with or without a byte-order mark)."""
    check_size(len(data), max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidDocument(
            [Problem(f"byte {error.start + 1}", "the file is not UTF-8 text, as JSON must be")]
        ) from None
    try:
        return json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise InvalidDocument([Problem(where, f"not valid JSON: {error.msg}")]) from None
    except RecursionError:
        # The C parser counts its depth and stops cleanly at the interpreter's limit (some
        # thousands); validation refuses anything deeper than MAX_JSON_DEPTH, with its path.
        raise InvalidDocument(
            [
                Problem(
                    "",
                    "lists and objects are nested thousands deep; the most allowed is "
                    f"{limits.MAX_JSON_DEPTH}",
                )
            ]
        ) from None


def _dimension_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int] | None:
    """(rows, columns) from a sheet's <dimension ref="A1:Z100">, read from its first 4 KB."""
    with zf.open(info) as sheet:
        head = sheet.read(4096).decode("utf-8", "replace")
    found = re.search(r'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?([A-Z]+)(\d+)"', head)
    if found is None:
        return None
    letters, row = found.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(row), column


def check_workbook(data: bytes) -> None:
    """Refuse a workbook from its zip directory, before openpyxl parses any of it."""
    check_size(len(data))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidDocument(
            [Problem("", "not an Excel workbook (.xlsx): the file is not a zip archive")]
        ) from None
    with zf:
        members = zf.infolist()
        if len(members) > limits.MAX_XLSX_MEMBERS:
            raise InvalidDocument(
                [
                    Problem(
                        "",
                        f"the workbook holds {len(members):,} files; the most allowed is "
                        f"{limits.MAX_XLSX_MEMBERS:,}",
                    )
                ]
            )
        total = 0
        for info in members:
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise InvalidDocument(
                    [Problem(printable(info.filename), "is compressed in a way Excel does not use")]
                )
            total += info.file_size
        if total > limits.MAX_XLSX_UNCOMPRESSED_BYTES:
            largest = max(members, key=lambda i: i.file_size)
            raise InvalidDocument(
                [
                    Problem(
                        "",
                        f"the workbook unpacks to {_megabytes(total)} "
                        f"({printable(largest.filename)} alone is "
                        f"{_megabytes(largest.file_size)}); "
                        f"the most allowed is "
                        f"{_megabytes(limits.MAX_XLSX_UNCOMPRESSED_BYTES)}",
                    )
                ]
            )
        for info in members:
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                continue
            try:
                size = _dimension_size(zf, info)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
                raise InvalidDocument(
                    [Problem(printable(info.filename), f"cannot be unpacked ({error})")]
                ) from None
            if size is not None:
                check_sheet_size(printable(info.filename), *size)


def check_sheet_size(where: str, rows: int, columns: int) -> None:
    if rows > limits.MAX_SHEET_ROWS:
        raise InvalidDocument(
            [
                Problem(
                    where,
                    f"has {rows:,} rows; the most allowed is {limits.MAX_SHEET_ROWS:,}",
                )
            ]
        )
    if columns > limits.MAX_SHEET_COLUMNS:
        raise InvalidDocument(
            [
                Problem(
                    where,
                    f"has {columns:,} columns; the most allowed is {limits.MAX_SHEET_COLUMNS:,}",
                )
            ]
        )


def read_file(name: str, data: bytes, *, max_bytes: int = limits.MAX_UPLOAD_BYTES) -> Any:
    """The document (or, for JSON, whatever value) in a file named `name`: a workbook if the
    name ends in .xlsx, else JSON. Not validated: `import_document` does that."""
    if name.lower().endswith(".xlsx"):
        from .workbook import xlsx_to_document

        return xlsx_to_document(data)
    return read_json(data, max_bytes=max_bytes)
