"""What if on the results page: weights and panels tried out, ranked by the engine, never
saved; the state in a shareable URL, rendered without JavaScript; each slider marked where the
lead changes. The expected figures are the engine's, run here on an input built by hand."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from appraisals import engine
from appraisals.explain import format_value
from appraisals.models import Appraisal, Change, Criterion
from appraisals.results import evaluate
from tests.factories import make_appraisal
from tests.test_results_page import section, table_rows

REF = "test-appraisal"


def results_url(query: dict | str = "", reference: str = REF) -> str:
    query = urlencode(query) if isinstance(query, dict) else query
    return reverse("appraisals:results", args=[reference]) + (f"?{query}" if query else "")


def endpoint(query: dict | str = "", reference: str = REF) -> str:
    query = urlencode(query) if isinstance(query, dict) else query
    url = reverse("appraisals:results-what-if", args=[reference])
    return url + (f"?{query}" if query else "")


def what_if_html(client, user, query: dict | str = "") -> str:
    """The what-if tab, after the move to the state's own address when there is one."""
    client.force_login(user)
    response = client.get(results_url(query), follow=True)
    assert response.status_code == 200
    return section(response.content.decode(), "what-if")


def engine_result(appraisal: Appraisal, weights: dict[str, float], without=()):
    """The engine on the appraisal's own input, with `weights` (direct) and without the
    scores of the panels in `without`: built from the input dataclasses, not the document."""
    own = engine.AppraisalIn.from_document(evaluate(appraisal).document)
    inp = dataclasses.replace(
        own,
        weighting_method="direct",
        pairwise_matrix=None,
        criteria=tuple(dataclasses.replace(c, weight=weights[c.key]) for c in own.criteria),
        panels=tuple(p for p in own.panels if p.key not in without),
        scores=tuple(s for s in own.scores if s.panel not in without),
    )
    return engine.compute(inp, samples=0)


def expected_rows(result) -> list[tuple[str, str]]:
    """(option, weighted value) in the order the what-if table lists them."""
    ranked = list(result.ranking)
    waiting = [o for o in result.options if o.candidate and o.rank is None]
    baseline = [o for o in result.options if o.baseline]
    return [
        (
            o.name + (" (baseline)" if o.baseline else " (provisional)" if o.rank is None else ""),
            "–" if o.value is None else format_value(o.value),
        )
        for o in ranked + waiting + baseline
    ]


def shown_rows(html: str) -> list[tuple[str, str]]:
    return [(row[1], row[2]) for row in table_rows(html, "what-if-table")]


def ticks(html: str, key: str) -> list[float]:
    datalist = re.search(rf'<datalist id="what-if-{key}-ticks"[^>]*>(.*?)</datalist>', html, re.S)
    return [float(v) for v in re.findall(r'<option value="([^"]+)"', datalist.group(1))]


WEIGHTS = [
    {"criterion-1": 60, "criterion-2": 20, "criterion-3": 20},
    {"criterion-1": 5, "criterion-2": 5, "criterion-3": 90},
    {"criterion-1": 0, "criterion-2": 100, "criterion-3": 0},
    {"criterion-1": 10, "criterion-2": 45.5, "criterion-3": 30},  # not adding up to 100
]


# --------------------------------------------------------------------------------------------
# Who sees it, and that it only reads


@pytest.mark.parametrize("who", ["officer", "member", "admin", "partner_officer"])
def test_officers_members_and_partners_can_try_other_weights(client, personas, who):
    html = what_if_html(client, getattr(personas, who), {"w.criterion-1": 70})
    assert 'type="range"' in html and "What if the weights were different?" in html
    client.force_login(getattr(personas, who))
    response = client.get(endpoint({"w.criterion-1": 70}), headers={"HX-Request": "true"})
    assert response.status_code == 200


def test_a_member_of_a_partner_council_can_try_other_weights(client, personas):
    from appraisals.models import Membership
    from tests.factories import make_user

    partner_member = make_user("paula", personas.partner, Membership.Role.MEMBER)
    assert "what-if-table" in what_if_html(client, partner_member, {"w.criterion-1": 70})


@pytest.mark.parametrize("url", [results_url({"w.criterion-1": 70}), endpoint({"w.c": 1})])
def test_another_council_gets_404(client, personas, url):
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404


def test_the_what_if_endpoint_only_reads(client, personas):
    client.force_login(personas.member)
    assert client.post(endpoint({"w.criterion-1": 70})).status_code == 405


def test_nothing_is_saved(client, personas):
    weights = list(Criterion.objects.filter(appraisal=personas.appraisal).values_list("weight"))
    changes = Change.objects.count()
    client.force_login(personas.officer)
    for query in WEIGHTS:
        q = {f"w.{k}": v for k, v in query.items()} | {"panel.panel-1": "off"}
        assert client.get(results_url(q)).status_code == 200
        assert client.get(endpoint(q), headers={"HX-Request": "true"}).status_code == 200
    assert list(Criterion.objects.filter(appraisal=personas.appraisal).values_list("weight")) == (
        weights
    )
    assert Change.objects.count() == changes


def test_it_works_on_an_issued_appraisal(client, personas):
    from tests.test_issued_frozen import freeze

    freeze(personas.appraisal, personas.officer)
    html = what_if_html(client, personas.member, {"w.criterion-1": 80})
    # The others keep the appraisal's own weights, as the address the page moves to says.
    weights = {"criterion-1": 80, "criterion-2": 33.33, "criterion-3": 50}
    assert shown_rows(html) == expected_rows(engine_result(personas.appraisal, weights))


# --------------------------------------------------------------------------------------------
# The figures are the engine's


@pytest.mark.parametrize("weights", WEIGHTS)
def test_the_table_holds_the_engines_figures_for_the_weights_given(client, personas, weights):
    html = what_if_html(client, personas.member, {f"w.{k}": v for k, v in weights.items()})
    expected = engine_result(personas.appraisal, weights)
    assert shown_rows(html) == expected_rows(expected)
    # The chart's table too: its last column is each option's weighted value.
    chart = section_after(html, 'aria-label="Data: Weighted value of each option with these')
    values = [row[-1] for row in table_rows(chart, "x")]
    assert values == [v if v != "–" else "Provisional" for _, v in expected_rows(expected)]


def section_after(html: str, marker: str) -> str:
    """The HTML from `marker` on, with its first table given the id "x" for table_rows."""
    rest = html[html.index(marker) :]
    return rest.replace("<table", '<table id="x"', 1)


def test_the_figures_are_the_engines_with_a_panel_left_out(client, personas):
    html = what_if_html(client, personas.member, {"panel.panel-2": "off"})
    own = {k: 100 * w for k, w in evaluate(personas.appraisal).result.weights.items()}
    expected = engine_result(personas.appraisal, own, without={"panel-2"})
    assert shown_rows(html) == expected_rows(expected)
    assert "leaving out the scores of Panel 2" in html
    assert not re.search(r'id="what-if-panel-panel-2"[^>]*checked', html)
    assert re.search(r'id="what-if-panel-panel-1"[^>]*checked', html)


def test_each_slider_is_marked_at_the_engines_switching_values(client, personas):
    weights = {"criterion-1": 50, "criterion-2": 30, "criterion-3": 20}
    html = what_if_html(client, personas.member, {f"w.{k}": v for k, v in weights.items()})
    result = engine_result(personas.appraisal, weights)
    marked = 0
    for s in result.switching:
        expected = [100 * p.weight for p in (s.lower, s.upper) if p is not None]
        assert ticks(html, s.criterion) == pytest.approx(expected, abs=0.005)
        marked += len(expected)
        for p in (s.lower, s.upper):
            if p is not None:
                name = result.option_names[p.new_leader]
                assert re.search(rf"Lead changes at \d+(\.\d)?%: (below|above) it, {name}", html)
    assert marked, "the test appraisal should have a switching value somewhere"


def test_the_appraisals_own_weights_show_the_appraisals_own_ranking(client, personas):
    client.force_login(personas.member)
    html = client.get(results_url()).content.decode()
    ranking = [(r[1], r[2]) for r in table_rows(html, "ranking-table")]
    what_if = shown_rows(section(html, "what-if"))
    assert [v for _, v in what_if] == [v for _, v in ranking]
    assert "These are the appraisal’s own weights and every panel’s scores" in html


def test_a_changed_lead_is_said_in_words(client, personas):
    own = evaluate(personas.appraisal).result
    for weights in WEIGHTS:
        result = engine_result(personas.appraisal, weights)
        if result.leader != own.leader:
            break
    else:
        pytest.fail("no weights in WEIGHTS change the test appraisal's leader")
    html = what_if_html(client, personas.member, {f"w.{k}": v for k, v in weights.items()})
    status = re.search(r'id="what-if-status"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert f"{own.option_names[result.leader]} leads" in status
    assert (
        f"That is a change: with the appraisal’s own weights and panels, "
        f"{own.option_names[own.leader]} leads."
    ) in status


def test_weights_all_at_zero_are_refused_in_words(client, personas):
    html = what_if_html(
        client,
        personas.member,
        {"w.criterion-1": 0, "w.criterion-2": 0, "w.criterion-3": 0},
    )
    assert "At least one weight must be above 0%." in html
    client.force_login(personas.member)
    ranking = table_rows(client.get(results_url()).content.decode(), "ranking-table")
    assert [v for _, v in shown_rows(html)] == [r[2] for r in ranking]


def test_weights_that_cannot_be_read_keep_the_appraisals_own(client, personas):
    html = what_if_html(client, personas.member, {"w.criterion-1": "lots", "w.nope": 5})
    assert "These are the appraisal’s own weights" in html


# --------------------------------------------------------------------------------------------
# The state is in the URL


def test_the_form_sent_without_javascript_moves_to_a_short_shareable_address(client, personas):
    client.force_login(personas.member)
    sent = (
        "w.criterion-1=50&w.criterion-2=30&w.criterion-3=20"
        "&panel.panel-1=off&panel.panel-1=on&panel.panel-2=off"
    )
    response = client.get(results_url(sent))
    assert response.status_code == 302
    tidy = results_url("w.criterion-1=50&w.criterion-2=30&w.criterion-3=20&panel.panel-2=off")
    assert response["Location"] == tidy + "#what-if"
    assert client.get(tidy).status_code == 200  # and it stays there


def test_the_appraisals_own_weights_sent_back_are_the_plain_results_page(client, personas):
    client.force_login(personas.member)
    own = evaluate(personas.appraisal).result.weights
    sent = {f"w.{k}": f"{100 * w:.2f}" for k, w in own.items()}
    sent |= {"panel.panel-1": "on", "panel.panel-2": "on"}
    response = client.get(results_url(sent))
    assert response["Location"] == results_url() + "#what-if"


def test_htmx_gets_the_table_chart_and_marks_and_the_address_follows(client, personas):
    client.force_login(personas.member)
    query = "w.criterion-1=50&w.criterion-2=30&w.criterion-3=20&panel.panel-1=off&panel.panel-1=on"
    response = client.get(endpoint(query), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response["HX-Replace-Url"] == (
        results_url("w.criterion-1=50&w.criterion-2=30&w.criterion-3=20") + "#what-if"
    )
    assert "<html" not in html and 'id="what-if-table"' in html and "chart-what-if" in html
    assert 'id="what-if-status" hx-swap-oob="innerHTML"' in html
    for key in ("criterion-1", "criterion-2", "criterion-3"):
        assert f'<datalist id="what-if-{key}-ticks" hx-swap-oob="innerHTML">' in html
        assert f'id="what-if-{key}-hint" hx-swap-oob="innerHTML"' in html
    weights = {"criterion-1": 50, "criterion-2": 30, "criterion-3": 20}
    assert shown_rows(html) == expected_rows(engine_result(personas.appraisal, weights))


def test_the_endpoint_without_htmx_is_the_results_page_in_that_state(client, personas):
    client.force_login(personas.member)
    response = client.get(endpoint({"w.criterion-1": 70}))
    assert response.status_code == 302
    assert response["Location"].startswith(results_url() + "?w.criterion-1=70&")
    # (the page's charts and what-if tab are printed first, to be cached: results.derived)
    page = client.get(endpoint())
    assert "appraisals/results.html" in [t.name for t in page.templates]


def test_an_appraisal_with_one_criterion_has_no_sliders(client, personas):
    make_appraisal(personas.lead, reference="single", criteria=1)
    client.force_login(personas.member)
    html = section(client.get(results_url(reference="single")).content.decode(), "what-if")
    assert 'type="range"' not in html
    assert "at least two criteria" in html


# --------------------------------------------------------------------------------------------
# Query counts

# Session, user; the appraisal (visibility through memberships); results.evaluate's ten and
# the declarations of interest (see tests/test_results_page.py); the user's memberships, for
# whether they may read exempt information (exempt.evaluation_for).
WHAT_IF_QUERIES = 15


def test_what_if_query_count_is_pinned_and_does_not_grow(
    client, personas, django_assert_num_queries
):
    big = make_appraisal(personas.lead, reference="big", options=8, criteria=10, panels=4)
    client.force_login(personas.member)
    for reference, key in ((REF, "criterion-1"), (big.reference, "criterion-7")):
        url = endpoint({f"w.{key}": 70, "panel.panel-2": "off"}, reference=reference)
        with django_assert_num_queries(WHAT_IF_QUERIES):
            assert client.get(url, headers={"HX-Request": "true"}).status_code == 200


def test_results_query_count_is_the_same_with_a_what_if_state(
    client, personas, django_assert_num_queries
):
    from tests.test_results_page import RESULTS_QUERIES

    client.force_login(personas.member)
    with django_assert_num_queries(RESULTS_QUERIES):
        assert client.get(results_url("panel.panel-2=off")).status_code == 200
