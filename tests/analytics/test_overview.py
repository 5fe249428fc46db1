import pandas as pd
import pytest

from analytics.facts import build_facts
from analytics.filters import clean_spec, known_values
from analytics.overview import campaign_overview, kpi_deltas, relative_change, trend


@pytest.fixture
def facts(tables):
    return build_facts(tables)


def overview(facts, raw=None, **kwargs):
    known = known_values(facts.daily)
    return campaign_overview(facts.daily, facts.influencers, clean_spec(raw or {}, known), known, **kwargs)


def test_kpis_match_hand_computed_totals(facts):
    o = overview(facts, targets={"roas": 4.0})
    assert o.kpis["revenue"].value == pytest.approx(7500.0)
    assert o.kpis["spend"].value == pytest.approx(2050.0)
    assert o.kpis["roas"].value == pytest.approx(7500 / 2050)
    assert o.kpis["orders"].value == pytest.approx(5.0)
    assert o.kpis["aov"].value == pytest.approx(1500.0)
    assert o.kpis["profit"].value == pytest.approx(3700 - 2050)
    assert o.kpis["roas"].vs_target == pytest.approx((7500 / 2050) / 4.0 - 1)
    assert o.previous_period is None  # nothing before the data starts
    assert o.influencers == 2 and o.posts == 3


def test_previous_period_deltas(facts):
    # current 2026-01-06 .. 2026-01-10 (5 days): revenue 500 (O3) + 3,000 (T5), no spend;
    # previous 2026-01-01 .. 2026-01-05: revenue 1,000 + 1,000 (P1) + 2,000 (O2), spend 700 + 1,250 + 100.
    o = overview(facts, {"start": "2026-01-06"})
    assert o.previous_period == ("2026-01-01", "2026-01-05")
    assert o.kpis["revenue"].value == pytest.approx(3500.0)
    assert o.kpis["revenue"].previous == pytest.approx(4000.0)
    assert o.kpis["revenue"].change == pytest.approx(3500 / 4000 - 1)
    assert o.kpis["spend"].previous == pytest.approx(2050.0)


def test_breakdowns_add_up_to_the_total(facts):
    o = overview(facts)
    for name, table in o.breakdowns.items():
        assert table["revenue"].sum() == pytest.approx(o.kpis["revenue"].value), name
        assert table["spend"].sum() == pytest.approx(o.kpis["spend"].value), name


def test_top_influencers_sorted_by_revenue_with_names(facts):
    top = overview(facts).top_influencers
    assert top["name"].tolist() == ["Bharat", "Asha"]
    assert top["roas"].tolist() == pytest.approx([4.0, 2500 / 800])


def test_empty_selection_is_empty_not_an_error(facts):
    o = overview(facts, {"brand": ["HKVitals"], "tier": ["Mega"]})
    assert o.empty and o.kpis["revenue"].value == 0 and o.trend.empty and o.top_influencers.empty


def test_weekly_trend_sums_days_into_monday_weeks(facts):
    daily = trend(facts.daily, "D")
    weekly = trend(facts.daily, "W")
    assert weekly["revenue"].sum() == pytest.approx(daily["revenue"].sum())
    assert (weekly["period"].dt.day_of_week == 0).all()
    assert len(daily) == 10  # every day of the range, empty days included


def test_rolling_roas_is_ratio_of_7_day_sums(facts):
    daily = trend(facts.daily, "D").set_index("period")
    window = daily.loc[:pd.Timestamp("2026-01-07")].tail(7)
    assert daily.loc[pd.Timestamp("2026-01-07"), "roas"] == pytest.approx(window["revenue"].sum()
                                                                            / window["spend"].sum())


def test_relative_change_edge_cases():
    assert relative_change(5.0, None) is None
    assert relative_change(5.0, 0.0) is None
    assert relative_change(50.0, -100.0) == pytest.approx(1.5)
    deltas = kpi_deltas({k: 1.0 for k in ("revenue", "spend", "roas", "orders", "aov", "profit", "roi")}, None, {})
    assert all(d.change is None and d.target is None for d in deltas.values())


def test_part_covered_previous_period_shows_no_change(facts):
    # 2026-01-04 .. 2026-01-10 (7 days): the previous 7 days start on 2025-12-28, before the data
    o = overview(facts, {"start": "2026-01-04"})
    assert o.previous_period is None and o.kpis["revenue"].change is None
    assert "partly covered" in o.comparison_note


def test_previous_period_keeps_the_current_influencers_under_min_roas(facts):
    # current 01-06..01-10 with min ROAS 1: I1 (500 revenue / 100 spend) and I2 (3,000 / 0) are kept;
    # the previous period must be judged on the same two influencers, not re-filtered by its own ROAS
    o = overview(facts, {"start": "2026-01-06", "min_roas": 1})
    assert o.kpis["revenue"].previous == pytest.approx(4000.0)
