"""Every rule of the format, every problem located by its path."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .. import limits
from ..bodies import normalised_name
from ..models import Appraisal, DeliveryModel, Option, Panel
from .export import FORMAT, SAVINGS_SERIES, _number

WEIGHTING_METHODS = ("direct", "swing", "pairwise")
STATUSES = tuple(Appraisal.Status.values)
OPTION_STATUSES = tuple(Option.Status.values)
REPORT_STATUSES = tuple(Appraisal.ReportStatus.values)
REPORT_PURPOSES = tuple(Appraisal.ReportPurpose.values)
RECIPROCAL_TOLERANCE = 1e-6  # m[j][i] = 1 / m[i][j] within this (interchange.md)
SHARE_TOLERANCE = 1e-6  # partner shares sum to 1 within this
# Matched with fullmatch: "$" would also match before a trailing newline, and "hello\n" would
# pass as a key, then break every URL reversed from it.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a document, located by its path (``scores[12].score``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidDocument(Exception):
    """The document was refused whole; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AppraisalExists(InvalidDocument):
    """An appraisal with the document's reference exists and replacing it was not asked for."""


def printable(text: str) -> str:
    """Text safe to print in a message: control characters (a NUL, a line break) and lone
    surrogates, which no terminal or database can take, written as escapes ("\\u0000")."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


def _show(x: Any) -> str:
    """A value as it reads in a message: numbers without a needless .0, text quoted."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int) and abs(x) > limits.MAX_NUMBER:
        if x.bit_length() < 10_000:
            return f"a number of {len(str(abs(x))):,} digits"
        # str() of an int refuses more than 4,300 digits: count them from the bits instead.
        return f"a number of about {int(x.bit_length() * math.log10(2)):,} digits"
    if isinstance(x, float) and not math.isfinite(x):
        return "a number too large to hold" if math.isinf(x) else "not a number (NaN)"
    if isinstance(x, float):
        return f"{_number(x)}" if x.is_integer() else f"{x:g}"
    if isinstance(x, str):
        return printable(f'"{x}"' if len(x) <= 60 else f'"{x[:57]}…"')
    if x is None:
        return "null"
    if isinstance(x, list):
        return "a list"
    if isinstance(x, dict):
        return "an object"
    return str(x)


def _is_numeric(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _in_range(x: int | float) -> bool:
    # Checked on the int itself: math.isfinite(10**400) raises OverflowError.
    if isinstance(x, int):
        return abs(x) <= limits.MAX_NUMBER
    return math.isfinite(x) and abs(x) <= limits.MAX_NUMBER


def _is_number(x: Any) -> bool:
    return _is_numeric(x) and _in_range(x)


_NUMBER_RANGE = f"from -{limits.MAX_NUMBER:,} to {limits.MAX_NUMBER:,}"


def _not_a_number(x: Any) -> str:
    """What is wrong with `x` as a number, for a value that is not `_is_number`."""
    if _is_numeric(x):
        return f"must be a number {_NUMBER_RANGE}, not {_show(x)}"
    return f"must be a number, not {_show(x)}"


def _is_whole(x: Any) -> bool:
    return _is_number(x) and float(x).is_integer()


_TYPE_WORDS = {
    "text": "text",
    "number": "a number",
    "bool": "true or false",
    "list": "a list",
    "object": "an object",
    "key": "a key (letters, digits, hyphens and underscores)",
}


def _max_length(model: type, name: str) -> int | None:
    return model._meta.get_field(name).max_length


def _too_long(text: str, most: int) -> str:
    return f"is {len(text):,} characters long; the most allowed is {most:,}"


_MOST_ITEMS = {
    "criteria": limits.MAX_CRITERIA,
    "options": limits.MAX_OPTIONS,
    "panels": limits.MAX_PANELS,
    "scores": limits.MAX_SCORES,
    "risks": limits.MAX_RISKS,
}


def _key_in_path(key: Any) -> str:
    """A dictionary key as part of a path: long keys shortened, so messages stay short."""
    text = str(key)
    return text if len(text) <= 60 else f"{text[:57]}…"


def _check_every_value(c: _Checker, doc: Any) -> None:
    """Every string (keys too) free of NUL characters, which PostgreSQL cannot store, and of
    lone surrogates ("\\ud800"), which no UTF-8 can; nothing nested deeper than
    MAX_JSON_DEPTH. A loop over a stack, not recursion, so any depth is safe to walk."""
    stack: list[tuple[str, Any, int]] = [("", doc, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(c, path, value, "")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= limits.MAX_JSON_DEPTH:
            c.add(path, f"is nested more than {limits.MAX_JSON_DEPTH} deep")
            continue
        if isinstance(value, list):
            children = [(f"{path}[{i}]", item) for i, item in enumerate(value)]
        else:
            children = []
            for key, item in value.items():
                here = f"{path}.{_key_in_path(key)}" if path else _key_in_path(key)
                if isinstance(key, str):
                    _check_text(c, here, key, "its key ")
                children.append((here, item))
        stack.extend((here, item, depth + 1) for here, item in reversed(children))


def _check_text(c: _Checker, path: str, text: str, what: str) -> None:
    if "\x00" in text:
        c.add(path, f"{what}must not contain a NUL character")
    if not text.isprintable() and any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        c.add(path, f"{what}must not contain half a character (a lone surrogate, \\ud800–\\udfff)")


class _Checker:
    """Collects every problem of a document, each with its path."""

    def __init__(self, delivery_models: set[str]) -> None:
        self.problems: list[Problem] = []
        self.delivery_models = delivery_models

    def type_ok(self, value: Any, kind: str, path: str) -> bool:
        ok = {
            "text": isinstance(value, str),
            "number": _is_number(value),
            "bool": isinstance(value, bool),
            "list": isinstance(value, list),
            "object": isinstance(value, dict),
            "key": isinstance(value, str) and bool(_SLUG.fullmatch(value)),
        }[kind]
        if not ok and kind == "number":
            self.add(path, _not_a_number(value))
        elif not ok:
            self.add(path, f"must be {_TYPE_WORDS[kind]}, not {_show(value)}")
        return ok

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(printable(path), printable(message)))

    def count_ok(self, values: list, most: int, what: str, path: str) -> bool:
        """False (with a problem) if a list holds more than `most` items."""
        if len(values) <= most:
            return True
        self.add(path, f"has {len(values):,} {what}; the most allowed is {most:,}")
        return False

    def field(
        self,
        obj: Mapping[str, Any],
        key: str,
        kind: str,
        path: str,
        *,
        required: bool = False,
        nullable: bool = False,
        max_length: int | None = None,
    ) -> Any:
        """The value if present and of the right kind, else None (with a problem noted)."""
        where = f"{path}.{key}" if path else key
        if key not in obj:
            if required:
                self.add(where, "is missing")
            return None
        value = obj[key]
        if value is None and nullable:
            return None
        if not self.type_ok(value, kind, where):
            return None
        if kind == "text" and max_length is None:
            max_length = limits.MAX_TEXT
        if max_length is not None and len(value) > max_length:
            self.add(where, _too_long(value, max_length))
            return None
        return value

    def names(self, obj: Mapping[str, Any], key: str, path: str) -> list[str]:
        """A list of authority or service names: text, each named once."""
        where = f"{path}.{key}" if path else key
        values = self.field(obj, key, "list", path) or []
        if not self.count_ok(values, limits.MAX_NAMES, "names", where):
            return []
        seen: dict[str, int] = {}
        result = []
        for i, name in enumerate(values):
            here = f"{where}[{i}]"
            if not self.type_ok(name, "text", here):
                continue
            if not name.strip():
                self.add(here, "must not be empty")
            elif len(name) > limits.MAX_NAME:
                self.add(here, _too_long(name, limits.MAX_NAME))
            elif name in seen:
                self.add(here, f"{_show(name)} is named already at {where}[{seen[name]}]")
            else:
                seen[name] = i
                result.append(name)
        return result

    def items(self, doc: Mapping[str, Any], key: str, *, required: bool) -> list[tuple[str, dict]]:
        """(path, item) for each item of a list of objects."""
        values = self.field(doc, key, "list", "", required=required) or []
        if not self.count_ok(values, _MOST_ITEMS[key], key, key):
            return []
        result = []
        for i, item in enumerate(values):
            if self.type_ok(item, "object", f"{key}[{i}]"):
                result.append((f"{key}[{i}]", item))
        return result

    def keyed(self, doc: Mapping[str, Any], key: str, *, required: bool) -> dict:
        """A list of items with unique keys and names: {key: (path, item)}."""
        result: dict[str, tuple[str, dict]] = {}
        for path, item in self.items(doc, key, required=required):
            k = self.field(item, "key", "key", path, required=True, max_length=limits.MAX_KEY)
            self.field(item, "name", "text", path, required=True, max_length=limits.MAX_NAME)
            if k is None:
                continue
            if k in result:
                self.add(f"{path}.key", f"{_show(k)} is used already by {result[k][0]}")
            else:
                result[k] = (path, item)
        return result

    def reference(self, value: Any, known: Mapping[str, Any], what: str, path: str) -> None:
        if isinstance(value, str) and value not in known:
            self.add(path, f"no {what} has the key {_show(value)}")


def validate_document(doc: Any, *, delivery_models: Iterable[str] | None = None) -> list[Problem]:
    """Every problem with an interchange document (empty if it is good), in document order.

    `delivery_models` is the catalogue's keys; by default read from the database.
    """
    if delivery_models is None:
        delivery_models = DeliveryModel.objects.values_list("key", flat=True)
    c = _Checker(set(delivery_models))
    if not isinstance(doc, dict):
        return [Problem("", f"a document must be a JSON object, not {_show(doc)}")]
    _check_every_value(c, doc)
    if c.problems:
        # The rules below assume text that can be stored and structures they can walk.
        return c.problems
    if doc.get("format") != FORMAT:
        if "format" not in doc:
            c.add("format", f'is missing (it must be "{FORMAT}")')
        else:
            c.add("format", f'must be "{FORMAT}", not {_show(doc["format"])}')
    _check_scope(c, doc)
    scale = _check_scale(c, doc)
    criteria = c.keyed(doc, "criteria", required=True)
    _check_weighting(c, doc, criteria)
    options = _check_options(c, doc)
    panels = c.keyed(doc, "panels", required=False)
    for path, panel in panels.values():
        c.field(panel, "scored_when", "text", path, max_length=_max_length(Panel, "scored_when"))
    _check_scores(c, doc, scale, options, criteria, panels)
    _check_risks(c, doc, options)
    _check_finance(c, doc, options)
    _check_report(c, doc)
    from . import after_decision, issued

    after_decision.check_section(c, doc, options)
    issued.check_section(c, doc)
    return c.problems


def _check_scope(c: _Checker, doc: Mapping[str, Any]) -> None:
    c.field(
        doc, "reference", "key", "", required=True, max_length=_max_length(Appraisal, "reference")
    )
    c.field(doc, "title", "text", "", required=True, max_length=_max_length(Appraisal, "title"))
    lead = c.field(doc, "lead_authority", "text", "", required=True, max_length=200)
    if lead is not None and not lead.strip():
        c.add("lead_authority", "must not be empty")
    c.names(doc, "partners", "")
    c.names(doc, "services", "")
    status = c.field(doc, "status", "text", "")
    if status is not None and status not in STATUSES:
        c.add("status", f"must be one of {', '.join(STATUSES)}, not {_show(status)}")
    c.field(doc, "archived", "bool", "")
    c.field(doc, "illustrative", "bool", "")
    c.field(doc, "summary", "text", "")
    objectives = c.field(doc, "objectives", "list", "") or []
    if c.count_ok(objectives, limits.MAX_NAMES, "objectives", "objectives"):
        texts = [o for i, o in enumerate(objectives) if c.type_ok(o, "text", f"objectives[{i}]")]
        # Stored one a line in one field, which the scope form holds to MAX_TEXT.
        joined = "\n".join(o.strip() for o in texts if o.strip())
        if len(joined) > limits.MAX_TEXT:
            c.add("objectives", f"together {_too_long(joined, limits.MAX_TEXT)}")
    target = c.field(doc, "savings_target", "object", "", nullable=True)
    if target is not None:
        amount = c.field(target, "amount", "number", "savings_target", required=True)
        if amount is not None and amount < 0:
            c.add("savings_target.amount", f"must not be negative ({_show(amount)})")
        year = c.field(target, "year", "number", "savings_target", nullable=True)
        if year is not None and not (_is_whole(year) and 0 <= year <= 100):
            c.add(
                "savings_target.year", f"must be a whole number of years from 0, not {_show(year)}"
            )
    committee = c.field(doc, "committee", "object", "")
    if committee is not None:
        c.field(committee, "name", "text", "committee", max_length=200)
        c.field(committee, "agenda_item", "text", "committee", max_length=20)
        date = c.field(committee, "meeting_date", "text", "committee", nullable=True)
        if date is not None:
            try:
                dt.date.fromisoformat(date)
                iso = bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", date))
            except ValueError:
                iso = False
            if not iso:
                c.add("committee.meeting_date", f"{_show(date)} is not an ISO date (YYYY-MM-DD)")


def _check_scale(c: _Checker, doc: Mapping[str, Any]) -> tuple[float, float] | None:
    scale = c.field(doc, "scale", "object", "", required=True)
    if scale is None:
        return None
    low = c.field(scale, "min", "number", "scale", required=True)
    high = c.field(scale, "max", "number", "scale", required=True)
    if low is None or high is None:
        return None
    if not low < high:
        c.add("scale", f"the minimum {_show(low)} must be below the maximum {_show(high)}")
        return None
    return low, high


def _check_weighting(c: _Checker, doc: Mapping[str, Any], criteria: dict) -> str:
    weighting = c.field(doc, "weighting", "object", "") or {}
    method = c.field(weighting, "method", "text", "weighting") or "direct"
    if method not in WEIGHTING_METHODS:
        c.add(
            "weighting.method",
            f"must be one of {', '.join(WEIGHTING_METHODS)}, not {_show(method)}",
        )
    weights = []
    for path, item in criteria.values():
        c.field(item, "group", "text", path, max_length=100)
        c.field(item, "guidance", "text", path)
        c.field(item, "description", "text", path)
        weight = c.field(item, "weight", "number", path, required=method != "pairwise")
        if weight is not None and weight < 0:
            c.add(f"{path}.weight", f"must not be negative ({_show(weight)})")
        elif weight is not None:
            weights.append(weight)
    if method != "pairwise" and weights and not any(w > 0 for w in weights):
        c.add("criteria", "at least one criterion's weight must be above 0")
    if method == "pairwise":
        criteria_list = doc.get("criteria")
        n = len(criteria_list) if isinstance(criteria_list, list) else 0
        if n <= limits.MAX_CRITERIA:  # beyond, the criteria are refused already
            _check_matrix(c, weighting, n)
    return method


def _check_matrix(c: _Checker, weighting: Mapping[str, Any], n: int) -> None:
    matrix = c.field(weighting, "matrix", "list", "weighting", required=True)
    if matrix is None:
        return
    if len(matrix) != n:
        c.add("weighting.matrix", f"must have {n} rows, one per criterion, not {len(matrix)}")
        return
    rows: list[list[float] | None] = []
    for i, row in enumerate(matrix):
        path = f"weighting.matrix[{i}]"
        if not c.type_ok(row, "list", path):
            rows.append(None)
            continue
        if len(row) != n:
            c.add(path, f"must have {n} entries, one per criterion, not {len(row)}")
            rows.append(None)
            continue
        good = True
        for j, x in enumerate(row):
            if not _is_number(x) or x <= 0:
                c.add(f"{path}[{j}]", f"must be a positive number, not {_show(x)}")
                good = False
            elif i == j and abs(x - 1) > RECIPROCAL_TOLERANCE:
                c.add(f"{path}[{j}]", f"must be 1 on the diagonal, not {_show(x)}")
        rows.append(row if good else None)
    for i in range(n):
        for j in range(i):
            a, b = rows[i], rows[j]
            if a is None or b is None:
                continue
            if abs(a[j] - 1 / b[i]) > RECIPROCAL_TOLERANCE:
                c.add(
                    f"weighting.matrix[{i}][{j}]",
                    f"must be the reciprocal of weighting.matrix[{j}][{i}] "
                    f"(1/{_show(b[i])} = {1 / b[i]:.6g}), not {_show(a[j])}",
                )


def _check_options(c: _Checker, doc: Mapping[str, Any]) -> dict:
    options = c.keyed(doc, "options", required=True)
    baseline = recommended = None
    for path, item in options.values():
        model = c.field(item, "delivery_model", "text", path, required=True)
        if model is not None and model not in c.delivery_models:
            c.add(
                f"{path}.delivery_model", f"{_show(model)} is not in the delivery-model catalogue"
            )
        c.names(item, "partners", path)
        if c.field(item, "baseline", "bool", path):
            if baseline is not None:
                c.add(f"{path}.baseline", f"only one option may be the baseline ({baseline} is)")
            else:
                baseline = path
        status = c.field(item, "status", "text", path)
        if c.field(item, "recommended", "bool", path):
            if recommended is not None:
                c.add(
                    f"{path}.recommended",
                    f"only one option may be recommended ({recommended} is)",
                )
            elif status == "rejected":
                c.add(f"{path}.recommended", "a rejected option cannot be recommended")
            else:
                recommended = path
        if status is not None and status not in OPTION_STATUSES:
            c.add(
                f"{path}.status",
                f"must be one of {', '.join(OPTION_STATUSES)}, not {_show(status)}",
            )
        reason = c.field(item, "rejection_reason", "text", path)
        if status == "rejected" and not (reason or "").strip():
            c.add(f"{path}.rejection_reason", "a rejected option needs the reason it was rejected")
        c.field(item, "description", "text", path)
    return options


def _check_scores(
    c: _Checker,
    doc: Mapping[str, Any],
    scale: tuple[float, float] | None,
    options: dict,
    criteria: dict,
    panels: dict,
) -> None:
    cells: dict[tuple[str, str, str], str] = {}
    for path, item in c.items(doc, "scores", required=False):
        cell = []
        for what, known in (("panel", panels), ("option", options), ("criterion", criteria)):
            value = c.field(item, what, "text", path, required=True)
            c.reference(value, known, what, f"{path}.{what}")
            cell.append(value)
        score = c.field(item, "score", "number", path, required=True)
        if score is not None and scale is not None:
            if score > scale[1]:
                c.add(
                    f"{path}.score", f"{_show(score)} is above the scale maximum {_show(scale[1])}"
                )
            elif score < scale[0]:
                c.add(
                    f"{path}.score", f"{_show(score)} is below the scale minimum {_show(scale[0])}"
                )
        c.field(item, "reason", "text", path)
        if None not in cell:
            key = (cell[0], cell[1], cell[2])
            if key in cells:
                c.add(
                    path,
                    f"panel {_show(key[0])} has scored option {_show(key[1])} on criterion "
                    f"{_show(key[2])} already, at {cells[key]}",
                )
            else:
                cells[key] = path


# A download for someone who may not read exempt information (`exempt.open_document`) leaves
# out an exempt risk's ratings and an exempt financial case: such a file cannot be imported
# (nothing is made up in their place), and the problem says why, where the gap is.
ASK_THE_LEAD = "ask the lead council's officers for a copy they downloaded"


def _exempt_risks(doc: Mapping[str, Any]) -> list[Any]:
    """The risks `report.exempt` marks (the marks themselves are checked in `_check_exempt`)."""
    report, risks = doc.get("report"), doc.get("risks")
    parts = report.get("exempt") if isinstance(report, dict) else None
    if not isinstance(parts, list) or not isinstance(risks, list):
        return []
    places = {
        p["risk"]
        for p in parts
        if isinstance(p, dict) and p.get("part") == "risk" and isinstance(p.get("risk"), int)
    }
    return [r for n, r in enumerate(risks) if n in places]


def _check_risks(c: _Checker, doc: Mapping[str, Any], options: dict) -> None:
    exempt = _exempt_risks(doc)
    for path, item in c.items(doc, "risks", required=False):
        option = c.field(item, "option", "text", path, nullable=True)
        c.reference(option, options, "option", f"{path}.option")
        c.field(item, "risk", "text", path, required=True)
        for key in ("consequences", "controls"):
            c.field(item, key, "text", path)
        c.field(item, "owner", "text", path, max_length=200)
        withheld = item.get("likelihood") is None and item.get("impact") is None
        if withheld and any(r is item for r in exempt):
            c.add(
                path,
                "this risk is exempt, and its likelihood and impact were withheld from the "
                f"council that downloaded the file, so the file cannot be imported: {ASK_THE_LEAD}",
            )
            continue  # said once, not as four missing numbers
        for key in ("likelihood", "impact", "residual_likelihood", "residual_impact"):
            required = not key.startswith("residual_")
            value = c.field(item, key, "number", path, required=required)
            if value is not None and not (_is_whole(value) and 1 <= value <= 5):
                c.add(f"{path}.{key}", f"must be a whole number from 1 to 5, not {_show(value)}")


def _check_finance(c: _Checker, doc: Mapping[str, Any], options: dict) -> None:
    section = c.field(doc, "finance", "object", "")
    if section is None:
        return
    rate = c.field(section, "discount_rate", "number", "finance")
    if rate is not None and not 0 <= rate < 1:
        c.add("finance.discount_rate", f"must be from 0 up to (not including) 1, not {_show(rate)}")
    bias = c.field(section, "optimism_bias", "number", "finance")
    if bias is not None and bias < 0:
        c.add("finance.optimism_bias", f"must not be negative ({_show(bias)})")
    cases = c.field(section, "options", "object", "finance") or {}
    if not c.count_ok(list(cases), limits.MAX_OPTIONS, "financial cases", "finance.options"):
        return
    for key, case in cases.items():
        path = f"finance.options.{_key_in_path(key)}"
        if key not in options:
            c.add(path, f"no option has the key {_show(key)}")
        if not c.type_ok(case, "object", path):
            continue
        arrays: dict[str, int] = {}
        costs = c.field(case, "costs", "list", path)
        if costs is not None:
            _check_flows(c, costs, f"{path}.costs", arrays)
        savings = c.field(case, "savings", "object", path) or {}
        for series, values in savings.items():
            where = f"{path}.savings.{_key_in_path(series)}"
            if series not in SAVINGS_SERIES:
                c.add(where, f"is not a savings series (use {', '.join(SAVINGS_SERIES)})")
            elif c.type_ok(values, "list", where):
                _check_flows(c, values, where, arrays)
        if len(set(arrays.values())) > 1:
            lengths = ", ".join(f"{name} {n}" for name, n in arrays.items())
            c.add(path, f"all arrays must have the same number of years, not {lengths}")
        shares = c.field(case, "partner_shares", "object", path) or {}
        if not c.count_ok(list(shares), limits.MAX_NAMES, "shares", f"{path}.partner_shares"):
            continue
        total, good = 0.0, True
        for name, share in shares.items():
            where = f"{path}.partner_shares.{_key_in_path(name)}"
            if not isinstance(name, str) or not name.strip() or len(name) > limits.MAX_NAME:
                c.add(where, f"must name an authority (1 to {limits.MAX_NAME} characters)")
            if not _is_number(share) or not 0 <= share <= 1:
                c.add(where, f"must be a fraction from 0 to 1, not {_show(share)}")
                good = False
            else:
                total += share
        if shares and good and abs(total - 1) > SHARE_TOLERANCE:
            c.add(f"{path}.partner_shares", f"shares must add up to 1, not {total:.6g}")
        # The figures to the lead council are its share (interchange.md, basis of
        # comparison): shares that leave it out say nothing of what it gains.
        lead = doc.get("lead_authority")
        # (Names are matched as the import matches them: "Lead Council" is the lead.)
        if (
            shares
            and isinstance(lead, str)
            and lead.strip()
            and normalised_name(lead) not in {normalised_name(str(n)) for n in shares}
        ):
            c.add(
                f"{path}.partner_shares",
                f"must include the lead council, {_show(lead)}, with its share",
            )


def _check_flows(c: _Checker, values: list, path: str, arrays: dict[str, int]) -> None:
    if len(values) > limits.MAX_YEARS:
        c.add(path, f"has {len(values):,} years; the most allowed is {limits.MAX_YEARS}")
        return
    for i, x in enumerate(values):
        if not _is_number(x):
            c.add(f"{path}[{i}]", _not_a_number(x))
    if values:  # an empty array counts as absent
        arrays[path.rsplit(".", 1)[-1]] = len(values)


def _check_report(c: _Checker, doc: Mapping[str, Any]) -> None:
    report = c.field(doc, "report", "object", "")
    if report is None:
        return
    texts = {}
    for key, model_field in (
        ("author", "report_author"),
        ("report_of", "report_of"),
        ("portfolio_holder", "portfolio_holder"),
        ("wards_affected", "wards_affected"),
        ("exempt_paragraph", "exempt_paragraph"),
        ("contact_name", "contact_name"),
        ("contact_job_title", "contact_job_title"),
        ("contact_telephone", "contact_telephone"),
        ("contact_email", "contact_email"),
        ("ward_members_consulted", "ward_members_consulted"),
        ("papers_inspection", "papers_inspection"),
        ("forward_plan_reference", "forward_plan_reference"),
    ):
        max_length = _max_length(Appraisal, model_field)
        texts[key] = c.field(report, key, "text", "report", max_length=max_length)
    email = texts["contact_email"]
    if email and not _is_email(email):
        c.add("report.contact_email", f"must be an e-mail address, not {_show(email)}")
    c.field(
        report, "officers_consulted", "text", "report", max_length=limits.MAX_OFFICERS_CONSULTED
    )
    c.field(report, "key_decision", "bool", "report")
    c.field(report, "uses_portfolio_holders", "bool", "report")
    status = c.field(report, "status", "text", "report")
    if status is not None and status not in REPORT_STATUSES:
        c.add("report.status", f"must be one of {', '.join(REPORT_STATUSES)}, not {_show(status)}")
    if status == "exempt" and not (texts["exempt_paragraph"] or "").strip():
        c.add("report.exempt_paragraph", "an exempt report needs its Schedule 12A paragraph")
    purpose = c.field(report, "purpose", "text", "report")
    if purpose is not None and purpose not in REPORT_PURPOSES:
        c.add(
            "report.purpose", f"must be one of {', '.join(REPORT_PURPOSES)}, not {_show(purpose)}"
        )
    c.field(report, "exempt_to_partners", "bool", "report")
    narrative = c.field(report, "narrative", "object", "report") or {}
    _check_exempt(c, doc, report)
    if not c.count_ok(
        list(narrative), limits.MAX_NARRATIVE_SECTIONS, "sections", "report.narrative"
    ):
        return
    for key, text in narrative.items():
        path = f"report.narrative.{_key_in_path(key)}"
        if len(key) > limits.MAX_KEY:
            c.add(path, f"its key {_too_long(key, limits.MAX_KEY)}")
        if c.type_ok(text, "text", path) and len(text) > limits.MAX_NARRATIVE:
            c.add(path, _too_long(text, limits.MAX_NARRATIVE))


EXEMPT_TARGETS = {"finance": "option", "risk": "risk", "section": "section"}


def _check_exempt(c: _Checker, doc: Mapping[str, Any], report: Mapping[str, Any]) -> None:
    """`report.exempt`: the parts marked exempt under Schedule 12A, each once."""
    parts = c.field(report, "exempt", "list", "report")
    if not parts:
        return
    if not c.count_ok(parts, limits.MAX_RISKS + limits.MAX_OPTIONS + 50, "parts", "report.exempt"):
        return
    options = {o.get("key") for o in doc.get("options") or [] if isinstance(o, dict)}
    finance = (doc.get("finance") or {}).get("options") or {}
    risks = doc.get("risks") or []
    seen: set[tuple[str, Any]] = set()
    for i, part in enumerate(parts):
        path = f"report.exempt[{i}]"
        if not c.type_ok(part, "object", path):
            continue
        kind = c.field(part, "part", "text", path, required=True)
        if kind is None:
            continue
        if kind not in EXEMPT_TARGETS:
            c.add(f"{path}.part", f"must be one of finance, risk, section, not {_show(kind)}")
            continue
        name = EXEMPT_TARGETS[kind]
        target = part.get(name)
        where = f"{path}.{name}"
        if kind == "finance" and target not in options:
            c.add(where, f"must name an option, not {_show(target)}")
        elif kind == "finance" and target not in finance:
            c.add(
                where,
                f"{_show(target)} has no financial case in finance.options. A download for a "
                "council that may not see exempt information leaves an exempt case out, and "
                f"cannot be imported: {ASK_THE_LEAD}",
            )
        elif kind == "risk" and not (
            isinstance(target, int) and not isinstance(target, bool) and 0 <= target < len(risks)
        ):
            c.add(where, f"must be the place of a risk in risks (from 0), not {_show(target)}")
        elif kind == "section" and not (isinstance(target, str) and _SLUG.fullmatch(target)):
            c.add(where, f"must be a report section's key, not {_show(target)}")
        elif (kind, target) in seen:
            c.add(where, f"{_show(target)} is marked exempt more than once")
        seen.add((kind, target))
        paragraph = part.get("paragraph")
        if not (
            isinstance(paragraph, int) and not isinstance(paragraph, bool) and 1 <= paragraph <= 7
        ):
            c.add(
                f"{path}.paragraph",
                f"must be a Schedule 12A paragraph, 1 to 7, not {_show(paragraph)}",
            )
        reason = c.field(part, "reason", "text", path, required=True, max_length=limits.MAX_TEXT)
        if reason is not None and not reason.strip():
            c.add(f"{path}.reason", "must give the public-interest reason")


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True
