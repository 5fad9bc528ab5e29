from django.urls import path

from .views import (
    archiving,
    benefits,
    catalogue,
    changes,
    copying,
    criteria,
    dashboard,
    decision,
    deletion,
    exempt,
    finances,
    history,
    interests,
    lists,
    options,
    pairwise,
    panels,
    questions,
    reports,
    results,
    risks,
    scoring,
    search,
    signoff,
    transfer,
    what_if,
    workspace,
)

app_name = "appraisals"

urlpatterns = [
    # Lists
    path("", lists.home, name="home"),
    path("appraisals/new/", lists.appraisal_new, name="appraisal-new"),
    path("appraisals/import/", transfer.appraisal_import, name="appraisal-import"),
    path("dashboard/", dashboard.council_dashboard, name="dashboard"),
    path("search/", search.search, name="search"),
    path("deleted-appraisals/", deletion.deleted_appraisals, name="deleted-appraisals"),
    # A council's settings, for its administrators
    path(
        "council/<int:pk>/statutory-officers/",
        signoff.statutory_officers,
        name="statutory-officers",
    ),
    # The catalogue and the criteria library (read-only)
    path("delivery-models/", catalogue.delivery_models, name="delivery-models"),
    path("delivery-models/<slug:key>/", catalogue.delivery_model, name="delivery-model"),
    path("criteria-library/", catalogue.criteria_library, name="criteria-library"),
    path("criteria-library/<slug:key>/", catalogue.criteria_set, name="criteria-set"),
    # The appraisal workspace
    path("appraisals/<slug:reference>/", workspace.appraisal, name="appraisal"),
    path("appraisals/<slug:reference>/scope/", workspace.scope_edit, name="scope-edit"),
    path("appraisals/<slug:reference>/copy/", copying.appraisal_copy, name="appraisal-copy"),
    path(
        "appraisals/<slug:reference>/archive/",
        archiving.appraisal_archive,
        name="appraisal-archive",
    ),
    path("appraisals/<slug:reference>/delete/", deletion.appraisal_delete, name="appraisal-delete"),
    path("appraisals/<slug:reference>/options/", options.options, name="options"),
    path("appraisals/<slug:reference>/options/add/", options.option_add, name="option-add"),
    path(
        "appraisals/<slug:reference>/options/<slug:key>/", options.option_edit, name="option-edit"
    ),
    path(
        "appraisals/<slug:reference>/options/<slug:key>/baseline/",
        options.option_baseline,
        name="option-baseline",
    ),
    path(
        "appraisals/<slug:reference>/options/<slug:key>/recommend/",
        options.option_recommend,
        name="option-recommend",
    ),
    path(
        "appraisals/<slug:reference>/options/<slug:key>/remove/",
        options.option_remove,
        name="option-remove",
    ),
    path("appraisals/<slug:reference>/criteria/", criteria.criteria, name="criteria"),
    path("appraisals/<slug:reference>/criteria/add/", criteria.criterion_add, name="criterion-add"),
    path(
        "appraisals/<slug:reference>/criteria/from-library/",
        criteria.criteria_from_library,
        name="criteria-from-library",
    ),
    path(
        "appraisals/<slug:reference>/criteria/<slug:key>/",
        criteria.criterion_edit,
        name="criterion-edit",
    ),
    path(
        "appraisals/<slug:reference>/criteria/<slug:key>/remove/",
        criteria.criterion_remove,
        name="criterion-remove",
    ),
    path("appraisals/<slug:reference>/weights/", criteria.weights, name="weights"),
    path(
        "appraisals/<slug:reference>/weights/swing/", criteria.weights_swing, name="weights-swing"
    ),
    path(
        "appraisals/<slug:reference>/weights/pairwise/",
        criteria.weights_pairwise,
        name="weights-pairwise",
    ),
    path(
        "appraisals/<slug:reference>/weights/pairwise/<slug:first>/<slug:second>/",
        pairwise.weights_pairwise_one,
        name="weights-pairwise-one",
    ),
    path(
        "appraisals/<slug:reference>/weights/pairwise/<slug:first>/<slug:second>/preview/",
        pairwise.weights_pairwise_preview,
        name="weights-pairwise-preview",
    ),
    path("appraisals/<slug:reference>/panels/", panels.panels, name="panels"),
    path("appraisals/<slug:reference>/panels/<slug:key>/", panels.panel_edit, name="panel-edit"),
    path(
        "appraisals/<slug:reference>/panels/<slug:key>/remove/",
        panels.panel_remove,
        name="panel-remove",
    ),
    path("appraisals/<slug:reference>/risks/", risks.risks, name="risks"),
    path("appraisals/<slug:reference>/risks/add/", risks.risk_form, name="risk-add"),
    path("appraisals/<slug:reference>/risks/<int:pk>/", risks.risk_form, name="risk-edit"),
    path(
        "appraisals/<slug:reference>/risks/<int:pk>/delete/", risks.risk_delete, name="risk-delete"
    ),
    path("appraisals/<slug:reference>/finance/", finances.finances, name="finances"),
    path(
        "appraisals/<slug:reference>/finance/<slug:key>/",
        finances.finance_edit,
        name="finance-edit",
    ),
    path(
        "appraisals/<slug:reference>/finance/<slug:key>/fill/",
        finances.finance_fill,
        name="finance-fill",
    ),
    # History and questions
    path("appraisals/<slug:reference>/history/", history.history, name="history"),
    path("appraisals/<slug:reference>/questions/", questions.questions, name="questions"),
    path("appraisals/<slug:reference>/interests/", interests.interests_page, name="interests"),
    path(
        "appraisals/<slug:reference>/interests/<int:pk>/amend/",
        interests.interest_amend,
        name="interest-amend",
    ),
    path(
        "appraisals/<slug:reference>/interests/<int:pk>/withdraw/",
        interests.interest_withdraw,
        name="interest-withdraw",
    ),
    # Exempt information (Schedule 12A)
    path("appraisals/<slug:reference>/exempt/", exempt.exempt_page, name="exempt"),
    path(
        "appraisals/<slug:reference>/exempt/partners/",
        exempt.exempt_partners,
        name="exempt-partners",
    ),
    path(
        "appraisals/<slug:reference>/exempt/<int:pk>/remove/",
        exempt.exempt_remove,
        name="exempt-remove",
    ),
    path(
        "appraisals/<slug:reference>/exempt/appendix.pdf",
        exempt.exempt_appendix,
        name="exempt-appendix",
    ),
    path(
        "appraisals/<slug:reference>/versions/<int:number>/exempt-appendix.pdf",
        exempt.version_exempt_appendix,
        name="version-exempt-appendix",
    ),
    path(
        "appraisals/<slug:reference>/questions/<int:pk>/answer/",
        questions.question_answer,
        name="question-answer",
    ),
    # Import and export
    path("appraisals/<slug:reference>/export.json", transfer.export_json, name="export-json"),
    path("appraisals/<slug:reference>/export.xlsx", transfer.export_xlsx, name="export-xlsx"),
    path(
        "appraisals/<slug:reference>/scores.csv",
        transfer.export_scores_csv,
        name="export-scores-csv",
    ),
    path(
        "appraisals/<slug:reference>/replace/", transfer.appraisal_replace, name="appraisal-replace"
    ),
    # Scoring and results
    path(
        "appraisals/<slug:reference>/panels/<slug:panel>/scoring/",
        scoring.scoring,
        name="scoring",
    ),
    path(
        "appraisals/<slug:reference>/panels/<slug:panel>/scoring/<slug:option>/<slug:criterion>/",
        scoring.score_cell,
        name="score-cell",
    ),
    path("appraisals/<slug:reference>/results/", results.results, name="results"),
    path(
        "appraisals/<slug:reference>/results/what-if/",
        what_if.results_what_if,
        name="results-what-if",
    ),
    # Committee reports
    path("appraisals/<slug:reference>/report/", reports.report, name="report"),
    path("appraisals/<slug:reference>/report/render/", reports.report_render, name="report-render"),
    path("appraisals/<slug:reference>/report/ready/", reports.report_ready, name="report-ready"),
    path("appraisals/<slug:reference>/report/status/", reports.report_status, name="report-status"),
    path("appraisals/<slug:reference>/report/draft.pdf", reports.report_draft, name="report-draft"),
    path(
        "appraisals/<slug:reference>/report/draft.docx",
        reports.report_draft_docx,
        name="report-draft-docx",
    ),
    path(
        "appraisals/<slug:reference>/report/preview/<slug:key>/",
        reports.report_section_preview,
        name="report-section-preview",
    ),
    path(
        "appraisals/<slug:reference>/report/draft.html",
        reports.report_preview,
        name="report-preview",
    ),
    path("appraisals/<slug:reference>/report/check/", reports.report_check, name="report-check"),
    path("appraisals/<slug:reference>/report/issue/", reports.report_issue, name="report-issue"),
    path("appraisals/<slug:reference>/report/reopen/", reports.report_reopen, name="report-reopen"),
    path(
        "appraisals/<slug:reference>/report/sign-off/",
        signoff.report_sign_off,
        name="report-sign-off",
    ),
    path("appraisals/<slug:reference>/versions/", reports.versions, name="versions"),
    path(
        "appraisals/<slug:reference>/versions/compare/",
        changes.version_compare,
        name="version-compare",
    ),
    path(
        "appraisals/<slug:reference>/versions/<int:number>.html",
        reports.version_html,
        name="version-html",
    ),
    path(
        "appraisals/<slug:reference>/versions/<int:number>.pdf",
        reports.version_download,
        name="version-download",
    ),
    path(
        "appraisals/<slug:reference>/versions/<int:number>.docx",
        reports.version_docx,
        name="version-docx",
    ),
    # After the meeting: the record of decision, implementation and benefits
    path("appraisals/<slug:reference>/decision/", decision.decision, name="decision"),
    path(
        "appraisals/<slug:reference>/decision/record/",
        decision.decision_edit,
        name="decision-edit",
    ),
    path(
        "appraisals/<slug:reference>/decision/record-of-decision.pdf",
        decision.decision_pdf,
        name="decision-pdf",
    ),
    path(
        "appraisals/<slug:reference>/decision/published/<int:number>.pdf",
        decision.published_pdf,
        name="decision-published-pdf",
    ),
    path(
        "appraisals/<slug:reference>/decision/implement/",
        decision.decision_implement,
        name="decision-implement",
    ),
    path(
        "appraisals/<slug:reference>/decision/close/",
        decision.decision_close,
        name="decision-close",
    ),
    path("appraisals/<slug:reference>/benefits/", benefits.benefits_page, name="benefits"),
    path(
        "appraisals/<slug:reference>/benefits/benefits-realisation.pdf",
        benefits.benefits_pdf,
        name="benefits-pdf",
    ),
    path(
        "appraisals/<slug:reference>/benefits/milestones/add/",
        benefits.milestone_form,
        name="milestone-add",
    ),
    path(
        "appraisals/<slug:reference>/benefits/milestones/<int:pk>/",
        benefits.milestone_form,
        name="milestone-edit",
    ),
    path(
        "appraisals/<slug:reference>/benefits/actuals/<int:year>/",
        benefits.actual_year,
        name="actual-year",
    ),
]
