"""Background work through Django's tasks framework (`manage.py db_worker` in production; the
immediate backend in tests and with TASKS_IMMEDIATE=true)."""

from __future__ import annotations

import gc
import logging

from django.tasks import task
from django.utils import timezone

from . import reports
from .models import Appraisal, DraftReport
from .results import evaluate

logger = logging.getLogger(__name__)
KEEP_DRAFTS = 3

CHANGED = (
    "The appraisal changed after this draft was asked for. Render the draft again to "
    "include the changes."
)


@task
def render_draft_report(appraisal_id: int, content_hash: str, user_id: int | None = None) -> str:
    """Render the draft asked for as `content_hash` and keep its PDF on the DraftReport row.

    The hash is checked against the very evaluation that is rendered, so a stored draft is
    always exactly what its hash says; an appraisal that changed in the meantime fails the
    draft with a message instead of storing a PDF under the wrong key. Returns the state.
    """
    draft = DraftReport.objects.filter(appraisal_id=appraisal_id, content_hash=content_hash)
    if not draft.exists():
        return "gone"
    try:
        appraisal = Appraisal.objects.select_related("lead_authority").get(pk=appraisal_id)
        evaluation = evaluate(appraisal)
        if reports.document_hash(evaluation.document) != content_hash:
            draft.update(state=DraftReport.State.FAILED, error=CHANGED, finished_at=timezone.now())
            return DraftReport.State.FAILED
        pdf = reports.render_committee_report(evaluation=evaluation, draft=True)
    except Exception as error:  # the page says it failed; the log has the traceback
        logger.exception("Rendering the draft report of appraisal %s failed", appraisal_id)
        draft.update(
            state=DraftReport.State.FAILED,
            error=f"The report could not be rendered ({type(error).__name__}).",
            finished_at=timezone.now(),
        )
        return DraftReport.State.FAILED
    finally:
        # WeasyPrint's documents hold large cyclic structures: free them before the next job.
        gc.collect()
    draft.update(state=DraftReport.State.READY, pdf=pdf, error="", finished_at=timezone.now())
    _prune(appraisal_id)
    return DraftReport.State.READY


def _prune(appraisal_id: int) -> None:
    """Keep the few latest finished drafts of an appraisal; older ones only take up space."""
    finished = DraftReport.objects.filter(appraisal_id=appraisal_id).exclude(
        state=DraftReport.State.PENDING
    )
    keep = finished.order_by("-requested_at", "-pk").values_list("pk", flat=True)[:KEEP_DRAFTS]
    finished.exclude(pk__in=list(keep)).delete()
