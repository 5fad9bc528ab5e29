"""The scoring grid: who may score, saving a cell through htmx or the whole grid without
JavaScript, validation as typed, totals from the engine, and no lost updates."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from appraisals import actions
from appraisals.interchange import export_document, import_document
from appraisals.models import Change, Option, Score
from appraisals.results import evaluate
from tests.factories import make_appraisal, make_user

HTMX = {"HX-Request": "true"}


def grid_url(reference: str = "test-appraisal", panel: str = "panel-1") -> str:
    return reverse("appraisals:scoring", args=[reference, panel])


def cell_url(option: str, criterion: str, panel: str = "panel-1", reference="test-appraisal"):
    return reverse("appraisals:score-cell", args=[reference, panel, option, criterion])


def stored(appraisal, option: str, criterion: str, panel: str = "panel-1") -> Score | None:
    return Score.objects.filter(
        panel__appraisal=appraisal,
        panel__key=panel,
        option__key=option,
        criterion__key=criterion,
    ).first()


def cell_data(appraisal, option: str, criterion: str, *, score, reason="", version=None, **extra):
    """The fields one cell posts, named as the grid names them."""
    o = appraisal.options.get(key=option)
    c = appraisal.criteria.get(key=criterion)
    prefix = f"c{o.pk}-{c.pk}"
    current = stored(appraisal, option, criterion)
    if version is None:
        version = current.version if current else 0
    data = {f"{prefix}-score": score, f"{prefix}-reason": reason, f"{prefix}-version": version}
    data.update({f"{prefix}-{k}": v for k, v in extra.items()})
    return data


def grid_data(client, url: str) -> dict[str, str]:
    """Every field of the grid as the page rendered it (what a browser would post back)."""
    response = client.get(url)
    data = {}
    for cell in response.context["grid"].cells:
        data[f"{cell.prefix}-score"] = cell.score
        data[f"{cell.prefix}-reason"] = cell.reason
        data[f"{cell.prefix}-version"] = str(cell.version)
        data[f"{cell.prefix}-loaded"] = cell.loaded
    return data


def prefix(appraisal, option: str, criterion: str) -> str:
    o = appraisal.options.get(key=option)
    c = appraisal.criteria.get(key=criterion)
    return f"c{o.pk}-{c.pk}"


# --------------------------------------------------------------------------------------------
# Who may score


def test_officer_sees_options_as_columns_and_criteria_as_rows(client, personas):
    client.force_login(personas.officer)
    response = client.get(grid_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Scores from Panel 1</h1>' in html
    grid = response.context["grid"]
    assert [o.key for o in grid.options] == ["do-nothing", "option-1", "option-2", "option-3"]
    assert [c.key for c, _ in grid.rows] == ["criterion-1", "criterion-2", "criterion-3"]
    assert "Score for Option 2 on Criterion 3" in html
    assert "Reason for the score for Option 2 on Criterion 3" in html
    assert "Reason 2.2.0" in html  # the stored reason beside the score


def test_the_grid_scrolls_in_a_focusable_region_named_by_its_caption(client, personas):
    """WCAG 2.1.1 / GOV.UK: a table wider than the page scrolls in a region a keyboard user
    can reach (tabindex 0), which screen readers announce by the table's caption."""
    client.force_login(personas.officer)
    html = client.get(grid_url()).content.decode()
    assert (
        '<div class="app-table-scroll app-scoring__scroll" tabindex="0" role="region"'
        ' aria-labelledby="scoring-grid-caption">' in html
    )
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m" id="scoring-grid-caption">'
        in html
    )


def test_rejected_and_long_listed_options_are_not_scored(client, personas):
    appraisal = personas.appraisal
    appraisal.options.filter(key="option-2").update(
        status=Option.Status.REJECTED, rejection_reason="Too costly"
    )
    appraisal.options.filter(key="option-3").update(status=Option.Status.LONGLISTED)
    client.force_login(personas.officer)
    response = client.get(grid_url())
    assert [o.key for o in response.context["grid"].options] == ["do-nothing", "option-1"]
    data = cell_data(appraisal, "option-2", "criterion-1", score="3")
    assert client.post(cell_url("option-2", "criterion-1"), data, headers=HTMX).status_code == 404


def test_member_scores_in_a_panel_they_belong_to(client, personas):
    appraisal = personas.appraisal
    appraisal.panels.get(key="panel-2").members.add(personas.member)
    client.force_login(personas.member)
    assert client.get(grid_url(panel="panel-2")).status_code == 200
    data = cell_data(appraisal, "option-1", "criterion-1", score="5", reason="Members agree")
    response = client.post(cell_url("option-1", "criterion-1", panel="panel-2"), data, headers=HTMX)
    assert response.status_code == 200
    assert stored(appraisal, "option-1", "criterion-1", "panel-2").reason == "Members agree"


def test_member_not_in_the_panel_gets_403_and_changes_nothing(client, personas):
    appraisal = personas.appraisal
    appraisal.panels.get(key="panel-2").members.add(personas.member)
    client.force_login(personas.member)
    before = stored(appraisal, "option-1", "criterion-1").score
    assert client.get(grid_url()).status_code == 403
    data = cell_data(appraisal, "option-1", "criterion-1", score="5")
    assert client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX).status_code == 403
    assert client.post(grid_url(), data).status_code == 403
    assert stored(appraisal, "option-1", "criterion-1").score == before
    assert not Change.objects.filter(kind="score").exists()


def test_partner_officer_scores_only_in_their_panel(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.partner_officer)
    assert client.get(grid_url()).status_code == 403
    appraisal.panels.get(key="panel-1").members.add(personas.partner_officer)
    assert client.get(grid_url()).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_officer_of_another_council_gets_404(client, personas, method):
    client.force_login(personas.outsider)
    data = cell_data(personas.appraisal, "option-1", "criterion-1", score="5")
    assert getattr(client, method)(grid_url(), data).status_code == 404
    if method == "post":
        response = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
        assert response.status_code == 404
    assert not Change.objects.exists()


def test_unknown_panel_option_or_criterion_is_404(client, personas):
    client.force_login(personas.officer)
    assert client.get(grid_url(panel="no-such-panel")).status_code == 404
    response = client.post(cell_url("option-1", "no-such-criterion"), {}, headers=HTMX)
    assert response.status_code == 404


def test_cell_url_accepts_only_post(client, personas):
    client.force_login(personas.officer)
    assert client.get(cell_url("option-1", "criterion-1")).status_code == 405


def test_signed_out_visitor_is_sent_to_sign_in(client, personas):
    response = client.get(grid_url())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --------------------------------------------------------------------------------------------
# Saving one cell through htmx


def test_saving_a_cell_updates_the_score_and_records_who_changed_what(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    old = stored(appraisal, "option-1", "criterion-1")
    data = cell_data(appraisal, "option-1", "criterion-1", score="4", reason="  Strong case  ")
    response = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    assert response.status_code == 200
    new = stored(appraisal, "option-1", "criterion-1")
    assert (new.score, new.reason, new.version) == (4, "Strong case", old.version + 1)
    assert new.updated_by == personas.officer
    changes = {c.field: (c.old, c.new) for c in Change.objects.filter(kind="score")}
    assert changes == {"score": ("2", "4"), "reason": (old.reason, "Strong case")}
    assert Change.objects.filter(kind="score", user=personas.officer).count() == 2
    html = response.content.decode()
    # The inside of the cell (swapped into it), then the totals and the status, out of band.
    assert html.lstrip().startswith('<div class="govuk-form-group')
    assert 'value="4"' in html and "Saved" in html
    assert 'id="scoring-totals" hx-swap-oob="true"' in html
    assert "Saved the score for Option 1 on Criterion 1" in html


def test_totals_are_the_engines_values_for_this_panel(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    data = cell_data(appraisal, "option-2", "criterion-3", score="5", reason="Best on this")
    response = client.post(cell_url("option-2", "criterion-3"), data, headers=HTMX)
    panel = next(p for p in evaluate(appraisal, samples=0).result.panels if p.key == "panel-1")
    expected = {o.option: o.value for o in panel.options}
    totals = {t.option.key: t.value for t in response.context["totals"]}
    assert totals == pytest.approx({k: v for k, v in expected.items() if k in totals})
    html = response.content.decode()
    assert f'data-total="option-2">{expected["option-2"]:.1f}</td>' in html


def test_score_outside_the_scale_is_refused_inline_with_status_200(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    before = stored(appraisal, "option-1", "criterion-1")
    data = cell_data(appraisal, "option-1", "criterion-1", score="7", reason="Typed")
    response = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    assert response.status_code == 200  # htmx 2 swaps only 2xx responses
    html = response.content.decode()
    assert "Score must be between 0 and 5" in html
    assert "govuk-input--error" in html and 'value="7"' in html  # what they typed, kept
    p = prefix(appraisal, "option-1", "criterion-1")
    assert f'aria-describedby="{p}-error"' in html
    after = stored(appraisal, "option-1", "criterion-1")
    assert (after.score, after.version) == (before.score, before.version)
    assert not Change.objects.exists()


@pytest.mark.parametrize(
    ("score", "reason", "message"),
    [
        ("three", "", "Score must be a number from 0 to 5"),
        ("-1", "", "Score must be between 0 and 5"),
        ("nan", "", "Score must be a number from 0 to 5"),
        ("inf", "", "Score must be a number from 0 to 5"),
        ("3" * 25, "", "Score must be a number from 0 to 5"),  # not "at most 20 characters"
        ("", "A reason alone", "Enter a score to go with the reason"),
    ],
)
def test_invalid_cells_explain_what_to_type(client, personas, score, reason, message):
    client.force_login(personas.officer)
    data = cell_data(personas.appraisal, "option-1", "criterion-1", score=score, reason=reason)
    response = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    assert message in response.content.decode()
    assert not Change.objects.exists()


def test_a_reason_too_long_is_marked_on_the_reason_box(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    data = cell_data(appraisal, "option-1", "criterion-1", score="3", reason="x" * 5001)
    response = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    html = response.content.decode()
    assert "Reason must be 5,000 characters or fewer" in html
    assert "Ensure this value" not in html
    p = prefix(appraisal, "option-1", "criterion-1")
    assert "govuk-textarea--error" in html and "govuk-input--error" not in html
    reason_box = html[html.index(f'id="{p}-reason"') :].split(">", 1)[0]
    assert f'aria-describedby="{p}-error' in reason_box
    assert not Change.objects.exists()


def test_a_decimal_score_within_the_scale_is_accepted(client, personas):
    client.force_login(personas.officer)
    data = cell_data(personas.appraisal, "option-1", "criterion-1", score="3.5")
    client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    assert stored(personas.appraisal, "option-1", "criterion-1").score == 3.5


def test_scoring_an_empty_cell_creates_the_score(client, personas):
    appraisal = make_appraisal(personas.lead, reference="empty", scored=False)
    client.force_login(personas.officer)
    data = cell_data(appraisal, "option-1", "criterion-2", score="3", reason="First view")
    url = cell_url("option-1", "criterion-2", reference="empty")
    response = client.post(url, data, headers=HTMX)
    score = stored(appraisal, "option-1", "criterion-2")
    assert (score.score, score.version, score.reason) == (3, 1, "First view")
    assert "1 of 3" in response.content.decode()  # criteria scored for Option 1
    assert Change.objects.get(kind="score", field="score").new == "3"


def test_clearing_a_score_removes_it_and_records_the_change(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    data = cell_data(appraisal, "option-1", "criterion-1", score="", reason="")
    response = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    assert stored(appraisal, "option-1", "criterion-1") is None
    assert Change.objects.get(kind="score", field="score").new == ""
    assert "Provisional" in response.content.decode()  # Option 1 now lacks a score


def test_posting_an_unchanged_cell_writes_nothing(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    current = stored(appraisal, "option-1", "criterion-1")
    data = cell_data(
        appraisal, "option-1", "criterion-1", score="2", reason=current.reason, version=0
    )
    client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    assert stored(appraisal, "option-1", "criterion-1").version == current.version
    assert not Change.objects.exists()


def test_cell_post_without_htmx_goes_back_to_the_grid(client, personas):
    client.force_login(personas.officer)
    data = cell_data(personas.appraisal, "option-1", "criterion-1", score="4")
    response = client.post(cell_url("option-1", "criterion-1"), data)
    assert response.status_code == 302 and response["Location"] == grid_url()
    assert stored(personas.appraisal, "option-1", "criterion-1").score == 4


def test_reason_is_escaped(client, personas):
    client.force_login(personas.officer)
    data = cell_data(
        personas.appraisal, "option-1", "criterion-1", score="4", reason="<script>x</script>"
    )
    html = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX).content.decode()
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


# --------------------------------------------------------------------------------------------
# No lost updates


def test_stale_cell_is_refused_and_shows_who_changed_it_and_to_what(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    loaded = stored(appraisal, "option-1", "criterion-1")
    # Ada changes the score after Alice opened the page.
    actions.save_score(
        panel=loaded.panel,
        option=loaded.option,
        criterion=loaded.criterion,
        score=5,
        reason="Ada's view",
        expected_version=loaded.version,
        user=personas.admin,
    )
    history = Change.objects.count()
    data = cell_data(
        appraisal, "option-1", "criterion-1", score="1", reason="Alice's", version=loaded.version
    )
    response = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This score was changed by ada at" in html
    assert "to <strong>5</strong> since you opened the page" in html
    assert "Ada&#x27;s view" in html
    assert 'value="1"' in html and "Alice&#x27;s</textarea>" in html  # hers, kept to retry
    assert "Save my score" in html
    current = stored(appraisal, "option-1", "criterion-1")
    assert (current.score, current.reason) == (5, "Ada's view")
    assert Change.objects.count() == history  # the refused write leaves no history
    # Retrying from the refreshed cell (it now carries the current version) succeeds.
    retry = cell_data(appraisal, "option-1", "criterion-1", score="1", reason="Alice's")
    client.post(cell_url("option-1", "criterion-1"), retry, headers=HTMX)
    assert stored(appraisal, "option-1", "criterion-1").score == 1


def test_a_score_added_by_someone_else_into_an_empty_cell_is_not_overwritten(client, personas):
    appraisal = make_appraisal(personas.lead, reference="empty", scored=False)
    client.force_login(personas.officer)
    data = cell_data(appraisal, "option-1", "criterion-1", score="2", version=0)
    panel = appraisal.panels.get(key="panel-1")
    panel.appraisal = appraisal
    actions.save_score(
        panel=panel,
        option=appraisal.options.get(key="option-1"),
        criterion=appraisal.criteria.get(key="criterion-1"),
        score=4,
        reason="",
        expected_version=0,
        user=personas.admin,
    )
    response = client.post(
        cell_url("option-1", "criterion-1", reference="empty"), data, headers=HTMX
    )
    assert "This score was changed by ada" in response.content.decode()
    assert stored(appraisal, "option-1", "criterion-1").score == 4


def test_save_score_refuses_a_stale_version_and_writes_no_history(personas):
    score = Score.objects.filter(panel__appraisal=personas.appraisal).first()
    with pytest.raises(actions.Conflict) as refused:
        actions.save_score(
            panel=score.panel,
            option=score.option,
            criterion=score.criterion,
            score=1,
            reason="late",
            expected_version=score.version + 1,
            user=personas.officer,
        )
    assert refused.value.current.pk == score.pk
    score.refresh_from_db()
    assert score.reason != "late"
    assert not Change.objects.exists()


def test_save_score_checks_the_scale_and_the_appraisal(personas):
    score = Score.objects.filter(panel__appraisal=personas.appraisal).first()
    with pytest.raises(ValueError, match="between 0 and 5"):
        actions.save_score(
            panel=score.panel,
            option=score.option,
            criterion=score.criterion,
            score=6,
            reason="",
            expected_version=score.version,
            user=personas.officer,
        )
    other = make_appraisal(personas.lead, reference="other")
    with pytest.raises(ValueError, match="different appraisals"):
        actions.save_score(
            panel=score.panel,
            option=other.options.get(key="option-1"),
            criterion=score.criterion,
            score=3,
            reason="",
            expected_version=score.version,
            user=personas.officer,
        )
    assert not Change.objects.exists()


def _replace_by_import(appraisal, **score) -> None:
    """`import_appraisal --replace` of the appraisal as it stands, by nobody signed in (the
    command line), with panel-1's score of option-1 on criterion-1 changed as given."""
    document = export_document(appraisal)
    for entry in document["scores"]:
        if (entry["panel"], entry["option"], entry["criterion"]) == (
            "panel-1",
            "option-1",
            "criterion-1",
        ):
            entry.update(score)
    import_document(document=document, replace=True)


def test_a_cell_loaded_before_an_import_replace_is_refused(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    loaded = stored(appraisal, "option-1", "criterion-1")
    data = cell_data(appraisal, "option-1", "criterion-1", score="1", version=loaded.version)
    _replace_by_import(appraisal, score=4, reason="From the workbook")
    history = Change.objects.count()
    response = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    # The imported score has no author: the message says when and to what, naming nobody.
    assert "This score was changed at " in html
    assert "to <strong>4</strong> since you opened the page" in html
    current = stored(appraisal, "option-1", "criterion-1")
    assert (current.score, current.reason) == (4, "From the workbook")
    assert Change.objects.count() == history


def _changed_by_a_leaver(personas) -> Score:
    """Someone changes option-1's score on criterion-1, then their account is removed."""
    loaded = stored(personas.appraisal, "option-1", "criterion-1")
    leaver = make_user("leaver", personas.lead, "officer")
    actions.save_score(
        panel=loaded.panel,
        option=loaded.option,
        criterion=loaded.criterion,
        score=5,
        reason="Before leaving",
        expected_version=loaded.version,
        user=leaver,
    )
    leaver.delete()
    return loaded


def test_a_cell_whose_author_was_removed_still_shows_the_conflict(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    loaded = _changed_by_a_leaver(personas)
    data = cell_data(appraisal, "option-1", "criterion-1", score="1", version=loaded.version)
    response = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This score was changed at " in html
    assert "to <strong>5</strong> since you opened the page" in html
    assert stored(appraisal, "option-1", "criterion-1").score == 5


# --------------------------------------------------------------------------------------------
# The whole grid without JavaScript


def test_grid_form_saves_every_changed_cell_at_once(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    data = grid_data(client, grid_url())
    a, b = (
        prefix(appraisal, "option-1", "criterion-1"),
        prefix(appraisal, "option-3", "criterion-2"),
    )
    data[f"{a}-score"], data[f"{b}-score"], data[f"{b}-reason"] = "5", "0", "No capacity"
    response = client.post(grid_url(), data, follow=True)
    assert response.redirect_chain == [(grid_url(), 302)]
    assert "2 scores saved." in response.content.decode()
    assert stored(appraisal, "option-1", "criterion-1").score == 5
    assert stored(appraisal, "option-3", "criterion-2").reason == "No capacity"
    assert Change.objects.filter(kind="score", field="score").count() == 2


def test_grid_form_with_an_error_saves_nothing_and_lists_it(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    data = grid_data(client, grid_url())
    a, b = (
        prefix(appraisal, "option-1", "criterion-1"),
        prefix(appraisal, "option-2", "criterion-3"),
    )
    data[f"{a}-score"], data[f"{b}-score"] = "5", "9"
    response = client.post(grid_url(), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Scores from Panel 1" in html
    assert "There is a problem" in html
    assert (
        f'<a href="#{b}-score">Option 2 on Criterion 3: Score must be between 0 and 5</a>' in html
    )
    assert stored(appraisal, "option-1", "criterion-1").score == 2  # not saved either
    assert not Change.objects.exists()


def test_grid_form_never_overwrites_a_cell_the_user_did_not_touch(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    data = grid_data(client, grid_url())
    mine = prefix(appraisal, "option-2", "criterion-2")
    data[f"{mine}-score"] = "1"
    theirs = stored(appraisal, "option-1", "criterion-1")
    actions.save_score(
        panel=theirs.panel,
        option=theirs.option,
        criterion=theirs.criterion,
        score=5,
        reason="Changed meanwhile",
        expected_version=theirs.version,
        user=personas.admin,
    )
    response = client.post(grid_url(), data)
    assert response.status_code == 302  # no conflict: Alice never touched that cell
    assert stored(appraisal, "option-1", "criterion-1").reason == "Changed meanwhile"
    assert stored(appraisal, "option-2", "criterion-2").score == 1


def test_grid_form_conflict_keeps_the_users_value_and_saves_the_rest(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    data = grid_data(client, grid_url())
    a, b = (
        prefix(appraisal, "option-1", "criterion-1"),
        prefix(appraisal, "option-2", "criterion-2"),
    )
    data[f"{a}-score"], data[f"{b}-score"] = "3", "1"
    theirs = stored(appraisal, "option-1", "criterion-1")
    actions.save_score(
        panel=theirs.panel,
        option=theirs.option,
        criterion=theirs.criterion,
        score=5,
        reason="Changed meanwhile",
        expected_version=theirs.version,
        user=personas.admin,
    )
    response = client.post(grid_url(), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 score changed since you opened the page and was not saved." in html
    assert "This score was changed by ada" in html
    assert stored(appraisal, "option-1", "criterion-1").score == 5
    assert stored(appraisal, "option-2", "criterion-2").score == 1
    # Saving the form again, as shown, replaces theirs with hers.
    again = {
        f"{c.prefix}-{f}": str(getattr(c, f))
        for c in response.context["grid"].cells
        for f in ("score", "reason", "version", "loaded")
    }
    assert client.post(grid_url(), again).status_code == 302
    assert stored(appraisal, "option-1", "criterion-1").score == 3


def test_grid_form_conflict_with_a_score_nobody_is_recorded_for(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    data = grid_data(client, grid_url())
    data[f"{prefix(appraisal, 'option-1', 'criterion-1')}-score"] = "3"
    _changed_by_a_leaver(personas)
    history = Change.objects.count()
    response = client.post(grid_url(), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 score changed since you opened the page and was not saved." in html
    assert "This score was changed at " in html
    assert stored(appraisal, "option-1", "criterion-1").score == 5
    assert Change.objects.count() == history


def test_grid_form_of_12_options_by_40_criteria_saves(client, personas):
    """1,922 fields, posted as a browser posts a form; Django refuses more than 1,000 unless
    told otherwise (DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
    appraisal = make_appraisal(personas.lead, reference="big", options=11, criteria=40, panels=1)
    client.force_login(personas.officer)
    url = grid_url(reference="big")
    data = grid_data(client, url)
    assert len(data) == 12 * 40 * 4
    data[f"{prefix(appraisal, 'option-11', 'criterion-40')}-score"] = "1"
    response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert stored(appraisal, "option-11", "criterion-40").score == 1


def test_the_grid_links_to_the_other_panels_its_user_scores(client, personas):
    """An officer scoring every panel goes from one grid to the next in one click; a member
    sees only the panels they sit on."""
    client.force_login(personas.officer)
    html = client.get(grid_url()).text
    assert "Other panels you score" in html
    assert f'href="{grid_url(panel="panel-2")}">Scores from ' in html
    assert f'href="{grid_url()}">' not in html  # not this one
    assert 'app-subnav__item--current"><a' in html  # under Overview, as the other task pages
    personas.appraisal.panels.get(key="panel-1").members.add(personas.member)
    client.force_login(personas.member)
    assert "Other panels you score" not in client.get(grid_url()).text
    personas.appraisal.panels.get(key="panel-2").members.add(personas.member)
    assert f'href="{grid_url(panel="panel-2")}">Scores from ' in client.get(grid_url()).text


# --------------------------------------------------------------------------------------------
# Query counts


def grid_queries(django_assert_num_queries, client, url: str, count: int) -> None:
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


# The officer's grid: session, user, the user's memberships (access), the appraisal with its
# lead authority, the panel, the short-listed options, the criteria, this panel's scores with
# who last changed them, the declarations of interest (none here), the other panels the user
# scores (linked after the grid), and the council named in the header.
GRID_QUERIES = 11


def test_grid_query_count_is_pinned(client, personas, django_assert_num_queries):
    client.force_login(personas.officer)
    grid_queries(django_assert_num_queries, client, grid_url(), GRID_QUERIES)


def test_grid_query_count_for_a_member_adds_the_panel_membership(
    client, personas, django_assert_num_queries
):
    personas.appraisal.panels.get(key="panel-1").members.add(personas.member)
    client.force_login(personas.member)
    grid_queries(django_assert_num_queries, client, grid_url(), GRID_QUERIES + 1)


def test_grid_query_count_does_not_grow_with_options_criteria_and_panels(
    client, personas, django_assert_num_queries
):
    make_appraisal(personas.lead, reference="big", options=9, criteria=12, panels=5)
    client.force_login(personas.officer)
    grid_queries(django_assert_num_queries, client, grid_url("big", "panel-4"), GRID_QUERIES)


def test_another_councils_member_sees_nothing_even_when_named_in_a_panel(client, personas):
    stranger = make_user("sam", personas.unrelated, "member")
    personas.appraisal.panels.get(key="panel-1").members.add(stranger)
    client.force_login(stranger)
    assert client.get(grid_url()).status_code == 404


# --------------------------------------------------------------------------------------------
# The cells are printed in Python (views/scoring.cell_html), not by the template engine


def test_each_cell_posts_to_its_own_score_cell_url(client, personas):
    """The cell's hx-post is built from the grid's URL without a reverse() a cell: it must be
    exactly what `score-cell` reverses to, for every cell."""
    client.force_login(personas.officer)
    response = client.get(grid_url())
    html = response.content.decode()
    cells = response.context["grid"].cells
    assert cells
    for cell in cells:
        expected = cell_url(cell.option.key, cell.criterion.key)
        assert cell.post_url == expected
        assert (
            f'id="{cell.prefix}" data-row="{cell.row}" data-col="{cell.col}" hx-post="{expected}"'
            in html
        )


def test_cell_values_and_names_are_escaped(client, personas):
    """What users type (names, reasons, scores refused as typed) is escaped as the template
    engine escapes it, in both the grid and the cell a save answers with."""
    appraisal = personas.appraisal
    appraisal.options.filter(key="option-1").update(name='Option "1" <b>&')
    appraisal.criteria.filter(key="criterion-1").update(name="Criterion's <i>")
    client.force_login(personas.officer)
    html = client.get(grid_url()).content.decode()
    label = "Option &quot;1&quot; &lt;b&gt;&amp; on Criterion&#x27;s &lt;i&gt;"
    assert f"Score for {label}</label>" in html
    assert "<b>&" not in html and "<i>" not in html
    data = cell_data(appraisal, "option-1", "criterion-1", score='9"><script>', reason="<b>x")
    answer = client.post(cell_url("option-1", "criterion-1"), data, headers=HTMX)
    body = answer.content.decode()
    assert 'value="9&quot;&gt;&lt;script&gt;"' in body
    assert "&lt;b&gt;x</textarea>" in body
    assert "<script>" not in body
