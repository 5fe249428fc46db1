"""analytics.incrementality by simulation and on the demo data's planted truth.

Data are generated for all replications at once with numpy (one matrix per group); the estimator
under test is the public function, called once per replication (about 0.15 ms a call).
Seeds are fixed, so every figure below is reproducible.
"""
import numpy as np
import pandas as pd
import pytest

from analytics.facts import build_facts
from analytics.incrementality import (
    compare_groups, compare_groups_cuped, incremental_roas, minimum_detectable_effect, sample_ratio_check,
    segment_lifts,
)
from dashboard.demo import generate_demo

REPLICATIONS = 4000
N_TEST, N_CONTROL = 400, 100

# Revenue per post: 40% of control posts sell nothing; the others earn a log-normal amount
# (median ₹1,500, σ = 0.8). Promotion raises the share of selling posts to 63% and amounts by 25%.
P_SELLING_CONTROL, P_SELLING_TEST, AMOUNT_LIFT, MEDIAN, SIGMA = 0.60, 0.63, 1.25, 1500.0, 0.8


def zero_inflated_lognormal(rng, reps, n, p_selling, median, sigma=SIGMA):
    selling = rng.random((reps, n)) < p_selling
    return np.where(selling, median * np.exp(sigma * rng.standard_normal((reps, n))), 0.0)


def population_mean(p_selling, median, sigma=SIGMA):
    return p_selling * median * np.exp(sigma ** 2 / 2)


def covered(interval, truth):
    """A missing interval (not estimable) counts as a miss."""
    return interval is not None and interval[0] <= truth <= interval[1]


def test_ci_coverage_of_absolute_relative_lift_and_iroas():
    rng = np.random.default_rng(20260401)
    test = zero_inflated_lognormal(rng, REPLICATIONS, N_TEST, P_SELLING_TEST, MEDIAN * AMOUNT_LIFT)
    control = zero_inflated_lognormal(rng, REPLICATIONS, N_CONTROL, P_SELLING_CONTROL, MEDIAN)
    spend = rng.lognormal(np.log(400.0), 0.5, (REPLICATIONS, N_TEST)).sum(axis=1)  # test spend, known
    mu_t = population_mean(P_SELLING_TEST, MEDIAN * AMOUNT_LIFT)
    mu_c = population_mean(P_SELLING_CONTROL, MEDIAN)
    true_delta, true_rel = mu_t - mu_c, mu_t / mu_c - 1
    assert (test == 0).mean() == pytest.approx(0.37, abs=0.01)
    assert (control == 0).mean() == pytest.approx(0.40, abs=0.01)

    hits = np.zeros((REPLICATIONS, 3), dtype=bool)
    for i in range(REPLICATIONS):
        r = incremental_roas(test[i], control[i], spend[i])
        true_iroas = N_TEST * true_delta / spend[i]  # the estimand given this test spend
        hits[i] = (covered(r.comparison.abs_lift_ci, true_delta), covered(r.comparison.rel_lift_ci, true_rel),
                   covered(r.iroas_ci, true_iroas))
    coverage = hits.mean(axis=0)
    # Measured with this seed: 0.946 / 0.945 / 0.946 (4,000 replications, SE about 0.0036); no replication
    # had a "not estimable" relative lift.
    assert 0.93 <= coverage[0] <= 0.97, coverage
    assert 0.93 <= coverage[1] <= 0.97, coverage
    assert 0.93 <= coverage[2] <= 0.97, coverage


def test_false_positive_rate_under_no_effect():
    rng = np.random.default_rng(20260402)
    test = zero_inflated_lognormal(rng, REPLICATIONS, N_TEST, P_SELLING_CONTROL, MEDIAN)
    control = zero_inflated_lognormal(rng, REPLICATIONS, N_CONTROL, P_SELLING_CONTROL, MEDIAN)
    p_values = np.array([compare_groups(test[i], control[i]).p_value for i in range(REPLICATIONS)])
    rate = (p_values < 0.05).mean()
    # Measured with this seed: 0.060. Welch on skewed data with n_C = 100 runs a little above 5% (0.057 over
    # 40,000 replications); heavier tails run higher (σ = 1.0: 0.065, σ = 1.2: 0.071).
    assert 0.03 <= rate <= 0.07, rate
    # p-values are roughly uniform under the null: deciles hold about 10% each.
    deciles = np.histogram(p_values, bins=10, range=(0, 1))[0] / REPLICATIONS
    assert np.all(np.abs(deciles - 0.1) < 0.025), deciles


def test_delta_method_se_matches_the_spread_of_relative_lift_in_large_samples():
    rng = np.random.default_rng(20260403)
    reps, n_test, n_control = 2000, 4000, 1000
    estimates, ses = np.empty(reps), np.empty(reps)
    for chunk in range(0, reps, 500):  # 500 replications at a time keeps memory small
        test = zero_inflated_lognormal(rng, 500, n_test, P_SELLING_TEST, MEDIAN * AMOUNT_LIFT)
        control = zero_inflated_lognormal(rng, 500, n_control, P_SELLING_CONTROL, MEDIAN)
        for j in range(500):
            r = compare_groups(test[j], control[j])
            estimates[chunk + j], ses[chunk + j] = r.rel_lift, r.rel_lift_se
    true_rel = population_mean(P_SELLING_TEST, MEDIAN * AMOUNT_LIFT) / population_mean(P_SELLING_CONTROL, MEDIAN) - 1
    # Measured with this seed: median delta-method SE / empirical SD = 1.005 (SE of an SD here: about 1.6%).
    assert np.median(ses) == pytest.approx(estimates.std(ddof=1), rel=0.05)
    assert estimates.mean() == pytest.approx(true_rel, abs=3 * estimates.std() / np.sqrt(reps) + 0.002)


def test_power_at_the_minimum_detectable_effect_is_as_planned():
    rng = np.random.default_rng(20260404)
    sd, n_units, share = 900.0, 500, 0.2
    mde = minimum_detectable_effect(n_units, share, sd).abs_mde
    test = rng.normal(1000.0 + mde, sd, (REPLICATIONS, 400))
    control = rng.normal(1000.0, sd, (REPLICATIONS, 100))
    power = np.mean([compare_groups(test[i], control[i]).p_value < 0.05 for i in range(REPLICATIONS)])
    assert power == pytest.approx(0.80, abs=0.025)  # measured with this seed: 0.794


def test_cuped_keeps_coverage_and_removes_the_covariates_share_of_variance():
    rng = np.random.default_rng(20260405)
    reps, rho, delta = 2000, 0.7, 50.0
    # Pre-period revenue per post x and this period's y, correlated ρ = 0.7 (unit variances scaled by 300).
    x_t, x_c = rng.standard_normal((reps, N_TEST)), rng.standard_normal((reps, N_CONTROL))
    noise_t = rng.standard_normal((reps, N_TEST))
    noise_c = rng.standard_normal((reps, N_CONTROL))
    y_t = 1000.0 + delta + 300.0 * (rho * x_t + np.sqrt(1 - rho ** 2) * noise_t)
    y_c = 1000.0 + 300.0 * (rho * x_c + np.sqrt(1 - rho ** 2) * noise_c)
    hits, reductions = np.zeros(reps, dtype=bool), np.empty(reps)
    for i in range(reps):
        r = compare_groups_cuped(y_t[i], y_c[i], 500.0 + 200.0 * x_t[i], 500.0 + 200.0 * x_c[i])
        hits[i] = covered(r.adjusted.abs_lift_ci, delta)
        reductions[i] = r.variance_reduction
    assert 0.93 <= hits.mean() <= 0.97  # measured with this seed: 0.954
    assert reductions.mean() == pytest.approx(rho ** 2, abs=0.03)  # measured: 0.488


# ---------------------------------------------------------------------------------------------
# Planted truth of the demo data
# ---------------------------------------------------------------------------------------------

def post_units(demo):
    """One row per post: last-touch revenue (zeros included), spend and campaign_type."""
    return build_facts(demo.tables).posts


def lift_of(posts, alpha=0.05):
    is_test = posts["campaign_type"] == "test"
    return incremental_roas(posts.loc[is_test, "revenue"], posts.loc[~is_test, "revenue"],
                            posts.loc[is_test, "spend"].sum(), alpha)


LARGE = dict(n_influencers=2000, n_posts=20000, n_events=200000)


# Seeds 1, 2, 3 are simply the first three. Over seeds 1–8 one (seed 8) misses at 95%, with and
# without an effect: both share the same randomisation, in which the test posts happen to have a
# lower organic baseline than the control posts (Δ − truth ≈ −2.3 SE with an effect, −2.7 SE without).
# That is the 1-in-20 a 95% interval is built to miss, not a bias: over 200 seeds at 5,000 posts
# the no-effect interval missed 3.5% of the time.
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_truth_is_inside_the_intervals(seed):
    demo = generate_demo(**LARGE, seed=seed)
    posts = post_units(demo)
    assert (posts["revenue"] == 0).any()  # zero-revenue posts are part of the comparison
    r = lift_of(posts)
    c = r.comparison
    assert c.n_test + c.n_control == LARGE["n_posts"]
    assert not sample_ratio_check(c.n_test, c.n_control).mismatch
    truth = demo.truth
    assert c.abs_lift_ci[0] <= truth["avg_incremental_revenue_per_test_post"] <= c.abs_lift_ci[1]
    assert r.iroas_ci[0] <= truth["iroas"] <= r.iroas_ci[1]
    assert c.rel_lift_ci[0] <= truth["relative_lift"] <= c.rel_lift_ci[1]
    assert c.p_value < 0.001  # the planted effect (about 60% relative) is found at this size
    assert r.attributed_roas > r.iroas  # attribution also credits organic sales


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_planted_effect_gives_an_interval_around_zero(seed):
    demo = generate_demo(**LARGE, seed=seed, effect=False)
    r = lift_of(post_units(demo))
    assert demo.truth["avg_incremental_revenue_per_test_post"] == 0
    assert r.comparison.abs_lift_ci[0] <= 0 <= r.comparison.abs_lift_ci[1]
    assert r.iroas_ci[0] <= 0 <= r.iroas_ci[1]


def test_segment_truth_is_recovered():
    demo = generate_demo(**LARGE, seed=1)
    posts = post_units(demo)
    truth_test = demo.truth_posts[demo.truth_posts["campaign_type"] == "test"]
    misses, total = [], 0
    for by in ("tier", "platform", "brand", "product"):
        table = segment_lifts(posts, by).set_index(by)
        truth = truth_test.groupby(by)["expected_incremental_revenue"].mean()
        for segment, row in table.iterrows():
            total += 1
            if not covered((row["abs_lift_low"], row["abs_lift_high"]), truth[segment]):
                misses.append((by, segment))
    # 22 segments; about 1 miss is expected at 95%. Measured with seed 1: 0.
    assert total == 22 and len(misses) <= 2, misses
    tiers = segment_lifts(posts, "tier").set_index("tier")
    assert tiers.loc["Micro", "significant"] and tiers.loc["Macro", "significant"]


@pytest.mark.parametrize("seed", [42, 7])
def test_default_demo_size_truth_is_inside_wide_intervals(seed):
    demo = generate_demo(seed=seed)  # 75 influencers, 300 posts, 800 tracking rows
    r = lift_of(post_units(demo))
    truth = demo.truth
    assert r.comparison.abs_lift_ci[0] <= truth["avg_incremental_revenue_per_test_post"] <= r.comparison.abs_lift_ci[1]
    assert r.iroas_ci[0] <= truth["iroas"] <= r.iroas_ci[1]
    assert r.comparison.n_control >= 2 and r.comparison.status == "ok"


def test_default_size_segments_flag_small_cells(demo):
    posts = post_units(demo)
    table = segment_lifts(posts, "tier")
    small = table[(table["n_test"] < 10) | (table["n_control"] < 10)]
    assert small["warning"].str.startswith("insufficient data").all()
    assert small["p_adjusted"].isna().all()
    assert isinstance(table, pd.DataFrame) and table["n_test"].sum() + table["n_control"].sum() == len(posts)


@pytest.mark.slow
def test_planted_truth_on_the_benchmark_size_dataset():
    """The 10,000 influencer / 100,000 post / 1,000,000 event dataset of `make bench` (seed 1, as there)."""
    demo = generate_demo(n_influencers=10_000, n_posts=100_000, n_events=1_000_000, seed=1)
    r = lift_of(post_units(demo))
    truth = demo.truth
    assert r.comparison.abs_lift_ci[0] <= truth["avg_incremental_revenue_per_test_post"] <= r.comparison.abs_lift_ci[1]
    assert r.iroas_ci[0] <= truth["iroas"] <= r.iroas_ci[1]
    assert r.comparison.rel_lift_ci[0] <= truth["relative_lift"] <= r.comparison.rel_lift_ci[1]
