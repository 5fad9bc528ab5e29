"""The appraisal interchange document (format ``councilopts.appraisal/1``): JSON and XLSX in
and out.

The format is defined in format.md beside this file (the core) and below (optional keys).
This package writes it (`export_document`), checks it (`validate_document`, every rule,
every problem located by its path) and reads it (`import_document`, all or nothing).
`document_to_xlsx` / `xlsx_to_document` carry the same content as a workbook, one sheet per
list; `scores_csv` is the score list for spreadsheets.

Optional keys (part of format /1, additive: a reader that does not know them ignores them,
and a document without them is read with the defaults shown). They hold what an appraisal
has beyond the core of the format::

    "status": "draft",                  # draft | scoring | review | issued
    "archived": false,
    "illustrative": false,              # scores or figures are illustrative
    "summary": "",                      # what is appraised and why
    "objectives": [],                   # one string per objective
    "savings_target": null,             # or {"amount": 3000000, "year": 4}: pounds a year,
                                        # reached by year index `year` (0 = this year)
    "criteria[].group" / ".guidance" / ".description": "",
    "weighting": {"method": "swing"},   # besides direct and pairwise: weights are swing points
    "options[].partners": [], ".baseline": false, ".recommended": false,
    "options[].status": "shortlisted",
    "options[].rejection_reason": "", ".description": "",
    "panels[].scored_when": "",         # when the panel scored ("September 2011")
    "scores[].reason": "",
    "risks[].option": null, ".consequences" / ".controls" / ".owner": "",
    "risks[].residual_likelihood" / ".residual_impact": the likelihood and impact,
    "report": {"author": "", "report_of": "",   # "Report of": the director or portfolio holder
               "portfolio_holder": "",
               "uses_portfolio_holders": true,   # false: a committee-system council
               "contact_name": "", "contact_job_title": "",   # the contact officer
               "contact_telephone": "", "contact_email": "",
               "officers_consulted": "", "wards_affected": "All",
               "ward_members_consulted": "",
               "papers_inspection": "",  # where the background papers can be inspected
               "key_decision": false,
               "forward_plan_reference": "",   # a key decision's, e.g. "FP/2026/014"
               "status": "open",        # open | exempt (then exempt_paragraph is required)
               "exempt_paragraph": "", "purpose": "decision",   # decision | information
               "narrative": {},         # report section key -> text
               # Parts exempt under Schedule 12A (appraisals/exempt.py), written only when
               # there are any: {"part": "finance", "option": KEY} | {"part": "risk",
               # "risk": its place in `risks`, from 0} | {"part": "section", "section": KEY},
               # each with "paragraph" (1-7) and "reason" (the public-interest reason).
               "exempt": [],
               "exempt_to_partners": false}   # partners may read them (written when true)

Required keys: ``format``, ``reference``, ``title``, ``lead_authority``, ``scale``,
``criteria``, ``options``; and in each list item its ``key`` and ``name`` (criteria, options,
panels), an option's ``delivery_model``, a criterion's ``weight`` (unless the weighting is
pairwise), a score's ``panel``, ``option``, ``criterion`` and ``score``, a risk's ``risk``,
``likelihood`` and ``impact``. In ``finance.options``, an empty array counts as absent (costs
fall back to zeros, low and high savings to the central ones).

Canonical form: the document `export_document` writes. Every key above is present; lists
follow the appraisal's order (criteria, options, panels, risks as entered; scores by panel,
option, criterion); lists of names with no order of their own (``partners``, ``services``,
``options[].partners``) are sorted by name; numbers that are whole are written as integers.
For a document in canonical form, ``export_document(import_document(document=doc)) == doc``.
(Key order within an object does not matter; list order does.)

Modules: `reading` (a file's bytes into a document, bounded), `export` (document from the
database), `validation` (the rules), `importing` (document into the database), `workbook`
(XLSX and CSV), `after_decision` and `issued` (the optional sections after the decision,
and the issued versions a full backup carries: format.md). Import from the package. The
limits are in `appraisals/limits.py`.
"""

from .export import FORMAT, SAVINGS_SERIES, export_document, export_with_appraisal
from .importing import ImportReport, guess_kind, import_document
from .reading import read_file, read_json
from .validation import AppraisalExists, InvalidDocument, Problem, validate_document
from .workbook import (
    csv_safe,
    document_to_xlsx,
    scores_csv,
    too_long_for_a_workbook,
    xlsx_to_document,
)

__all__ = [
    "FORMAT",
    "SAVINGS_SERIES",
    "AppraisalExists",
    "ImportReport",
    "InvalidDocument",
    "Problem",
    "csv_safe",
    "document_to_xlsx",
    "too_long_for_a_workbook",
    "export_document",
    "export_with_appraisal",
    "guess_kind",
    "import_document",
    "read_file",
    "read_json",
    "scores_csv",
    "validate_document",
    "xlsx_to_document",
]
