"""Background work through Django's tasks framework (`manage.py db_worker` in production; the
immediate backend in tests and with TASKS_IMMEDIATE=true).

Draft reports are rendered here, two ways:

- **Asked for** (`render_draft_report`): "Save and render the draft" on the report page.
- **Ahead of time** (`refresh_draft`): every change to an appraisal (each row of its audit
  trail) schedules a refresh `DEBOUNCE` later, so a burst of edits costs one render, and a
  download is almost always of a draft that is ready. One render is in flight per appraisal:
  a refresh that finds another draft of the appraisal rendering waits and tries again.
  Only a backend that can defer tasks (the database queue) renders ahead; the immediate
  backend, which would render inline in the request, does not.

Renders that never finish are recovered by themselves. A render is stopped after
`RENDER_TIMEOUT` (SIGALRM, in a worker's main thread); a worker that was killed leaves its
draft "pending" and its task row "running", and `recover_stalled_renders` (run by every
render and by every look at a draft's status) marks such a row failed and renders the draft
again, up to `ATTEMPTS` times in all, after which the draft fails with a message. A draft's
PDF is stored in one UPDATE with its state, so a half-written report is never served.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import signal
import threading
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.tasks import task
from django.utils import timezone

from . import reports
from .models import Appraisal, Change, DraftReport
from .results import evaluate

logger = logging.getLogger(__name__)
KEEP_DRAFTS = 3
DEBOUNCE = dt.timedelta(seconds=5)  # after the last edit of a burst, render once
# The 59-page bench report takes about 7 s; on a machine shared by many, several times that.
# 5 minutes unless REPORT_RENDER_TIMEOUT says otherwise (`make faults` waits less).
RENDER_TIMEOUT = settings.REPORT_RENDER_TIMEOUT
# Longer than any render can run (it is stopped at RENDER_TIMEOUT): a draft still pending,
# or a task still running, this long after it started has lost its worker.
STALLED = RENDER_TIMEOUT + dt.timedelta(seconds=30)
ATTEMPTS = 3

CHANGED = (
    "The appraisal changed after this draft was asked for. Render the draft again to "
    "include the changes."
)
GAVE_UP = (
    f"The report could not be rendered: it was tried {ATTEMPTS} times, and each time took "
    f"longer than {RENDER_TIMEOUT.seconds // 60} minutes or its worker stopped. Try again "
    "later, or ask your administrator to check the report worker."
)


class RenderTimedOut(Exception):
    """The render ran past RENDER_TIMEOUT and was stopped."""


class WorkerLost(Exception):
    """Recorded on a task row left running by a worker that stopped (killed, or lost)."""


# The task worker takes the highest priority first: a draft someone asked for and is waiting
# on never queues behind refreshes rendered ahead of time (nor e-mails, at the default 0).
ASKED_FOR = 50
AHEAD = -10


@task(priority=ASKED_FOR)
def render_draft_report(
    appraisal_id: int, content_hash: str, user_id: int | None = None, attempt: int = 1
) -> str:
    """Render the draft asked for as `content_hash` and keep its PDF on the DraftReport row.

    The hash is checked against the very evaluation that is rendered, so a stored draft is
    always exactly what its hash says; an appraisal that changed in the meantime fails the
    draft with a message instead of storing a PDF under the wrong key. Returns the state.
    """
    recover_stalled_renders()
    return _render(appraisal_id, content_hash, attempt)


@task(priority=AHEAD)
def refresh_draft(appraisal_id: int) -> str:
    """Render the draft of the appraisal as it stands now, unless it is ready or rendering."""
    recover_stalled_renders()
    try:
        appraisal = Appraisal.objects.select_related("lead_authority").get(pk=appraisal_id)
    except Appraisal.DoesNotExist:
        return "gone"
    content = reports.content_hash(appraisal)
    now = timezone.now()
    with transaction.atomic():
        # The appraisal's row lock makes this check-then-claim one step between workers.
        Appraisal.objects.select_for_update().filter(pk=appraisal_id).first()
        busy = (
            DraftReport.objects.filter(
                appraisal_id=appraisal_id,
                state=DraftReport.State.PENDING,
                requested_at__gt=now - STALLED,
            )
            .exclude(content_hash=content)
            .exists()
        )
        if busy:  # one render in flight per appraisal: come back when it may be done
            _enqueue(refresh_draft, appraisal_id, run_after=now + DEBOUNCE)
            return "waiting"
        draft, created = DraftReport.objects.get_or_create(
            appraisal_id=appraisal_id, content_hash=content
        )
        if not created and (
            draft.state == DraftReport.State.READY
            or (draft.state == DraftReport.State.PENDING and draft.requested_at > now - STALLED)
        ):
            return draft.state  # ready, or being rendered by someone else
        DraftReport.objects.filter(pk=draft.pk).update(
            state=DraftReport.State.PENDING, error="", requested_at=now, task_id=""
        )
    return _render(appraisal_id, content, attempt=1)


def _render(appraisal_id: int, content_hash: str, attempt: int) -> str:
    draft = DraftReport.objects.filter(appraisal_id=appraisal_id, content_hash=content_hash)
    if not draft.exists():
        return "gone"
    try:
        with _time_limit(RENDER_TIMEOUT):
            appraisal = Appraisal.objects.select_related("lead_authority").get(pk=appraisal_id)
            evaluation = evaluate(appraisal)
            extras = reports.report_extras(appraisal)
            besides = reports.draft_inputs(appraisal, extras)
            if reports.evaluation_hash(evaluation, besides=besides) != content_hash:
                draft.update(
                    state=DraftReport.State.FAILED, error=CHANGED, finished_at=timezone.now()
                )
                return DraftReport.State.FAILED
            pdf = reports.render_committee_report(evaluation=evaluation, draft=True, **extras)
            word = reports.render_word(evaluation, draft=True, **extras)
    except RenderTimedOut:
        logger.warning(
            "Rendering the draft report of appraisal %s took over %s (attempt %s of %s)",
            appraisal_id,
            RENDER_TIMEOUT,
            attempt,
            ATTEMPTS,
        )
        _retry_or_fail(draft, appraisal_id, content_hash, attempt)
        return DraftReport.State.FAILED
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
    # One UPDATE stores the PDF and the Word file and makes them servable: never a half-written
    # draft.
    draft.update(
        state=DraftReport.State.READY, pdf=pdf, docx=word, error="", finished_at=timezone.now()
    )
    _prune(appraisal_id)
    return DraftReport.State.READY


@contextlib.contextmanager
def _time_limit(limit: dt.timedelta) -> Iterator[None]:
    """Raise RenderTimedOut in this thread after `limit`. Signals reach only the main thread
    (a db_worker's, and the test runner's); elsewhere, or under another alarm, the block runs
    without a limit, and a render that never ends is recovered as a lost worker's is."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0]  # someone else's alarm: leave it be
    ):
        yield
        return

    def stop(signum, frame):
        raise RenderTimedOut

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit.total_seconds())
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _retry_or_fail(draft, appraisal_id: int, content_hash: str, attempt: int) -> None:
    """Render the draft again as a new task, or fail it after the last attempt."""
    if attempt >= ATTEMPTS:
        draft.update(state=DraftReport.State.FAILED, error=GAVE_UP, finished_at=timezone.now())
        return
    draft.update(state=DraftReport.State.PENDING, requested_at=timezone.now())
    result = _enqueue(render_draft_report, appraisal_id, content_hash, None, attempt + 1)
    draft.update(task_id=str(result.id)[:64])


def recover_stalled_renders(appraisal_id: int | None = None) -> int:
    """Clear the task rows of renders whose worker stopped, and render their drafts again
    (or fail them after the last attempt). Returns how many drafts were recovered."""
    cutoff = timezone.now() - STALLED
    _clear_lost_task_rows(cutoff)
    stalled = DraftReport.objects.filter(state=DraftReport.State.PENDING, requested_at__lt=cutoff)
    if appraisal_id is not None:
        stalled = stalled.filter(appraisal_id=appraisal_id)
    recovered = 0
    for pk, appraisal, content, task_id in stalled.values_list(
        "pk", "appraisal_id", "content_hash", "task_id"
    ):
        # Claimed by one UPDATE, so two processes recovering at once recover it once.
        claimed = DraftReport.objects.filter(
            pk=pk, state=DraftReport.State.PENDING, requested_at__lt=cutoff
        ).update(requested_at=timezone.now())
        if claimed:
            logger.warning("Draft report %s of appraisal %s stalled: retrying", pk, appraisal)
            draft = DraftReport.objects.filter(pk=pk)
            _retry_or_fail(draft, appraisal, content, _attempt_of(task_id))
            recovered += 1
    return recovered


def _clear_lost_task_rows(cutoff: dt.datetime) -> None:
    """Task rows still "running" after `cutoff` were left by a worker that stopped."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend keeps no rows
        return
    DBTaskResult.objects.running().filter(
        started_at__lt=cutoff, task_path__startswith=f"{__name__}."
    ).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path=f"{__name__}.{WorkerLost.__name__}",
        traceback="The worker stopped while running this task; the render was retried.",
    )


def _attempt_of(task_id: str) -> int:
    """Which attempt the task `task_id` was (1 if its row is gone or unknown)."""
    try:
        from django_tasks_db.models import DBTaskResult

        row = DBTaskResult.objects.filter(id=task_id).only("args_kwargs").first()
    except Exception:  # not a database task id, or another backend
        return 1
    if row is None:
        return 1
    args, kwargs = row.args_kwargs.get("args", []), row.args_kwargs.get("kwargs", {})
    return int(args[3]) if len(args) > 3 else int(kwargs.get("attempt", 1))


def _enqueue(a_task, *args, run_after: dt.datetime | None = None):
    if run_after is not None and a_task.get_backend().supports_defer:
        a_task = a_task.using(run_after=run_after)
    return a_task.enqueue(*args)


def renders_ahead() -> bool:
    """Whether drafts are rendered ahead of time: only on a backend that can defer tasks."""
    return refresh_draft.get_backend().supports_defer


def schedule_draft(appraisal_id: int) -> None:
    """Render the appraisal's draft DEBOUNCE from now, unless this process already has one
    due (a burst of edits is one render; the refresh reads the appraisal when it runs)."""
    if not renders_ahead():
        return
    # The mark lasts a little less than the delay: an edit that sees it was committed
    # before the refresh can start, so the refresh includes it.
    if cache.add(f"draft-due:{appraisal_id}", True, timeout=DEBOUNCE.total_seconds()):
        _enqueue(
            refresh_draft,
            appraisal_id,
            run_after=timezone.now() + DEBOUNCE + dt.timedelta(seconds=1),
        )


def _on_change(sender, instance: Change, created: bool, **kwargs) -> None:
    if created and renders_ahead():
        transaction.on_commit(lambda: schedule_draft(instance.appraisal_id))


post_save.connect(_on_change, sender=Change, dispatch_uid="appraisals.tasks.schedule_draft")


def _prune(appraisal_id: int) -> None:
    """Keep the few latest finished drafts of an appraisal; older ones only take up space."""
    finished = DraftReport.objects.filter(appraisal_id=appraisal_id).exclude(
        state=DraftReport.State.PENDING
    )
    keep = finished.order_by("-requested_at", "-pk").values_list("pk", flat=True)[:KEEP_DRAFTS]
    finished.exclude(pk__in=list(keep)).delete()
