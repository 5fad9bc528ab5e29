"""What if on the results page, on the keyboard: a member moves weight sliders with the
arrow keys (and Home, End), leaves out a panel with Space, and the table, the chart and the
sentence read out follow; each position's figures are the engine's for the weights in the
page's address; a slider's mark is where the lead changes; Reset and a shared address work;
axe finds nothing; the strict CSP holds."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from appraisals.explain import format_percent
from appraisals.results import evaluate
from tests.browser.conftest import assert_accessible, log_in
from tests.test_what_if import engine_result, expected_rows

RESULTS = "/appraisals/test-appraisal/results/"


def url_state(url: str) -> tuple[dict[str, float], set[str]]:
    query = parse_qs(urlsplit(url).query)
    weights = {k[2:]: float(v[-1]) for k, v in query.items() if k.startswith("w.")}
    off = {k[6:] for k, v in query.items() if k.startswith("panel.") and v[-1] == "off"}
    return weights, off


def slider_values(page) -> dict[str, float]:
    return page.eval_on_selector_all(
        "#what-if-form input[type=range]",
        "els => Object.fromEntries(els.map(e => [e.name.slice(2), Number(e.value)]))",
    )


def shown(page) -> list[tuple[str, str]]:
    rows = page.locator("#what-if-table tbody tr")
    return [
        (rows.nth(i).locator("th").inner_text(), rows.nth(i).locator("td").nth(1).inner_text())
        for i in range(rows.count())
    ]


def settled(page, appraisal, *, weights_in_url: bool = True) -> dict[str, float]:
    """Wait until the address holds the sliders' weights and the table the engine's figures
    for them; return the weights."""
    values = slider_values(page)
    if weights_in_url:
        page.wait_for_function(
            """() => [...document.querySelectorAll("#what-if-form input[type=range]")].every(
                 (e) => Math.abs(Number(new URLSearchParams(location.search).get(e.name))
                                 - Number(e.value)) < 0.005)"""
        )
    weights, off = url_state(page.url)
    if weights_in_url:
        assert weights == pytest.approx(values, abs=0.005)
    own = {k: 100 * w for k, w in evaluate(appraisal).result.weights.items()}
    expected = expected_rows(engine_result(appraisal, weights or own, without=off))
    expect(page.locator("#what-if-table tbody tr th")).to_have_text([n for n, _ in expected])
    expect(page.locator("#what-if-table tbody tr td:nth-child(3)")).to_have_text(
        [v for _, v in expected]
    )
    return values


@pytest.fixture
def what_if_tab(page, personas):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, "bob")
    page.goto(RESULTS)
    page.locator('.govuk-tabs__tab[href="#what-if"]').click()
    expect(page.locator("#what-if")).to_be_visible()
    yield page
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_the_arrow_keys_move_a_weight_and_the_engines_ranking_follows(what_if_tab, personas):
    page, appraisal = what_if_tab, personas.appraisal
    first = page.get_by_role("slider", name="Criterion 1")
    first.focus()
    start = slider_values(page)["criterion-1"]
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    values = settled(page, appraisal)
    assert values["criterion-1"] == pytest.approx(start + 5, abs=0.01)
    assert sum(values.values()) == pytest.approx(100, abs=0.02)  # the others made room
    # The others kept their proportions to each other (2 : 3 in the test appraisal).
    assert values["criterion-3"] / values["criterion-2"] == pytest.approx(1.5, rel=0.01)
    expect(page.locator("[data-weight-of=what-if-criterion-1]")).to_have_text(
        f"{round(values['criterion-1'])}%"
    )
    expect(first).to_have_attribute("aria-valuetext", f"{round(values['criterion-1'])}%")

    page.keyboard.press("End")  # everything on one criterion
    values = settled(page, appraisal)
    assert values == {"criterion-1": 100, "criterion-2": 0, "criterion-3": 0}
    page.keyboard.press("Home")  # none on it: the others share what is left equally
    values = settled(page, appraisal)
    assert values == {"criterion-1": 0, "criterion-2": 50, "criterion-3": 50}

    page.keyboard.press("Tab")  # on to the next slider, and along it
    expect(page.get_by_role("slider", name="Criterion 2")).to_be_focused()
    for _ in range(12):
        page.keyboard.press("ArrowLeft")
    values = settled(page, appraisal)
    assert values["criterion-2"] == pytest.approx(38, abs=0.01)
    assert values["criterion-1"] == 0
    assert_accessible(page)


def test_a_slider_is_marked_where_the_lead_changes_and_moving_past_it_changes_it(
    what_if_tab, personas
):
    page, appraisal = what_if_tab, personas.appraisal
    own = evaluate(appraisal).result
    s, point = next((s, p) for s in own.switching for p in (s.upper, s.lower) if p is not None)
    name = own.criterion_names[s.criterion]
    at = 100 * point.weight
    ticks = page.locator(f"#what-if-{s.criterion}-ticks option")
    expect(ticks.first).to_have_attribute("value", f"{at:.2f}")
    hint = page.locator(f"#what-if-{s.criterion}-hint")
    expect(hint).to_contain_text(f"{own.option_names[point.new_leader]} would lead")

    slider = page.get_by_role("slider", name=name)
    slider.focus()
    key = "ArrowRight" if point is s.upper else "ArrowLeft"
    now = slider_values(page)[s.criterion]
    steps = int(abs(at - now)) + 1  # one step past the mark
    for _ in range(steps):
        page.keyboard.press(key)
    settled(page, appraisal)
    status = page.locator("#what-if-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text(f"{own.option_names[point.new_leader]} leads with")
    expect(status).to_contain_text("That is a change")
    # Moving this slider leaves its own marks where they were.
    expect(ticks.first).to_have_attribute("value", f"{at:.2f}")
    for _ in range(2):  # back the other side of the mark: the leader is the appraisal's again
        page.keyboard.press("ArrowLeft" if key == "ArrowRight" else "ArrowRight")
    settled(page, appraisal)
    expect(status).to_contain_text("The same option leads")


def marks_of(page, key: str) -> list[tuple[str, float]]:
    """The labels drawn under a slider and the x (in CSS pixels) of each mark's line."""
    return page.eval_on_selector_all(
        f"#what-if-{key}-marks polygon",
        """els => els.map((mark) => {
             const box = mark.getBoundingClientRect();
             return [mark.parentNode.nextElementSibling.textContent, box.left + box.width / 2];
           })""",
    )


def test_each_switching_value_is_drawn_on_its_slider_with_a_label_and_described(
    what_if_tab, personas
):
    page, appraisal = what_if_tab, personas.appraisal
    own = evaluate(appraisal).result
    points = {s.criterion: [p for p in (s.lower, s.upper) if p is not None] for s in own.switching}
    assert any(points.values()), "the test appraisal has a switching value to draw"
    for key, name in own.criterion_names.items():
        slider = page.get_by_role("slider", name=name)
        marks = page.locator(f"#what-if-{key}-marks")
        expect(marks).to_have_attribute("aria-hidden", "true")  # said once, in the description
        labels = [f"Lead changes at {format_percent(p.weight)}" for p in points.get(key, [])]
        expect(marks.locator("text")).to_have_text(labels)
        for label in labels:
            expect(marks.get_by_text(label)).to_be_visible()
            # A screen reader hears the same on the slider, by keyboard, with who would lead.
            expect(slider).to_have_accessible_description(re.compile(re.escape(label)))
        marks.scroll_into_view_if_needed()
        box = slider.bounding_box()
        for (label, x), point in zip(marks_of(page, key), points.get(key, []), strict=True):
            # The mark is where the thumb's centre is at that weight: a click on the slider
            # at the mark's x puts the weight there (to within a percent of the travel).
            assert box["x"] < x < box["x"] + box["width"]
            label_box = marks.get_by_text(label).bounding_box()
            assert box["x"] - 1 <= label_box["x"] and (
                label_box["x"] + label_box["width"] <= box["x"] + box["width"] + 1
            ), "the label stays within the slider's width"
            page.mouse.click(x, box["y"] + box["height"] / 2)
            assert slider_values(page)[key] == pytest.approx(100 * point.weight, abs=1)
            settled(page, appraisal)
            page.goto(RESULTS + "#what-if")  # back to the appraisal's own weights
            marks.scroll_into_view_if_needed()
            box = slider.bounding_box()
    # Moving one slider redraws the other sliders' marks from the engine, and the
    # descriptions with them.
    first = page.get_by_role("slider", name="Criterion 1")
    first.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    weights = settled(page, appraisal)
    moved = engine_result(appraisal, weights)
    for s in moved.switching:
        labels = [f"Lead changes at {format_percent(p.weight)}" for p in (s.lower, s.upper) if p]
        expect(page.locator(f"#what-if-{s.criterion}-marks text")).to_have_text(labels)
        for label in labels:
            slider = page.get_by_role("slider", name=moved.criterion_names[s.criterion])
            expect(slider).to_have_accessible_description(re.compile(re.escape(label)))
    assert_accessible(page)


def test_space_leaves_a_panel_out_and_reset_returns_to_the_appraisals_own(what_if_tab, personas):
    page, appraisal = what_if_tab, personas.appraisal
    own_rows = shown(page)
    page.get_by_label("Panel 2").focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"\?panel\.panel-2=off#what-if$"))
    settled(page, appraisal, weights_in_url=False)
    expect(page.locator("#what-if-status")).to_contain_text("leaving out the scores of Panel 2")

    page.get_by_role("slider", name="Criterion 3").focus()
    page.keyboard.press("PageDown")
    settled(page, appraisal)
    assert "panel.panel-2=off" in page.url
    assert_accessible(page)

    page.get_by_role("link", name="Reset to the appraisal’s own weights").click()
    expect(page).to_have_url(re.compile(r"/results/#what-if$"))
    expect(page.get_by_label("Panel 2")).to_be_checked()
    expect(page.locator("#what-if-status")).to_contain_text(
        "These are the appraisal’s own weights and every panel’s scores"
    )
    expect(page.locator("#what-if-table tbody tr td:nth-child(3)")).to_have_text(
        [v for _, v in own_rows]
    )
    own = {k: f"{100 * w:.2f}" for k, w in evaluate(appraisal).result.weights.items()}
    assert {k: f"{v:.2f}" for k, v in slider_values(page).items()} == own


def test_a_shared_address_opens_on_the_same_weights(page, personas):
    appraisal = personas.appraisal
    log_in(page, "pat")  # an officer of the partner council
    page.goto(f"{RESULTS}?w.criterion-1=70&w.criterion-2=10&w.criterion-3=20#what-if")
    expect(page.locator("#what-if")).to_be_visible()  # the tab the address names
    assert slider_values(page) == {"criterion-1": 70, "criterion-2": 10, "criterion-3": 20}
    expect(page.get_by_role("slider", name="Criterion 1")).to_have_attribute(
        "aria-valuetext", "70%"
    )
    settled(page, appraisal)
    assert_accessible(page)


def test_without_javascript_the_form_shows_the_same_figures(browser, live_server, personas):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "bob")
    page.goto(RESULTS)
    page.get_by_label("Panel 1").uncheck()
    page.get_by_role("button", name="Show the ranking with these weights").click()
    expect(page).to_have_url(re.compile(r"\?panel\.panel-1=off#what-if$"))
    own = {k: 100 * w for k, w in evaluate(personas.appraisal).result.weights.items()}
    expected = expected_rows(engine_result(personas.appraisal, own, without={"panel-1"}))
    assert shown(page) == expected
    expect(page.locator(".app-what-if__marks text").first).to_be_visible()  # drawn, no script
    context.close()


def test_the_sensitivity_tab_leads_to_the_sliders(page, personas):
    log_in(page, "bob")
    page.goto(RESULTS)
    page.get_by_role("tab", name="Sensitivity").click()
    page.get_by_role("link", name="Try other weights yourself").click()
    expect(page.locator("#what-if")).to_be_visible()
    expect(page.get_by_role("tab", name="What if")).to_have_attribute("aria-selected", "true")
