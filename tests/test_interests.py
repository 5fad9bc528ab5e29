"""Declarations of interest (issue 13 point 4): who declared what, the grid's refusal for a
disclosable pecuniary interest, scores entered before a declaration flagged, and whether the
ranking holds without the declarers' scores, on the results page and in the report."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisals import interests, reports
from appraisals.actions import save_score
from appraisals.models import Change, Interest, Score
from appraisals.reports.build import build_report
from appraisals.results import evaluate


def _url(appraisal, name="interests", *args) -> str:
    return reverse(f"appraisals:{name}", args=[appraisal.reference, *args])


def _cell_url(appraisal, option="option-1", criterion="criterion-1", panel="panel-1") -> str:
    return reverse("appraisals:score-cell", args=[appraisal.reference, panel, option, criterion])


@pytest.fixture
def seated(personas):
    """The member sits on panel 1."""
    personas.appraisal.panels.get(key="panel-1").members.add(personas.member)
    return personas


def _declare(client, appraisal, **data):
    return client.post(_url(appraisal), data)


def test_a_panel_member_declares_and_everyone_who_can_see_it_reads_it(client, seated):
    appraisal = seated.appraisal
    option = appraisal.options.get(key="option-2")
    client.force_login(seated.member)
    response = _declare(
        client,
        appraisal,
        kind="disclosable_pecuniary",
        options=[option.pk],
        description="Director of a company that is bidding",
    )
    assert response.status_code == 302
    interest = Interest.objects.get()
    assert (interest.user, interest.kind, list(interest.options.all())) == (
        seated.member,
        Interest.Kind.DISCLOSABLE_PECUNIARY,
        [option],
    )
    change = Change.objects.get(kind="interest")
    assert change.new == (
        "Disclosable pecuniary interest in Option 2: Director of a company that is bidding"
    )
    for user in (seated.officer, seated.partner_officer, seated.member):
        client.force_login(user)
        page = client.get(_url(appraisal)).text
        assert "Director of a company that is bidding" in page
        assert "Option 2" in page


def test_another_council_gets_404(client, seated):
    client.force_login(seated.outsider)
    assert client.get(_url(seated.appraisal)).status_code == 404
    assert client.post(_url(seated.appraisal), {"kind": "none"}).status_code == 404
    assert not Interest.objects.exists()


def test_only_those_who_score_declare(client, seated):
    """A partner's officer on no panel reads the declarations but makes none."""
    client.force_login(seated.partner_officer)
    page = client.get(_url(seated.appraisal)).text
    assert "Make a declaration" not in page
    assert client.post(_url(seated.appraisal), {"kind": "none"}).status_code == 403
    assert not Interest.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Select what you are declaring"),
        ({"kind": "other_registrable"}, "Describe the interest"),
        ({"kind": "none", "options": "OPTION"}, "Do not select options"),
    ],
)
def test_a_declaration_that_cannot_stand_is_refused_with_a_reason(client, seated, data, error):
    option = seated.appraisal.options.get(key="option-1")
    if data.get("options") == "OPTION":
        data = {**data, "options": [option.pk]}
    client.force_login(seated.member)
    response = _declare(client, seated.appraisal, **data)
    assert response.status_code == 200
    assert error in response.text
    assert not Interest.objects.exists()
    assert not Change.objects.filter(kind="interest").exists()


def test_a_disclosable_pecuniary_interest_bars_scoring_that_option(client, seated):
    appraisal = seated.appraisal
    client.force_login(seated.member)
    option = appraisal.options.get(key="option-1")
    _declare(
        client, appraisal, kind="disclosable_pecuniary", options=[option.pk], description="Owner"
    )
    grid = client.get(reverse("appraisals:scoring", args=[appraisal.reference, "panel-1"]))
    cell = Score.objects.get(panel__key="panel-1", option=option, criterion__key="criterion-1")
    prefix = f"c{option.pk}-{cell.criterion_id}"
    assert f'name="{prefix}-score"' not in grid.text  # no box to type in
    assert "You declared a disclosable pecuniary interest in Option 1" in grid.text
    before = (cell.score, cell.version)
    response = client.post(
        _cell_url(appraisal),
        {f"{prefix}-score": "5", f"{prefix}-version": cell.version, f"{prefix}-loaded": "x"},
        headers={"HX-Request": "true"},
    )
    cell.refresh_from_db()
    assert (cell.score, cell.version) == before
    assert "cannot score it" in response.text
    # The action refuses too, whatever calls it.
    with pytest.raises(interests.ScoringBarred, match="cannot score it"):
        save_score(
            panel=cell.panel,
            option=option,
            criterion=cell.criterion,
            score=1,
            reason="",
            expected_version=cell.version,
            user=seated.member,
        )
    # Another option is scored as before.
    other = Score.objects.get(
        panel__key="panel-1", option__key="option-2", criterion__key="criterion-1"
    )
    saved = save_score(
        panel=other.panel,
        option=other.option,
        criterion=other.criterion,
        score=1,
        reason="Checked",
        expected_version=other.version,
        user=seated.member,
    )
    assert saved.score == 1


def test_a_general_disclosable_pecuniary_interest_bars_every_option(seated):
    appraisal = seated.appraisal
    interests.declare(
        appraisal=appraisal,
        user=seated.member,
        kind="disclosable_pecuniary",
        description="Shareholder in the council's company",
    )
    barred = interests.barred_options(seated.member, appraisal)
    assert set(barred) == set(appraisal.options.values_list("pk", flat=True))
    assert interests.barred_options(seated.officer, appraisal) == {}


def test_other_interests_do_not_bar_scoring(seated):
    appraisal = seated.appraisal
    interests.declare(
        appraisal=appraisal,
        user=seated.member,
        kind="other_registrable",
        description="Trustee of a local charity",
    )
    assert interests.barred_options(seated.member, appraisal) == {}


def test_scores_entered_before_a_declaration_are_flagged(client, seated):
    appraisal = seated.appraisal
    option = appraisal.options.get(key="option-1")
    earlier = timezone.now() - dt.timedelta(days=2)
    Score.objects.filter(panel__key="panel-1", option=option).update(
        updated_by=seated.member, updated_at=earlier
    )
    interests.declare(
        appraisal=appraisal,
        user=seated.member,
        kind="non_registrable",
        options=[option],
        description="My brother works for a bidder",
    )
    flagged = evaluate(appraisal).interests.flagged
    expected = set(
        Score.objects.filter(panel__key="panel-1", option=option).values_list("pk", flat=True)
    )
    assert flagged == expected and len(expected) == 3
    client.force_login(seated.officer)
    grid = client.get(reverse("appraisals:scoring", args=[appraisal.reference, "panel-1"])).text
    assert grid.count("declared an interest</strong>") == 3


def _lopsided(appraisal, user):
    """Panel 2 (scored by `user`) puts Option 3 far ahead; panel 1 puts Option 1 ahead."""
    for score in Score.objects.filter(panel__appraisal=appraisal):
        panel, option = score.panel.key, score.option.key
        if panel == "panel-1":
            score.score = {"option-1": 4, "option-2": 3, "option-3": 2}.get(option, 1)
        else:
            score.score = {"option-1": 1, "option-2": 1, "option-3": 5}.get(option, 1)
            score.updated_by = user
        score.save()


def test_the_ranking_is_recomputed_without_the_declarers_scores(client, seated):
    appraisal = seated.appraisal
    _lopsided(appraisal, seated.member)
    assert evaluate(appraisal).result.leader == "option-3"
    interests.declare(
        appraisal=appraisal,
        user=seated.member,
        kind="other_registrable",
        description="Member of a trade union",
    )
    evaluation = evaluate(appraisal)
    without = evaluation.interests.without
    assert without is not None and not without.holds
    assert (without.leader, without.leader_without, without.left_out) == (
        "Option 3",
        "Option 1",
        12,  # panel 2's whole grid: 4 options on 3 criteria
    )
    assert evaluation.interests.summary == (
        "The ranking does not hold without the 12 scores entered by members who declared an "
        "interest (bob): Option 1 would lead instead of Option 3."
    )
    client.force_login(seated.member)
    results = client.get(_url(appraisal, "results")).text
    assert "Option 1 would lead instead of Option 3" in results


def test_the_ranking_holds_when_the_declarers_scores_change_nothing(seated):
    appraisal = seated.appraisal
    interests.declare(appraisal=appraisal, user=seated.member, kind="none")
    assert evaluate(appraisal).interests.without is None  # no interest: their scores stay in
    assert evaluate(appraisal).interests.summary == (
        "Everyone who declared said they had no interests."
    )
    interests.declare(
        appraisal=appraisal,
        user=seated.officer,
        kind="non_registrable",
        description="Lives in the area",
    )
    assert evaluate(appraisal).interests.summary == (
        "Members who declared an interest entered no scores."
    )
    # The officer enters panel 1's scores, the same as panel 2's: leaving them out changes
    # nothing.
    second = {
        (s.option_id, s.criterion_id): s.score
        for s in Score.objects.filter(panel__appraisal=appraisal, panel__key="panel-2")
    }
    for score in Score.objects.filter(panel__appraisal=appraisal, panel__key="panel-1"):
        score.score = second[(score.option_id, score.criterion_id)]
        score.updated_by = seated.officer
        score.save()
    evaluation = evaluate(appraisal)
    without = evaluation.interests.without
    assert without is not None and without.holds and without.left_out == 12
    leader = evaluation.option_name(evaluation.result.leader)
    assert without.sentence == (
        "The ranking holds without the 12 scores entered by members who declared an interest "
        f"(alice): {leader} still leads."
    )


def test_the_report_lists_the_declarations_and_the_check(seated):
    appraisal = seated.appraisal
    _lopsided(appraisal, seated.member)
    before = reports.content_hash(appraisal)
    interests.declare(
        appraisal=appraisal,
        user=seated.member,
        kind="disclosable_pecuniary",
        options=[appraisal.options.get(key="option-3")],
        description="Director of the company behind Option 3",
    )
    assert reports.content_hash(appraisal) != before  # the draft is rendered again
    report = build_report(evaluate(appraisal))
    consultation = next(s for s in report.sections if s.key == "consultation")
    text = " ".join(_texts(consultation))
    assert (
        "bob declared a disclosable pecuniary interest in Option 3: Director of the company "
        "behind Option 3." in text
    )
    assert "Option 1 would lead instead of Option 3" in text


def _texts(node) -> list[str]:
    """Every string inside a report section, however it is nested."""
    out: list[str] = []
    if isinstance(node, str):
        return [node]
    if isinstance(node, (list, tuple)):
        for item in node:
            out += _texts(item)
        return out
    for name in getattr(node, "__dataclass_fields__", {}):
        out += _texts(getattr(node, name))
    return out
