"""The document as an XLSX workbook, and the scores as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from typing import Any

from .. import limits
from .export import SAVINGS_SERIES, _number
from .reading import check_workbook
from .validation import InvalidDocument, Problem, printable

# The workbook carries the document's content, one sheet per list; the "Score matrix" and the
# results sheets are for reading and are ignored when a workbook is read back. Lists of names
# (partners, services, objectives, an option's partners) are one name a line in one cell.

_APPRAISAL_FIELDS = (
    # (field as written in the "Appraisal" sheet, path into the document, kind)
    ("format", ("format",), "text"),
    ("reference", ("reference",), "text"),
    ("title", ("title",), "text"),
    ("lead_authority", ("lead_authority",), "text"),
    ("partners", ("partners",), "lines"),
    ("services", ("services",), "lines"),
    ("status", ("status",), "text"),
    ("archived", ("archived",), "bool"),
    ("illustrative", ("illustrative",), "bool"),
    ("summary", ("summary",), "text"),
    ("objectives", ("objectives",), "lines"),
    ("savings_target.amount", ("savings_target", "amount"), "number"),
    ("savings_target.year", ("savings_target", "year"), "number"),
    ("committee.name", ("committee", "name"), "text"),
    ("committee.meeting_date", ("committee", "meeting_date"), "date"),
    ("committee.agenda_item", ("committee", "agenda_item"), "text"),
    ("scale.min", ("scale", "min"), "number"),
    ("scale.max", ("scale", "max"), "number"),
    ("weighting.method", ("weighting", "method"), "text"),
    ("finance.discount_rate", ("finance", "discount_rate"), "number"),
    ("finance.optimism_bias", ("finance", "optimism_bias"), "number"),
    ("report.author", ("report", "author"), "text"),
    ("report.report_of", ("report", "report_of"), "text"),
    ("report.portfolio_holder", ("report", "portfolio_holder"), "text"),
    ("report.uses_portfolio_holders", ("report", "uses_portfolio_holders"), "bool"),
    ("report.contact_name", ("report", "contact_name"), "text"),
    ("report.contact_job_title", ("report", "contact_job_title"), "text"),
    ("report.contact_telephone", ("report", "contact_telephone"), "text"),
    ("report.contact_email", ("report", "contact_email"), "text"),
    ("report.officers_consulted", ("report", "officers_consulted"), "text"),
    ("report.wards_affected", ("report", "wards_affected"), "text"),
    ("report.ward_members_consulted", ("report", "ward_members_consulted"), "text"),
    ("report.papers_inspection", ("report", "papers_inspection"), "text"),
    ("report.key_decision", ("report", "key_decision"), "bool"),
    ("report.forward_plan_reference", ("report", "forward_plan_reference"), "text"),
    ("report.status", ("report", "status"), "text"),
    ("report.exempt_paragraph", ("report", "exempt_paragraph"), "text"),
    ("report.purpose", ("report", "purpose"), "text"),
)
_CRITERIA_COLUMNS = (
    ("key", "text"),
    ("name", "text"),
    ("weight", "number"),
    ("group", "text"),
    ("guidance", "text"),
    ("description", "text"),
)
_OPTION_COLUMNS = (
    ("key", "text"),
    ("name", "text"),
    ("delivery_model", "text"),
    ("partners", "lines"),
    ("baseline", "bool"),
    ("recommended", "bool"),
    ("status", "text"),
    ("rejection_reason", "text"),
    ("description", "text"),
)
_PANEL_COLUMNS = (("key", "text"), ("name", "text"), ("scored_when", "text"))
_SCORE_COLUMNS = (
    ("panel", "text"),
    ("option", "text"),
    ("criterion", "text"),
    ("score", "number"),
    ("reason", "text"),
)
_RISK_COLUMNS = (
    ("option", "key-or-null"),
    ("risk", "text"),
    ("consequences", "text"),
    ("likelihood", "number"),
    ("impact", "number"),
    ("controls", "text"),
    ("residual_likelihood", "number"),
    ("residual_impact", "number"),
    ("owner", "text"),
)
_EXEMPT_COLUMNS = (
    ("part", "text"),
    ("option", "text"),
    ("risk", "number"),  # its place in the Risks sheet, from 0
    ("section", "text"),
    ("paragraph", "number"),
    ("reason", "text"),
)
_FINANCE_SERIES = ("costs", "savings.low", "savings.central", "savings.high")
_LIST_SHEETS = (
    ("Criteria", "criteria", _CRITERIA_COLUMNS),
    ("Options", "options", _OPTION_COLUMNS),
    ("Panels", "panels", _PANEL_COLUMNS),
    ("Scores", "scores", _SCORE_COLUMNS),
    ("Risks", "risks", _RISK_COLUMNS),
)


def _cell_value(value: Any, kind: str) -> Any:
    if kind == "lines":
        return "\n".join(value) if value else None
    if kind == "date":
        return dt.date.fromisoformat(value) if value else None
    if value == "":
        return None
    return value


def _put(ws: Any, row: list[Any]) -> None:
    """Append a row; text is always stored as text, never as a formula."""
    ws.append(row)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif isinstance(cell.value, dt.date):
            cell.number_format = "yyyy-mm-dd"


def _header(ws: Any, names: Iterable[str], widths: Iterable[int] = ()) -> None:
    from openpyxl.styles import Font

    _put(ws, list(names))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = width


def too_long_for_a_workbook(doc: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """The financial cases that keep the document from being a workbook, as (option key,
    option name, years): stored before the 60-year limit (limits.MAX_YEARS) existed, they
    are wider than the Finance sheet (a column a year) may be, or an import read back."""
    names = {o.get("key"): o.get("name") for o in doc.get("options") or []}
    problems = []
    for key, case in ((doc.get("finance") or {}).get("options") or {}).items():
        years = max((len(v) for v in _series(case).values()), default=0)
        if years > limits.MAX_YEARS:
            problems.append((key, names.get(key) or key, years))
    return problems


def document_to_xlsx(doc: Mapping[str, Any], results: Mapping[str, Any] | None = None) -> bytes:
    """The document as a workbook (plus results sheets when `results` is given)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Appraisal"
    _header(ws, ["field", "value"], [28, 80])
    for name, path, kind in _APPRAISAL_FIELDS:
        value: Any = doc
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        _put(ws, [name, _cell_value(value, kind)])

    report = doc.get("report") or {}
    if report.get("exempt_to_partners"):  # written only when set, as in the document
        _put(ws, ["report.exempt_to_partners", True])

    ws = wb.create_sheet("Narrative")
    _header(ws, ["section", "text"], [24, 100])
    for section, text in report.get("narrative", {}).items():
        _put(ws, [section, _cell_value(text, "text")])
    if report.get("exempt"):
        # The parts exempt under Schedule 12A (`report.exempt`): only when there are any.
        ws = wb.create_sheet("Exempt")
        _header(ws, [c for c, _ in _EXEMPT_COLUMNS], [10, 18, 8, 18, 10, 80])
        for part in report["exempt"]:
            _put(ws, [_cell_value(part.get(c), kind) for c, kind in _EXEMPT_COLUMNS])

    for title, key, columns in _LIST_SHEETS:
        ws = wb.create_sheet(title)
        _header(ws, [c for c, _ in columns], [18] * len(columns))
        for item in doc.get(key) or []:
            _put(ws, [_cell_value(item.get(c), kind) for c, kind in columns])
        if key == "scores":
            _score_matrix(wb.create_sheet("Score matrix"), doc)

    weighting = doc.get("weighting") or {}
    if weighting.get("matrix") is not None:
        ws = wb.create_sheet("Pairwise")
        keys = [c["key"] for c in doc.get("criteria") or []]
        _header(ws, ["criterion", *keys])
        for key, row in zip(keys, weighting["matrix"], strict=False):
            _put(ws, [key, *row])

    finance = doc.get("finance") or {}
    cases = finance.get("options") or {}
    years = max(
        (len(v) for case in cases.values() for v in _series(case).values()),
        default=0,
    )
    ws = wb.create_sheet("Finance")
    _header(ws, ["option", "series", *(f"year {t}" for t in range(years))], [18, 16])
    for key, case in cases.items():
        for series, values in _series(case).items():
            _put(ws, [key, series, *values])
    ws = wb.create_sheet("Partner shares")
    _header(ws, ["option", "authority", "share"], [18, 40, 10])
    for key, case in cases.items():
        for name, share in (case.get("partner_shares") or {}).items():
            _put(ws, [key, name, share])

    if results is not None:
        _results_sheets(wb, doc, results)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _series(case: Mapping[str, Any]) -> dict[str, list[Any]]:
    savings = case.get("savings") or {}
    return {
        "costs": list(case.get("costs") or []),
        **{f"savings.{s}": list(savings.get(s) or []) for s in SAVINGS_SERIES},
    }


def _score_matrix(ws: Any, doc: Mapping[str, Any]) -> None:
    """Each panel's scores as a grid, criteria down and options across (for reading)."""
    options = doc.get("options") or []
    cells = {
        (s.get("panel"), s.get("option"), s.get("criterion")): s.get("score")
        for s in doc.get("scores") or []
    }
    ws.column_dimensions["A"].width = 36
    for panel in doc.get("panels") or []:
        _put(ws, [f"Panel: {panel.get('name')}"])
        ws.cell(row=ws.max_row, column=1).font = _bold()
        _put(ws, ["Criterion", *(o.get("name") for o in options)])
        for c in doc.get("criteria") or []:
            _put(
                ws,
                [
                    c.get("name"),
                    *(cells.get((panel.get("key"), o.get("key"), c.get("key"))) for o in options),
                ],
            )
        _put(ws, [])


def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


def _results_sheets(wb: Any, doc: Mapping[str, Any], results: Mapping[str, Any]) -> None:
    names = {o["key"]: o["name"] for o in doc.get("options") or []}
    criteria = [c["key"] for c in doc.get("criteria") or []]
    ws = wb.create_sheet("Results")
    _header(
        ws,
        ["rank", "option", "name", "value", "complete", "vs_baseline", *criteria],
        [6, 18, 36, 10, 10, 12],
    )
    ordered = sorted(
        results.get("options") or [],
        key=lambda o: (o.get("rank") is None, o.get("rank") or 0),
    )
    for o in ordered:
        contributions = o.get("contributions") or {}
        _put(
            ws,
            [
                o.get("rank"),
                o.get("key"),
                names.get(o.get("key"), o.get("key")),
                o.get("value"),
                o.get("complete"),
                o.get("vs_baseline"),
                *(contributions.get(c) for c in criteria),
            ],
        )
    ws = wb.create_sheet("Switching")
    _header(
        ws,
        ["criterion", "weight", "lower weight", "lower new leader", "upper weight",
         "upper new leader"],
        [18, 10, 12, 18, 12, 18],
    )  # fmt: skip
    for s in results.get("switching") or []:
        lower, upper = s.get("lower") or {}, s.get("upper") or {}
        _put(
            ws,
            [
                s.get("criterion"),
                s.get("weight"),
                lower.get("weight"),
                lower.get("new_leader"),
                upper.get("weight"),
                upper.get("new_leader"),
            ],
        )
    ws = wb.create_sheet("Rank acceptability")
    ra = results.get("rank_acceptability") or {}
    shares = ra.get("options") or {}
    n = max((len(row) for row in shares.values()), default=0)
    _header(ws, ["option", "name", *(f"rank {r}" for r in range(1, n + 1))], [18, 36])
    for key, row in shares.items():
        _put(ws, [key, names.get(key, key), *row])
    if ra:
        _put(ws, [])
        _put(ws, ["samples", ra.get("samples")])
        _put(ws, ["seed", ra.get("seed")])


def _whole(value: Any) -> Any:
    """A whole float as an int (a workbook may store 3 as 3.0)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _read_value(value: Any, kind: str) -> Any:
    if kind == "lines":
        return [line.strip() for line in str(value).splitlines() if line.strip()] if value else []
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return value or None
    if kind == "bool":
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
            return value.strip().lower() in ("true", "yes")
        return False if value is None else value
    if kind == "number":
        if isinstance(value, str):
            try:
                return _number(float(value.strip()))
            except ValueError:
                return value  # left for validation to report
        return value
    if kind == "key-or-null":
        return value or None
    return "" if value is None else value


def _rows(
    wb: Any, cells: list[int], title: str, required: bool = True
) -> list[dict[str, Any]] | None:
    """A sheet's rows as {header: value}, blank rows skipped; None if the sheet is absent.

    `cells` is the one-item count of the cells the workbook may still have read: each cell
    costs openpyxl some microseconds, so the whole workbook is held to MAX_WORKBOOK_CELLS."""
    if title not in wb.sheetnames:
        if required:
            raise InvalidDocument([Problem(f"sheet {title}", "is missing from the workbook")])
        return None
    rows = []
    # Counted as they stream: a sheet need not declare its size (<dimension>), and one that
    # does may not tell the truth. Columns past the limit are never read.
    for row in wb[title].iter_rows(values_only=True, max_col=limits.MAX_SHEET_COLUMNS + 1):
        rows.append(row[: limits.MAX_SHEET_COLUMNS])
        used = len(row)  # rows come padded to max_col with None: count up to the last value
        while used and row[used - 1] is None:
            used -= 1
        cells[0] -= max(used, 1)
        if cells[0] < 0:
            raise InvalidDocument(
                [
                    Problem(
                        f"sheet {title}",
                        f"the workbook has more than {limits.MAX_WORKBOOK_CELLS:,} cells; "
                        f"the most allowed is {limits.MAX_WORKBOOK_CELLS:,}",
                    )
                ]
            )
        if len(row) > limits.MAX_SHEET_COLUMNS and row[-1] not in (None, ""):
            raise InvalidDocument(
                [
                    Problem(
                        f"sheet {title}",
                        f"has more than {limits.MAX_SHEET_COLUMNS} columns; "
                        f"the most allowed is {limits.MAX_SHEET_COLUMNS}",
                    )
                ]
            )
        if len(rows) > limits.MAX_SHEET_ROWS:
            raise InvalidDocument(
                [
                    Problem(
                        f"sheet {title}",
                        f"has more than {limits.MAX_SHEET_ROWS:,} rows; "
                        f"the most allowed is {limits.MAX_SHEET_ROWS:,}",
                    )
                ]
            )
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return [
        dict(zip(header, row, strict=False))
        for row in rows[1:]
        if any(v is not None and v != "" for v in row)
    ]


def xlsx_to_document(data: bytes) -> dict[str, Any]:
    """A document from a workbook written by `document_to_xlsx` (or filled in by hand).

    The result is not validated: pass it to `import_document`, which is. Raises
    `InvalidDocument` if the bytes are not a workbook, are too large (checked from the zip
    directory before anything is parsed: `reading.check_workbook`), a sheet is too large, or
    a required sheet is missing.
    """
    check_workbook(data)  # before openpyxl is even imported: a refusal costs microseconds
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a bad file
        raise InvalidDocument([Problem("", f"not an Excel workbook (.xlsx): {error}")]) from None
    try:
        return _read_workbook(wb)
    except InvalidDocument:
        raise
    except Exception as error:
        # The cells are parsed as they are read: a damaged sheet (a number of 5,000 digits,
        # broken XML) fails here, and is a refusal like any other, not a traceback.
        raise InvalidDocument(
            [Problem("", f"the workbook could not be read: {_short(error)}")]
        ) from None
    finally:
        wb.close()


def _short(error: Exception) -> str:
    text = printable(str(error) or type(error).__name__)
    return text if len(text) <= 200 else f"{text[:197]}…"


def _read_workbook(wb: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    cells = [limits.MAX_WORKBOOK_CELLS]
    fields = {row.get("field"): row.get("value") for row in _rows(wb, cells, "Appraisal") or []}
    for name, path, kind in _APPRAISAL_FIELDS:
        if name not in fields:
            continue
        target = doc
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = _read_value(fields[name], kind)
    if "savings_target" in doc and doc["savings_target"].get("amount") is None:
        doc["savings_target"] = None
    narrative = {
        str(row.get("section")): _read_value(row.get("text"), "text")
        for row in _rows(wb, cells, "Narrative", required=False) or []
    }
    doc.setdefault("report", {})["narrative"] = narrative
    if "report.exempt_to_partners" in fields:
        doc["report"]["exempt_to_partners"] = _read_value(
            fields["report.exempt_to_partners"], "bool"
        )
    exempt = _rows(wb, cells, "Exempt", required=False)
    if exempt:
        doc["report"]["exempt"] = [
            {
                c: _whole(_read_value(row.get(c), kind))
                for c, kind in _EXEMPT_COLUMNS
                if row.get(c) not in (None, "")
            }
            for row in exempt
        ]
    for title, key, columns in _LIST_SHEETS:
        required = key in ("criteria", "options")
        rows = _rows(wb, cells, title, required=required)
        if rows is None:
            continue
        doc[key] = [
            {c: _read_value(row.get(c), kind) for c, kind in columns if c in row} for row in rows
        ]
    pairwise = _rows(wb, cells, "Pairwise", required=False)
    if pairwise is not None:
        keys = [c.get("key") for c in doc.get("criteria", [])]
        doc.setdefault("weighting", {})["matrix"] = [
            [_read_value(row.get(k), "number") for k in keys] for row in pairwise
        ]
    cases: dict[str, Any] = {}
    for row in _rows(wb, cells, "Finance", required=False) or []:
        values = [v for k, v in row.items() if k.startswith("year ")]
        while values and values[-1] in (None, ""):
            values.pop()
        case = cases.setdefault(
            str(row.get("option")),
            {"costs": [], "savings": {s: [] for s in SAVINGS_SERIES}, "partner_shares": {}},
        )
        numbers = [_read_value(v, "number") for v in values]
        series = str(row.get("series"))
        if series == "costs":
            case["costs"] = numbers
        elif series.startswith("savings."):
            case["savings"][series.removeprefix("savings.")] = numbers
    for row in _rows(wb, cells, "Partner shares", required=False) or []:
        case = cases.setdefault(
            str(row.get("option")),
            {"costs": [], "savings": {s: [] for s in SAVINGS_SERIES}, "partner_shares": {}},
        )
        case["partner_shares"][str(row.get("authority"))] = _read_value(row.get("share"), "number")
    doc.setdefault("finance", {})["options"] = cases
    return doc


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading single quote (OWASP).

    Spreadsheets skip leading spaces and line breaks before they look for the "=", so
    " =HYPERLINK(…)" and "\n=cmd…" are formulas too: the test is on the text without them."""
    if isinstance(value, str) and (
        value.startswith(_FORMULA_STARTS) or value.lstrip().startswith(_FORMULA_STARTS)
    ):
        return "'" + value
    return value


def scores_csv(doc: Mapping[str, Any]) -> str:
    """The scores, one row per panel, option and criterion, with names beside the keys."""
    names = {
        what: {item.get("key"): item.get("name") for item in doc.get(what) or []}
        for what in ("panels", "options", "criteria")
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["panel", "panel name", "option", "option name", "criterion", "criterion name",
         "score", "reason"]
    )  # fmt: skip
    for s in doc.get("scores") or []:
        row = [
            s.get("panel"),
            names["panels"].get(s.get("panel")),
            s.get("option"),
            names["options"].get(s.get("option")),
            s.get("criterion"),
            names["criteria"].get(s.get("criterion")),
            s.get("score"),
            s.get("reason"),
        ]
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()
