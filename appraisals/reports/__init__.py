"""The committee report: a council paper built from the appraisal, rendered to PDF.

`build_report` turns an `results.Evaluation` (every computed figure) and the officer's
narrative (plain text, escaped on output) into numbered sections and appendices;
`render_html` puts them through one template with print CSS; `render_committee_report`
writes the PDF with WeasyPrint, tagged as PDF/UA-1, through a URL fetcher that serves only
our own static files. Nothing here computes a result: figures come from the engine through
`results.evaluate`, and are only formatted.

The package, by what each module holds:

- `__init__`: the names the rest of the project imports (`reports.render_html`, ...)
- `narrative`: the sections officers write (`NARRATIVE_SECTIONS`), `parse_narrative`
- `structure`: the report's dataclasses: `Report`, `Section`, `Para`, `Table`, `Figure`, ...
- `formatting`: small helpers for dates, values, plurals, columns and panel names
- `build`: `build_report`, `preview_section`, and `_Builder`, which joins the two below
- `base`: `_BuilderBase`, the evaluation and options every section and appendix reads
- `sections`: the numbered sections of the paper, one method each
- `appendices`: appendices A to E, one method each
- `rendering`: `render_html`, `render_committee_report`, the template and stylesheets
- `previous`: the version a new report follows (`previous_version`), for its appendix
  "Changes since version N"
- `signoff`: the statutory officers' agreement of the financial and legal implications
- `cache`: the draft cache key (`document_hash`, `content_hash`, the renderer fingerprint),
  the draft as a web page cached by content (`draft_page`)
  and what a report prints besides the document (`report_extras`)
- `word`: the same report as a Word document (`write_docx`, `render_word`)
- `checks`: before issuing (`report_problems`, `issue_problems`, `unwritten_sections`, ...)
"""

from .build import build_report, preview_section
from .cache import (
    content_hash,
    document_hash,
    draft_inputs,
    draft_page,
    evaluation_hash,
    report_extras,
)
from .checks import (
    Problem,
    issue_problems,
    issue_warnings,
    iter_section_titles,
    late_notice,
    report_problems,
    sign_off_problems,
    unwritten_sections,
)
from .formatting import _columns_of as _columns_of  # tested directly
from .narrative import (
    NARRATIVE_KEYS,
    NARRATIVE_SECTIONS,
    NOT_WRITTEN,
    ONE_PER_LINE,
    NarrativeSection,
    Part,
    parse_narrative,
)
from .previous import PreviousVersion, previous_version
from .rendering import (
    DRAFT_STYLESHEET,
    RENDERER_VERSION,
    STYLESHEETS,
    TEMPLATE,
    render_committee_report,
    render_html,
    write_pdf,
)
from .sections import SAID_IN_BODY, recommendation_paragraphs
from .structure import (
    Cell,
    Column,
    Figure,
    HeaderRow,
    Para,
    Report,
    Row,
    Section,
    Subheading,
    Table,
    WarningText,
)

# `word` (python-docx and lxml, ~0.7 s to import) loads when a Word document is first asked
# for, not when the app starts: `reports` is imported by `tasks` in `AppConfig.ready()`.
_WORD_NAMES = frozenset({"render_word", "write_docx"})

# The public names of the single module this package replaced, so that
# `from appraisals.reports import X` and `reports.X` work as before.
__all__ = [
    "DRAFT_STYLESHEET",
    "NARRATIVE_KEYS",
    "NARRATIVE_SECTIONS",
    "NOT_WRITTEN",
    "ONE_PER_LINE",
    "RENDERER_VERSION",
    "SAID_IN_BODY",
    "STYLESHEETS",
    "TEMPLATE",
    "Cell",
    "Column",
    "Figure",
    "HeaderRow",
    "NarrativeSection",
    "PreviousVersion",
    "Para",
    "Part",
    "Problem",
    "Report",
    "Row",
    "Section",
    "Subheading",
    "Table",
    "WarningText",
    "build_report",
    "content_hash",
    "document_hash",
    "draft_inputs",
    "draft_page",
    "evaluation_hash",
    "issue_problems",
    "issue_warnings",
    "iter_section_titles",
    "late_notice",
    "parse_narrative",
    "preview_section",
    "previous_version",
    "recommendation_paragraphs",
    "render_committee_report",
    "render_html",
    "report_extras",
    "report_problems",
    "sign_off_problems",
    "unwritten_sections",
    "write_docx",
    "write_pdf",
    "render_word",
]


def __getattr__(name: str):
    if name == "word" or name in _WORD_NAMES:
        import importlib

        word = importlib.import_module(f"{__name__}.word")  # not `from .`: that recurses here
        return word if name == "word" else getattr(word, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
