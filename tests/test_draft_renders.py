"""Draft reports rendered ahead of time (debounced, one in flight per appraisal), stopped when
they run too long, and recovered by themselves when their worker was killed."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from appraisals import reports, tasks
from appraisals.actions import save_score
from appraisals.models import DraftReport, Score

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queue(settings):
    """Tasks go to the database queue (as under db_worker) instead of running inline."""
    settings.TASKS = DATABASE_QUEUE


def _rows(name: str):
    return DBTaskResult.objects.filter(task_path=f"appraisals.tasks.{name}")


def _score_something(personas, value: float) -> None:
    appraisal = personas.appraisal
    score = Score.objects.filter(panel__appraisal=appraisal).order_by("pk").first()
    save_score(
        panel=score.panel,
        option=score.option,
        criterion=score.criterion,
        score=value,
        reason="Changed for the test",
        expected_version=score.version,
        user=personas.officer,
    )


def test_a_burst_of_edits_schedules_one_refresh_a_little_later(
    personas, queue, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        _score_something(personas, 1)
    with django_capture_on_commit_callbacks(execute=True):
        _score_something(personas, 2)
    (row,) = _rows("refresh_draft")
    assert row.args_kwargs["args"] == [personas.appraisal.pk]
    assert row.run_after >= before + tasks.DEBOUNCE


def test_the_immediate_backend_renders_nothing_ahead(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _score_something(personas, 1)
    assert not DraftReport.objects.exists()


def test_a_refresh_renders_the_draft_as_it_stands_once(personas, queue, monkeypatch):
    rendered = []
    render = reports.render_committee_report
    monkeypatch.setattr(
        reports, "render_committee_report", lambda **k: rendered.append(1) or render(**k)
    )
    appraisal = personas.appraisal
    assert tasks.refresh_draft.call(appraisal.pk) == DraftReport.State.READY
    draft = DraftReport.objects.get(appraisal=appraisal)
    assert draft.content_hash == reports.content_hash(appraisal)
    assert bytes(draft.pdf).startswith(b"%PDF-")
    assert tasks.refresh_draft.call(appraisal.pk) == DraftReport.State.READY
    assert len(rendered) == 1


def test_a_refresh_waits_while_another_draft_of_the_appraisal_renders(personas, queue):
    appraisal = personas.appraisal
    DraftReport.objects.create(appraisal=appraisal, content_hash="a" * 64)  # rendering now
    assert tasks.refresh_draft.call(appraisal.pk) == "waiting"
    assert DraftReport.objects.filter(appraisal=appraisal).count() == 1
    (row,) = _rows("refresh_draft")
    assert row.run_after > timezone.now()


def test_a_render_past_its_time_limit_is_stopped_and_tried_again(personas, queue, monkeypatch):
    monkeypatch.setattr(tasks, "RENDER_TIMEOUT", dt.timedelta(seconds=0.2))
    monkeypatch.setattr(reports, "render_committee_report", lambda **k: time.sleep(5))
    appraisal = personas.appraisal
    content = reports.content_hash(appraisal)
    DraftReport.objects.create(appraisal=appraisal, content_hash=content)
    started = time.perf_counter()
    assert tasks.render_draft_report.call(appraisal.pk, content) == DraftReport.State.FAILED
    assert time.perf_counter() - started < 4
    draft = DraftReport.objects.get(appraisal=appraisal)
    assert draft.state == DraftReport.State.PENDING and draft.pdf is None
    (retry,) = _rows("render_draft_report")
    assert str(retry.id) == draft.task_id
    assert retry.args_kwargs["args"] == [appraisal.pk, content, None, 2]
    # The last attempt gives up with a message, rather than render for ever.
    assert tasks.render_draft_report.call(appraisal.pk, content, None, tasks.ATTEMPTS) == "failed"
    draft.refresh_from_db()
    assert (draft.state, draft.error) == (DraftReport.State.FAILED, tasks.GAVE_UP)


def _killed_mid_render(personas, *, attempt: int = 1) -> DraftReport:
    """A draft whose render task was claimed by a worker that was then killed, long ago."""
    appraisal = personas.appraisal
    content = reports.content_hash(appraisal)
    long_ago = timezone.now() - tasks.STALLED - dt.timedelta(minutes=1)
    draft = DraftReport.objects.create(
        appraisal=appraisal, content_hash=content, requested_at=long_ago
    )
    result = tasks.render_draft_report.using(backend="default").enqueue(
        appraisal.pk, content, None, attempt
    )
    DBTaskResult.objects.filter(id=result.id).update(
        status="RUNNING", started_at=long_ago, worker_ids=["killed"]
    )
    DraftReport.objects.filter(pk=draft.pk).update(task_id=str(result.id))
    draft.refresh_from_db()
    return draft


def test_a_killed_workers_render_is_cleared_and_rendered_again_by_itself(
    client, personas, settings
):
    settings.TASKS = DATABASE_QUEUE
    draft = _killed_mid_render(personas)
    lost = DBTaskResult.objects.get(id=draft.task_id)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(personas.officer)
    page = client.get(reverse("appraisals:report-status", args=[personas.appraisal.reference]))
    lost.refresh_from_db()
    assert lost.status == "FAILED" and lost.finished_at is not None
    assert lost.exception_class_path == "appraisals.tasks.WorkerLost"
    draft.refresh_from_db()
    assert draft.state == DraftReport.State.READY  # rendered again, here inline
    assert "Download the draft report" in page.content.decode()


def test_a_draft_whose_worker_was_killed_every_time_fails_with_a_message(personas, queue):
    draft = _killed_mid_render(personas, attempt=tasks.ATTEMPTS)
    assert tasks.recover_stalled_renders() == 1
    draft.refresh_from_db()
    assert (draft.state, draft.error) == (DraftReport.State.FAILED, tasks.GAVE_UP)
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


def test_a_render_still_in_time_is_left_alone(personas, queue):
    appraisal = personas.appraisal
    DraftReport.objects.create(appraisal=appraisal, content_hash="b" * 64)
    assert tasks.recover_stalled_renders() == 0
    assert DraftReport.objects.get(appraisal=appraisal).state == DraftReport.State.PENDING


def test_a_draft_asked_for_is_rendered_before_refreshes_queued_ahead_of_it(personas, queue):
    """The worker takes the highest priority first: the render an officer asked for (and is
    waiting on) does not queue behind background refreshes, even ones queued earlier."""
    other = personas.appraisal.pk
    for _ in range(3):
        tasks.refresh_draft.enqueue(other)
    asked = tasks.render_draft_report.enqueue(other, "a" * 64, personas.officer.pk)
    assert DBTaskResult.objects.ready().count() == 4
    first = DBTaskResult.objects.ready().get_locked()
    assert str(first.id) == str(asked.id)
    assert first.priority == tasks.ASKED_FOR > tasks.AHEAD
