"""What pages keep under an evaluation's fingerprint (`results.derived`): computed once for
each state of the appraisal, and never shown once the appraisal has changed. Each test
compares a page read from the cache with the same page printed afresh (a cold cache)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from appraisals.models import DeliveryModel, Score
from appraisals.reports.formatting import _date
from appraisals.results import derived, evaluate
from tests.test_reports_data import make_report_appraisal


def test_derived_is_computed_once_for_each_state_of_the_appraisal(personas):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    first = evaluate(personas.appraisal)
    assert derived(first, "counter", compute) == 1
    assert derived(evaluate(personas.appraisal), "counter", compute) == 1  # cached
    assert derived(first, "another", compute) == 2  # each name its own entry
    score = Score.objects.filter(panel__appraisal=personas.appraisal).first()
    Score.objects.filter(pk=score.pk).update(score=(score.score + 1) % 6)
    edited = evaluate(personas.appraisal)
    assert edited.key != first.key
    assert derived(edited, "counter", compute) == 3  # a new fingerprint: computed again


def test_an_evaluation_without_a_fingerprint_is_never_cached(personas):
    from dataclasses import replace

    unkeyed = replace(evaluate(personas.appraisal), key="")
    calls = []
    derived(unkeyed, "counter", lambda: calls.append(1))
    derived(unkeyed, "counter", lambda: calls.append(1))
    assert len(calls) == 2


def _results(client, reference="test-appraisal") -> str:
    """The results page, its CSRF tokens aside (each response masks the token anew)."""
    response = client.get(reverse("appraisals:results", args=[reference]))
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_the_results_page_after_a_score_changes_is_the_page_printed_afresh(client, personas):
    """Its charts, what-if tab and table of disagreements are cached: after an edit they
    show the new scores, exactly as with nothing cached."""
    client.force_login(personas.officer)
    before = _results(client)
    # Panels far apart on one score: a disagreement row, new bars and a new what-if.
    scores = Score.objects.filter(
        panel__appraisal=personas.appraisal, option__key="option-1", criterion__key="criterion-1"
    ).order_by("panel__key")
    Score.objects.filter(pk=scores[0].pk).update(score=0)
    Score.objects.filter(pk=scores[1].pk).update(score=5)
    warm = _results(client)
    assert warm != before
    cache.clear()
    assert _results(client) == warm
    assert 'id="disagreement-table"' in warm


def _draft_page(client) -> str:
    response = client.get(reverse("appraisals:report-preview", args=["report-test"]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_draft_web_page_follows_the_delivery_models_catalogue(client, personas):
    """The catalogue is not part of the appraisal's document, yet the report prints it."""
    appraisal = make_report_appraisal(options=2, criteria=2, panels=1, risks=1)
    client.force_login(personas.officer)
    _draft_page(client)
    model = DeliveryModel.objects.get(
        pk=appraisal.options.exclude(baseline=True)[0].delivery_model_id
    )
    model.summary = "A summary the catalogue was given after the first reading."
    model.save()
    page = _draft_page(client)
    assert "A summary the catalogue was given after the first reading." in page
    cache.clear()
    assert _without_created(_draft_page(client)) == _without_created(page)


def test_the_draft_web_page_read_again_does_not_read_the_evaluation_back(
    client, personas, monkeypatch
):
    """Printed once for a state of the appraisal, the page is read from the cache by the
    evaluation's fingerprint alone: the evaluation itself (600 KB to unpickle for 12 options
    x 40 criteria x 6 panels) is read back only to print the page afresh."""
    make_report_appraisal(options=2, criteria=2, panels=1, risks=1)
    client.force_login(personas.officer)
    first = _draft_page(client)
    read = []
    real_get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: read.append(key) or real_get(key, *a, **k)
    )
    assert _without_created(_draft_page(client)) == _without_created(first)
    assert [key for key in read if key.startswith("evaluation:") and key.count(":") == 1] == []
    assert any(":draft-page:" in key for key in read)


def test_the_draft_web_page_is_dated_the_day_it_is_read(client, personas, monkeypatch):
    make_report_appraisal(options=1, criteria=2, panels=1, risks=1)
    client.force_login(personas.officer)
    today = _draft_page(client)
    assert f"Draft rendered {_date(timezone.localdate())}" in today
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(days=1))
    tomorrow = _date(timezone.localdate())
    assert f"Draft rendered {tomorrow}" in _draft_page(client)


def _without_created(html: str) -> str:
    """The page without its dcterms.created time (the second it was printed)."""
    return re.sub(r'<meta name="dcterms.created" content="[^"]*"/?>', "", html)


def test_the_check_page_follows_the_narrative(client, personas):
    """Which sections would print "Not yet written" is cached; writing one clears it."""
    from appraisals.actions import update_report_text

    appraisal = make_report_appraisal(options=1, criteria=2, panels=1, risks=1)
    appraisal.narrative = {**(appraisal.narrative or {}), "equalities": ""}
    appraisal.save(update_fields=["narrative"])
    client.force_login(personas.officer)
    check = reverse("appraisals:report-check", args=["report-test"])
    assert "Write the section “Equalities”" in client.get(check).content.decode()
    update_report_text(
        appraisal=appraisal, user=personas.officer, header={}, narrative={"equalities": "Written."}
    )
    assert "Write the section “Equalities”" not in client.get(check).content.decode()
