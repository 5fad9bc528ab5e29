"""The most the application accepts, in one place: the forms, the web import and
`import_appraisal` all hold input to these, so that hostile or mistaken input is refused with a
located message in bounded time and memory instead of being stored and breaking a page later.

Documented in appraisals/interchange/format.md ("Limits") and the README. Text fields that
have a database length (`max_length`) are held to it; these are for the rest.
"""

from __future__ import annotations

# Files
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # an uploaded JSON document or XLSX workbook
MAX_BACKUP_BYTES = 200 * 1024 * 1024  # a JSON file for import_appraisal: a whole backup
MAX_JSON_DEPTH = 20  # lists and objects inside each other; a document needs 7
# One file of an issued version in a full backup (its PDF, Word file, web page or exempt
# appendix; a published record of decision's PDF), decoded from base64. A version's PDF is
# some hundreds of KB to a few MB; web pages are counted in characters.
MAX_ISSUED_FILE_BYTES = 25 * 1024 * 1024
MAX_ISSUED_VERSIONS = 100  # issued versions of one report; published versions of one record

# A workbook is checked from its zip directory before any of it is parsed.
MAX_XLSX_MEMBERS = 200  # files inside the zip (an exported workbook has about 30)
MAX_XLSX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024  # all its files, unpacked
MAX_SHEET_ROWS = 20_001  # a header row and 20,000 scores
MAX_SHEET_COLUMNS = 200  # the Finance sheet needs 62, the Pairwise sheet one per criterion
# Cells read in all, counted as they stream: openpyxl takes 5-40 µs a cell, so this bounds the
# time (a few seconds at worst on a busy machine). 20,000 scores are 100,000.
MAX_WORKBOOK_CELLS = 150_000

# Text (characters)
MAX_TEXT = 5_000  # descriptions, reasons, guidance, risks, questions and answers
MAX_NARRATIVE = 20_000  # a report section: several pages of a council paper
MAX_OFFICERS_CONSULTED = 2_000
MAX_NAME = 200  # an authority's, a service's or a partner's name (Authority.name)
MAX_KEY = 50  # option, criterion and panel keys (their SlugField)

# Lists
MAX_YEARS = 60  # a financial case's horizon: the Green Book's longest appraisal period
MAX_OPTIONS = 50
MAX_CRITERIA = 100
MAX_PANELS = 20
MAX_SCORES = 20_000  # a 12 × 40 grid scored by 6 panels is 2,880
MAX_RISKS = 500
MAX_NAMES = 100  # partners, services, objectives, an option's partners, partner shares
MAX_NARRATIVE_SECTIONS = 50

# Numbers: a pound amount or a score beyond this is a mistake, and larger integers cannot be
# held exactly as floats, which every number becomes.
MAX_NUMBER = 10**15
