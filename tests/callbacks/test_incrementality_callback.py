"""Incremental ROAS Center outputs, from the demo database through the data service."""
import json

import plotly
import pytest

from analytics.lift_report import lift_report
from callbacks.incrementality import lift_cards, plan_answer, render_lift, segment_rows
from callbacks.overview import lift_strip
from dashboard.app import create_app


@pytest.fixture
def service(config):
    return create_app(config).server.config["DASHBOARD_SERVICE"]


def strings(node) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, (list, tuple)):
        return " ".join(strings(n) for n in node)
    return strings(getattr(node, "children", "") or "")


def test_lift_cards_state_the_confidence_level(service):
    report = service.lift(service.clean({}))
    abs_value, abs_ci, rel_value, rel_ci, iroas, iroas_ci, revenue, revenue_ci = lift_cards(report)
    assert abs_value.startswith(("₹", "-₹"))
    assert abs_ci.startswith("95% CI: ") and iroas_ci.startswith("95% CI: ")
    assert rel_value.endswith("%")


def test_render_outputs_are_json_and_say_no_one_minus_p(service):
    outputs = render_lift(service.lift(service.clean({})))
    text = json.dumps(outputs, cls=plotly.utils.PlotlyJSONEncoder)
    assert "confidence of" not in text.lower() and "% confident" not in text.lower()
    reading = outputs[10]
    assert "p = " in reading and "CI" in reading


def test_no_control_group_is_said_and_estimate_labelled_assumption(service):
    posts = service.posts(service.clean({}))
    report = lift_report(posts[posts["campaign_type"] == "test"])
    cards = lift_cards(report)
    assert cards[0] == "—" and "no control group" in cards[1]
    assert "assumed" in cards[5]
    assert "not measured" in strings(lift_strip(report).children)


def test_segment_rows_say_when_a_segment_was_not_tested(service):
    table = service.segments(service.clean({}), "platform")
    rows = segment_rows(table, "platform")
    assert {r["segment"] for r in rows} == set(service.known().platform)
    for row, (_, source) in zip(rows, table.iterrows()):
        if source["p_adjusted"] is None:
            assert row["verdict"].startswith(("insufficient data", "no variation"))
    json.dumps(rows)


def test_planner_answers_with_mde_and_units_needed(service):
    spec = service.clean({})
    plan = service.plan(spec, 1000, 0.2, 0.2)
    text = " ".join(strings(plan_answer(plan, 20)).split())
    assert "800 test and 200 control posts" in text and "posts in total" in text
    bigger = service.plan(spec, 4000, 0.2, 0.2)
    assert bigger.mde.abs_mde < plan.mde.abs_mde  # more posts, smaller detectable lift
    assert bigger.units_for_target == plan.units_for_target  # the answer to "how many" does not depend on n


def test_lift_follows_filters(service):
    everything = service.lift(service.clean({}))
    micro = service.lift(service.clean({"tier": ["Micro"]}))
    assert micro.n_units < everything.n_units
    assert micro.overall.comparison.n_test + micro.overall.comparison.n_control == micro.n_units


def test_overview_strip_reads_the_same_interval_it_judges(service):
    report = service.lift(service.clean({}))
    text = " ".join(strings(lift_strip(report).children).split())
    c = report.overall.comparison
    assert "per test post (95% CI" in text
    excludes = c.abs_lift_ci[0] > 0 or c.abs_lift_ci[1] < 0
    assert ("interval of the lift per post excludes zero" in text) == excludes
    assert "confidence of" not in text.lower()


def test_a_selection_with_only_control_posts_is_said_not_crashed(service):
    posts = service.posts(service.clean({}))
    only_control = posts[posts["campaign_type"] == "control"]
    report = lift_report(only_control)
    assert report.has_control and report.mde is None
    outputs = render_lift(report)
    assert "Insufficient data" in " ".join(report.warnings)
    assert outputs[2] == "—"  # no lift per post without test posts
    strings(lift_strip(report).children)


def test_reading_separates_a_segments_own_p_from_the_adjusted_verdict():
    import pandas as pd

    table = pd.DataFrame({"tier": ["Micro", "Mega", "Macro"], "n_test": [50, 50, 3], "n_control": [20, 20, 1],
                          "abs_lift": [900.0, 100.0, 5.0], "rel_lift": [0.5, 0.1, 0.1], "iroas": [2.0, 0.5, 1.0],
                          "p_value": [0.037, 0.6, 0.5], "p_adjusted": [0.074, 0.6, None],
                          "significant": [False, False, False],
                          "warning": ["", "", "insufficient data: 3 test and 1 control units"]})
    rows = {r["segment"]: r["verdict"] for r in segment_rows(table, "tier")}
    assert rows["Micro"].startswith("p < 0.05 on its own, but not after adjusting for the 2 segments")
    assert rows["Mega"] == "no lift detected at this sample size"
    assert rows["Macro"].startswith("insufficient data")


def test_planner_says_what_is_wrong_with_its_inputs():
    from callbacks.incrementality import planner_problems

    assert planner_problems(20, 300, 20) == []
    assert planner_problems(0, 300, 20) == ["Control share must be between 5% and 50%."]
    assert planner_problems(20, -300, 20) == ["Posts in the test must be at least 10."]
    assert planner_problems(None, None, 0) == ["Control share must be between 5% and 50%.",
                                               "Posts in the test must be at least 10.",
                                               "Target lift must be above 0%."]
