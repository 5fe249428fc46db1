"""Tests of the demo data generator: shape, integrity, payout arithmetic and the planted truth."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics.schema import ENTITIES, tier_from_followers
from dashboard.demo import DemoDataset, generate_demo

BIG = dict(n_influencers=2000, n_posts=20_000, n_events=200_000)


@pytest.fixture(scope="module")
def default() -> DemoDataset:
    return generate_demo()


@pytest.fixture(scope="module")
def big() -> DemoDataset:
    return generate_demo(seed=7, **BIG)


@pytest.fixture(scope="module")
def no_effect() -> DemoDataset:
    return generate_demo(seed=11, effect=False, n_influencers=500, n_posts=5000, n_events=50_000)


def primary_touches(demo: DemoDataset) -> pd.DataFrame:
    """The click rows: one per order, on the post that gets last-touch credit."""
    tracking = demo.tables["tracking_data"]
    return tracking[tracking["touch_type"] == "click"]


def primary_revenue_per_post(demo: DemoDataset) -> pd.Series:
    """Revenue of the orders each post is the primary touch of, zeros included, by post_id."""
    posts = demo.tables["posts"]
    return primary_touches(demo).groupby("post_id")["revenue"].sum().reindex(posts["post_id"]).fillna(0.0)


# ------------------------------------------------------------------------------ determinism


def test_same_seed_gives_identical_data():
    first, second = generate_demo(seed=5), generate_demo(seed=5)
    for name in ENTITIES:
        pd.testing.assert_frame_equal(first.tables[name], second.tables[name])
    pd.testing.assert_frame_equal(first.truth_posts, second.truth_posts)
    assert first.truth == second.truth


def test_different_seed_gives_different_data(default):
    other = generate_demo(seed=43)
    for name in ENTITIES:
        assert not default.tables[name].equals(other.tables[name]), name


# ------------------------------------------------------------------------------ shape


@pytest.mark.parametrize("sizes", [dict(), dict(n_influencers=12, n_posts=50, n_events=137),
                                   dict(n_influencers=40, n_posts=20, n_events=1)])
def test_exact_sizes_and_schema_columns(sizes):
    demo = generate_demo(seed=3, **sizes)
    expected = {"n_influencers": 75, "n_posts": 300, "n_events": 800, **sizes}
    assert len(demo.tables["influencers"]) == expected["n_influencers"]
    assert len(demo.tables["posts"]) == expected["n_posts"]
    assert len(demo.tables["tracking_data"]) == expected["n_events"]
    assert len(demo.truth_posts) == expected["n_posts"]
    assert set(demo.tables) == set(ENTITIES)
    for name, entity in ENTITIES.items():
        assert list(demo.tables[name].columns) == entity.column_names, name


def test_dtypes_follow_schema_kinds(default):
    for name, entity in ENTITIES.items():
        frame = default.tables[name]
        for col in entity.columns:
            series = frame[col.name]
            if col.kind == "str":
                assert series.dtype == object or pd.api.types.is_string_dtype(series), (name, col.name)
                assert series.map(lambda v: v is None or isinstance(v, str)).all(), (name, col.name)
            elif col.kind == "int":
                assert series.dtype == np.int64, (name, col.name)
            elif col.kind == "float":
                assert series.dtype == np.float64, (name, col.name)
            else:
                assert series.dtype == "datetime64[ns]", (name, col.name)
                if col.kind == "date":
                    assert (series == series.dt.normalize()).all(), (name, col.name)


def test_missing_post_id_is_none(default):
    post_id = default.tables["payouts"]["post_id"]
    assert post_id.isna().any()
    assert all(v is None for v in post_id[post_id.isna()])


def test_id_formats(default):
    patterns = {("influencers", "influencer_id"): r"INF\d{5}", ("posts", "post_id"): r"P\d{7}",
                ("tracking_data", "tracking_id"): r"T\d{8}", ("tracking_data", "order_id"): r"O\d{8}",
                ("tracking_data", "user_id"): r"U\d{7}", ("payouts", "payout_id"): r"PAY\d{7}"}
    for (table, column), pattern in patterns.items():
        assert default.tables[table][column].str.fullmatch(pattern).all(), (table, column)
    assert default.tables["influencers"]["influencer_id"].iloc[0] == "INF00001"


# ------------------------------------------------------------------------------ integrity


def test_ids_unique_and_references_exist(default):
    t = default.tables
    for name, entity in ENTITIES.items():
        assert t[name][entity.key].is_unique, name
    influencer_ids, post_ids = set(t["influencers"]["influencer_id"]), set(t["posts"]["post_id"])
    assert set(t["posts"]["influencer_id"]) <= influencer_ids
    assert set(t["tracking_data"]["post_id"]) <= post_ids
    assert set(t["tracking_data"]["influencer_id"]) <= influencer_ids
    assert set(t["payouts"]["influencer_id"]) <= influencer_ids
    assert set(t["payouts"]["post_id"].dropna()) <= post_ids


def test_rows_agree_with_their_post(default):
    posts = default.tables["posts"].set_index("post_id")
    tracking = default.tables["tracking_data"]
    row_post = posts.loc[tracking["post_id"]]
    assert (row_post["influencer_id"].to_numpy() == tracking["influencer_id"].to_numpy()).all()
    assert (row_post["campaign_type"].to_numpy() == tracking["campaign_type"].to_numpy()).all()
    assert (row_post["brand"].to_numpy() == tracking["brand"].to_numpy()).all()
    influencers = default.tables["influencers"].set_index("influencer_id")
    assert (influencers.loc[posts["influencer_id"], "platform"].to_numpy() == posts["platform"].to_numpy()).all()


def test_posts_are_dated_inside_the_period():
    demo = generate_demo(seed=2, start="2026-01-15", days=30)
    dates = demo.tables["posts"]["date"]
    assert dates.min() >= pd.Timestamp("2026-01-15")
    assert dates.max() < pd.Timestamp("2026-01-15") + pd.Timedelta(days=30)


def test_each_order_has_one_click_and_shared_values(big):
    tracking = big.tables["tracking_data"]
    per_order = tracking.assign(click=tracking["touch_type"] == "click").groupby("order_id").agg(
        clicks=("click", "sum"), rows=("tracking_id", "size"),
        revenue=("revenue", "nunique"), profit=("profit", "nunique"), date=("date", "nunique"),
        user=("user_id", "nunique"), product=("product", "nunique"))
    assert (per_order["clicks"] == 1).all()
    assert (per_order[["revenue", "profit", "date", "user", "product"]] == 1).all().all()
    assert per_order["rows"].between(1, 3).all()
    single = (per_order["rows"] == 1).mean()
    assert 0.7 < single < 0.9  # about 80% of orders are single-touch


def test_view_touches_come_from_earlier_posts_of_the_brand(big):
    tracking, posts = big.tables["tracking_data"], big.tables["posts"].set_index("post_id")
    clicks = primary_touches(big).set_index("order_id")
    views = tracking[tracking["touch_type"] == "view"]
    assert len(views) > 0
    view_post_date = posts.loc[views["post_id"], "date"].to_numpy()
    primary_post = clicks.loc[views["order_id"], "post_id"]
    primary_date = posts.loc[primary_post, "date"].to_numpy()
    assert (view_post_date < primary_date).all()
    assert (views["date"].to_numpy() - view_post_date <= np.timedelta64(14, "D")).all()
    assert (posts.loc[views["post_id"], "brand"].to_numpy() == views["brand"].to_numpy()).all()
    assert not views.duplicated(["order_id", "post_id"]).any()  # two views of one order: two posts


def test_orders_follow_their_primary_post_within_a_week(default):
    clicks = primary_touches(default)
    post_date = default.tables["posts"].set_index("post_id").loc[clicks["post_id"], "date"].to_numpy()
    delay = clicks["date"].to_numpy() - post_date
    assert (delay >= np.timedelta64(0)).all() and (delay < np.timedelta64(7, "D")).all()


def test_revenue_and_profit_follow_the_catalogue(default):
    clicks = primary_touches(default)
    post = default.tables["posts"].set_index("post_id").loc[clicks["post_id"]]
    assert (post["product"].to_numpy() == clicks["product"].to_numpy()).all()
    quantity = clicks["revenue"].to_numpy() / post["product_price"].to_numpy()
    assert np.isin(quantity, [1.0, 2.0, 3.0]).all()
    expected_profit = np.round(clicks["revenue"].to_numpy() * post["product_margin"].to_numpy(), 2)
    np.testing.assert_allclose(clicks["profit"].to_numpy(), expected_profit, atol=1e-9)
    assert (default.tables["tracking_data"]["orders"] == 1).all()
    assert default.tables["tracking_data"]["attribution_score"].between(0, 1, inclusive="right").all()


def test_tracking_sorted_by_date_with_ids_in_that_order(default):
    tracking = default.tables["tracking_data"]
    assert tracking["date"].is_monotonic_increasing
    assert tracking["tracking_id"].is_monotonic_increasing


def test_incremental_flag_only_on_clicks_of_test_posts(big):
    tracking = big.tables["tracking_data"]
    flagged = tracking[tracking["incremental_flag"] == 1]
    assert len(flagged) > 0
    assert (flagged["touch_type"] == "click").all() and (flagged["campaign_type"] == "test").all()


def test_margins_span_the_three_bands(default):
    margin = default.tables["posts"]["product_margin"]
    assert (margin > 0.5).any() and margin.between(0.3, 0.5).any() and (margin < 0.3).any()


def test_posts_without_orders_exist(default):
    assert (primary_revenue_per_post(default) == 0).any()


# ------------------------------------------------------------------------------ influencers


def test_stored_tier_matches_followers(big):
    influencers = big.tables["influencers"]
    assert (tier_from_followers(influencers["follower_count"]) == influencers["tier"].to_numpy()).all()
    assert set(influencers["tier"]) == {"Micro", "Macro", "Mega"}


def test_micro_engage_more_than_mega(big):
    rate = big.tables["influencers"].groupby("tier")["engagement_rate_baseline"].mean()
    assert rate["Micro"] > rate["Macro"] > rate["Mega"]


def test_control_share_within_binomial_band(big):
    n = len(big.tables["posts"])
    share = (big.tables["posts"]["campaign_type"] == "control").mean()
    assert abs(share - 0.2) <= 4 * np.sqrt(0.2 * 0.8 / n)


# ------------------------------------------------------------------------------ payouts and spend


def covered_posts(demo: DemoDataset) -> np.ndarray:
    """Posts each payout pays for: its post, or all the influencer's posts."""
    payouts = demo.tables["payouts"]
    per_influencer = demo.tables["posts"].groupby("influencer_id").size()
    return np.where(payouts["post_id"].notna(), 1, per_influencer.reindex(payouts["influencer_id"]).to_numpy())


def primary_orders(demo: DemoDataset) -> np.ndarray:
    """Primary orders of each payout's post, or of all the influencer's posts."""
    payouts, clicks = demo.tables["payouts"], primary_touches(demo)
    by_post = clicks.groupby("post_id").size()
    by_influencer = clicks.groupby("influencer_id").size()
    return np.where(payouts["post_id"].notna(), by_post.reindex(payouts["post_id"]).fillna(0).to_numpy(),
                    by_influencer.reindex(payouts["influencer_id"]).fillna(0).to_numpy())


@pytest.mark.parametrize("which", ["default", "big"])
def test_payout_arithmetic(which, request):
    demo = request.getfixturevalue(which)
    payouts = demo.tables["payouts"]
    posts_paid, orders = covered_posts(demo), primary_orders(demo)
    assert (payouts["orders"].to_numpy() == orders).all()
    rate, cpo = payouts["rate"].to_numpy(), payouts["cost_per_order"].to_numpy()
    bonus, total = payouts["performance_bonus"].to_numpy(), payouts["total_payout"].to_numpy()
    basis = payouts["basis"].to_numpy()
    assert set(basis) == {"post", "order", "hybrid"}
    assert (np.round(total, 2) == total).all() and (total >= 0).all()

    post = basis == "post"
    np.testing.assert_allclose(total[post], np.round(rate[post] * posts_paid[post], 2), atol=1e-9)
    assert (bonus[post] == 0).all()

    order = basis == "order"
    np.testing.assert_allclose(cpo[order], rate[order])
    np.testing.assert_allclose(total[order], np.round(rate[order] * orders[order], 2), atol=1e-9)
    assert (bonus[order] == 0).all()

    hybrid = basis == "hybrid"
    parts = rate[hybrid] * posts_paid[hybrid] + cpo[hybrid] * orders[hybrid]
    np.testing.assert_allclose(total[hybrid], np.round(parts + bonus[hybrid], 2), atol=1e-9)
    paid_bonus = bonus[hybrid] > 0
    np.testing.assert_allclose(bonus[hybrid][paid_bonus], np.round(0.1 * parts[paid_bonus], 2), atol=1e-9)
    assert (orders[hybrid][paid_bonus] > 0).all()
    assert (payouts["tier"].to_numpy() == demo.tables["influencers"].set_index("influencer_id").loc[
        payouts["influencer_id"], "tier"].to_numpy()).all()


def test_payouts_cover_each_post_once(big):
    payouts, posts = big.tables["payouts"], big.tables["posts"]
    whole = set(payouts.loc[payouts["post_id"].isna(), "influencer_id"])
    by_post = payouts["post_id"].dropna()
    assert by_post.is_unique
    assert set(posts["post_id"]) == set(by_post) | set(posts.loc[posts["influencer_id"].isin(whole), "post_id"])
    assert not posts.loc[posts["influencer_id"].isin(whole), "post_id"].isin(by_post).any()
    assert payouts["post_id"].notna().mean() > 0.5  # most influencers are paid per post


def test_spend_per_post_adds_up_to_payouts(default, big):
    for demo in (default, big):
        assert abs(demo.truth_posts["spend"].sum() - demo.tables["payouts"]["total_payout"].sum()) < 0.01
        spend_by_influencer = demo.truth_posts["spend"].groupby(demo.tables["posts"]["influencer_id"]).sum()
        paid = demo.tables["payouts"].groupby("influencer_id")["total_payout"].sum()
        pd.testing.assert_series_equal(spend_by_influencer.reindex(paid.index), paid, check_names=False,
                                       atol=0.01)


def test_spend_matches_the_analytics_allocation_rule(default):
    spend_module = pytest.importorskip("analytics.spend")
    orders = primary_touches(default).groupby("post_id").size()
    allocation = spend_module.spend_by_post(default.tables["posts"], default.tables["payouts"], orders)
    np.testing.assert_allclose(allocation.by_post.to_numpy(), default.truth_posts["spend"].to_numpy(), atol=0.01)


def test_default_overall_roas_is_realistic(default):
    roas = primary_touches(default)["revenue"].sum() / default.tables["payouts"]["total_payout"].sum()
    assert 1.5 < roas < 6


def test_micro_roas_beats_mega(big):
    clicks = primary_touches(big)
    tier = big.tables["influencers"].set_index("influencer_id")["tier"]
    revenue = clicks.groupby(clicks["influencer_id"].map(tier))["revenue"].sum()
    spend = big.tables["payouts"].groupby("tier")["total_payout"].sum()
    roas = revenue / spend
    assert roas["Micro"] > roas["Mega"]


# ------------------------------------------------------------------------------ planted truth


def test_truth_is_json_serialisable(default):
    assert json.loads(json.dumps(default.truth)) == default.truth
    assert default.truth["sizes"]["tracking_data"] == 800


def test_truth_posts_align_with_posts(default):
    tp, posts = default.truth_posts, default.tables["posts"]
    assert (tp["post_id"].to_numpy() == posts["post_id"].to_numpy()).all()
    assert (tp["campaign_type"].to_numpy() == posts["campaign_type"].to_numpy()).all()
    assert (tp.loc[tp["campaign_type"] == "control", "expected_incremental_revenue"] == 0).all()
    assert (tp["true_relative_lift"] > 0).all()
    test = tp[tp["campaign_type"] == "test"]
    assert default.truth["avg_incremental_revenue_per_test_post"] == pytest.approx(
        test["expected_incremental_revenue"].mean())
    assert default.truth["iroas"] == pytest.approx(test["expected_incremental_revenue"].sum() / test["spend"].sum())


def test_planted_lift_is_larger_for_micro_and_youtube(big):
    lift = big.truth_posts.groupby("tier")["true_relative_lift"].mean()
    assert lift["Micro"] > lift["Macro"] > lift["Mega"]
    by_platform = big.truth_posts.groupby("platform")["true_relative_lift"].mean()
    assert by_platform["YouTube"] > by_platform["Twitter"]


def test_no_effect_plants_nothing(no_effect):
    assert no_effect.truth["effect"] is False
    assert (no_effect.truth_posts["true_relative_lift"] == 0).all()
    assert (no_effect.truth_posts["expected_incremental_revenue"] == 0).all()
    assert no_effect.truth["avg_incremental_revenue_per_test_post"] == 0
    assert (no_effect.tables["tracking_data"]["incremental_flag"] == 0).all()


def welch_difference(test: np.ndarray, control: np.ndarray) -> tuple[float, float]:
    """Difference in means and its Welch standard error."""
    diff = test.mean() - control.mean()
    se = np.sqrt(test.var(ddof=1) / len(test) + control.var(ddof=1) / len(control))
    return float(diff), float(se)


def test_test_minus_control_recovers_the_planted_effect(big):
    revenue = primary_revenue_per_post(big).to_numpy()
    is_test = (big.tables["posts"]["campaign_type"] == "test").to_numpy()
    diff, se = welch_difference(revenue[is_test], revenue[~is_test])
    truth = big.truth["avg_incremental_revenue_per_test_post"]
    assert truth > 0 and diff > 0
    assert abs(diff - truth) <= 4 * se


def test_no_effect_difference_is_within_noise(no_effect):
    revenue = primary_revenue_per_post(no_effect).to_numpy()
    is_test = (no_effect.tables["posts"]["campaign_type"] == "test").to_numpy()
    diff, se = welch_difference(revenue[is_test], revenue[~is_test])
    assert abs(diff) <= 4 * se


def test_rejects_empty_sizes():
    with pytest.raises(ValueError):
        generate_demo(n_events=0)
