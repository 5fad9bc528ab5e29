"""Writes that span rows: keyword-only, typed, one transaction each, named by the domain verb.

Each records what it changed in the audit trail (`Change`) inside the same transaction, so a
refused or failed write leaves neither data nor history behind.

- `scope`: creating an appraisal and changing its scope
- `bodies`: adding a public body to the list, to name it as a partner
- `options`: adding and editing options, the baseline
- `criteria`: criteria from the library or added, edited; their weights
- `panels`: scoring panels and their members
- `risks`: the risk register
- `finances`: financial cases, cash flows from a profile, discount rate and optimism bias
- `questions`: questions and answers
- `scoring`: one panel's score of an option on a criterion (`save_score`)
- `report`: the committee report's text, issuing it
- `archiving`: archiving an appraisal (read-only, out of the list) and unarchiving it
- `deletion`: deleting a never-issued appraisal, its audit trail kept
- `copying`: copying an appraisal as a new one, without scores or narrative
- `decision`: the record of decision; decided, implementing, closed (`NotAllowed`)
- `benefits`: the chosen option's milestones and actual costs and savings by year
- `exempt`: marking parts exempt under Schedule 12A, and who may read them
- `removal`: removing an option, a criterion or a panel, and what goes with it (`Losses`)

The audit trail itself (`record_change`, `update_fields`, `Conflict`) is `appraisals.history`,
a module below actions, interchange, reports and results, so that each of them imports it
and none imports another to reach it.

Kinds recorded in the audit trail: appraisal, option, criterion, weight, panel, risk,
finance, question, score, report, decision, benefits, exempt. Everything is imported here:
callers use `from appraisals import actions` and `actions.save_risk(...)`.
"""

from ..history import Conflict, record_change, unique_key, update_fields
from .archiving import set_archived
from .benefits import save_actual_year, save_milestone
from .bodies import BodyExists, add_partner_body
from .copying import copy_appraisal
from .criteria import (
    add_criteria_from_library,
    add_criterion,
    edit_criterion,
    set_pairwise_judgement,
    set_weights,
)
from .decision import (
    DECISION_FIELDS,
    NotAllowed,
    Outcome,
    close_appraisal,
    record_decision,
    start_implementation,
)
from .deletion import Contents, NotDeletable, appraisal_contents, delete_appraisal
from .exempt import AlreadyExempt, mark_exempt, set_exempt_to_partners, unmark_exempt
from .finances import (
    cash_flows_from_profile,
    fill_financial_case,
    save_financial_case,
    set_finance_settings,
)
from .options import (
    DO_NOTHING,
    add_option,
    becomes_baseline,
    edit_option,
    set_baseline,
    set_recommended,
)
from .panels import add_panel, edit_panel
from .questions import answer_question, ask_question
from .removal import (
    Losses,
    criterion_losses,
    matrix_without,
    option_losses,
    panel_losses,
    remove_criterion,
    remove_option,
    remove_panel,
)
from .report import (
    REPORT_HEADER_FIELDS,
    NotIssued,
    ReportAlreadyIssued,
    ReportIncomplete,
    issue_report,
    reopen_appraisal,
    set_draft_ready_for_members,
    update_report_text,
)
from .risks import RISK_FIELDS, delete_risk, save_risk
from .scope import RESERVED_REFERENCES, create_appraisal, update_scope
from .scoring import save_score

__all__ = [
    "AlreadyExempt",
    "mark_exempt",
    "set_exempt_to_partners",
    "unmark_exempt",
    "BodyExists",
    "DECISION_FIELDS",
    "NotAllowed",
    "Outcome",
    "close_appraisal",
    "record_decision",
    "save_actual_year",
    "save_milestone",
    "start_implementation",
    "REPORT_HEADER_FIELDS",
    "RESERVED_REFERENCES",
    "RISK_FIELDS",
    "Conflict",
    "Contents",
    "NotDeletable",
    "appraisal_contents",
    "delete_appraisal",
    "set_archived",
    "Losses",
    "NotIssued",
    "ReportAlreadyIssued",
    "ReportIncomplete",
    "add_criteria_from_library",
    "add_partner_body",
    "add_criterion",
    "DO_NOTHING",
    "add_option",
    "becomes_baseline",
    "add_panel",
    "answer_question",
    "ask_question",
    "cash_flows_from_profile",
    "copy_appraisal",
    "create_appraisal",
    "criterion_losses",
    "delete_risk",
    "edit_criterion",
    "edit_option",
    "edit_panel",
    "fill_financial_case",
    "issue_report",
    "matrix_without",
    "option_losses",
    "panel_losses",
    "record_change",
    "remove_criterion",
    "remove_option",
    "remove_panel",
    "set_draft_ready_for_members",
    "reopen_appraisal",
    "save_financial_case",
    "save_risk",
    "save_score",
    "set_baseline",
    "set_recommended",
    "set_finance_settings",
    "set_pairwise_judgement",
    "set_weights",
    "unique_key",
    "update_fields",
    "update_report_text",
    "update_scope",
]
