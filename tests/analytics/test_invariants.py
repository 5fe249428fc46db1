"""Invariants on generated data, and KPIs against a direct pandas computation from the raw tables."""
import itertools

import numpy as np
import pandas as pd
import pytest

from analytics.facts import build_facts
from analytics.filters import apply_filters, clean_spec, known_values
from analytics.metrics import metrics_by, totals
from analytics.overview import campaign_overview


@pytest.fixture(scope="module")
def facts(demo):
    return build_facts(demo.tables)


@pytest.fixture(scope="module")
def known(facts):
    return known_values(facts.daily)


def direct_last_touch(tables) -> pd.DataFrame:
    """Each order once, credited to its latest-posted touch, computed straight from the raw tables."""
    tracking = tables["tracking_data"].drop(columns=["brand"]).merge(
        tables["posts"][["post_id", "date", "brand", "platform"]].rename(columns={"date": "post_date"}),
        on="post_id")
    tracking["is_click"] = tracking["touch_type"] == "click"
    tracking = tracking.sort_values(["order_id", "post_date", "is_click", "tracking_id"])
    return tracking.groupby("order_id").tail(1)


def test_kpis_equal_direct_computation(demo, facts):
    tables = demo.tables
    orders = direct_last_touch(tables)
    t = totals(facts.daily)
    assert t["revenue"] == pytest.approx(orders["revenue"].sum())
    assert t["orders"] == pytest.approx(orders["orders"].sum())
    # every demo payout lands on a post, so spend is all payouts
    assert facts.unallocated_spend == 0
    assert t["spend"] == pytest.approx(tables["payouts"]["total_payout"].sum())
    assert t["roas"] == pytest.approx(orders["revenue"].sum() / tables["payouts"]["total_payout"].sum())
    assert t["gross_profit"] == pytest.approx(orders["profit"].sum())


def test_brand_revenue_equals_direct_computation(demo, facts):
    direct = direct_last_touch(demo.tables).groupby("brand")["revenue"].sum()
    ours = metrics_by(facts.daily, "brand").set_index("brand")["revenue"]
    pd.testing.assert_series_equal(ours.sort_index(), direct.sort_index(), check_names=False, check_dtype=False)


def test_multi_touch_orders_are_counted_once(demo, facts):
    tracking = demo.tables["tracking_data"]
    assert tracking["order_id"].duplicated().any(), "the demo data should have multi-touch orders"
    naive = tracking["revenue"].sum()
    assert totals(facts.daily)["revenue"] < naive


@pytest.mark.parametrize("dimension", ["brand", "platform", "tier", "category"])
def test_group_totals_add_up_to_total(facts, dimension):
    table = metrics_by(facts.daily, dimension)
    full = totals(facts.daily)
    for column in ("revenue", "spend", "orders", "gross_profit", "reach"):
        assert table[column].sum() == pytest.approx(full[column])


def test_filtered_never_exceeds_unfiltered(facts, known):
    full = totals(facts.daily)
    rng = np.random.default_rng(3)
    for _ in range(25):
        raw = {name: list(rng.choice(getattr(known, name), size=rng.integers(1, 3), replace=False))
               for name in ("brand", "platform", "tier", "category") if rng.random() < 0.5}
        if rng.random() < 0.5:
            raw["min_roas"] = float(rng.uniform(0.5, 4))
        part = totals(apply_filters(facts.daily, clean_spec(raw, known)))
        for column in ("revenue", "spend", "orders"):
            assert part[column] <= full[column] + 1e-6, raw


def test_brand_filters_partition_the_total(facts, known):
    parts = [totals(apply_filters(facts.daily, clean_spec({"brand": [b]}, known)))["revenue"] for b in known.brand]
    assert sum(parts) == pytest.approx(totals(facts.daily)["revenue"])


def test_overview_kpis_match_filtered_direct_computation(demo, facts, known):
    orders = direct_last_touch(demo.tables)
    for brand, platform in itertools.islice(itertools.product(known.brand, known.platform), 6):
        spec = clean_spec({"brand": [brand], "platform": [platform]}, known)
        o = campaign_overview(facts.daily, facts.influencers, spec, known)
        expected = orders[(orders["brand"] == brand) & (orders["platform"] == platform)]["revenue"].sum()
        assert o.kpis["revenue"].value == pytest.approx(expected)
