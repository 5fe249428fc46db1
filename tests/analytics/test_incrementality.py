"""analytics.incrementality against published references, other libraries and hand-worked values.

Simulations (coverage, false positives, power) and the planted truth of the demo data are in
test_incrementality_sim.py.
"""
import dataclasses
import inspect
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import tt_ind_solve_power
from statsmodels.stats.weightstats import CompareMeans

import analytics.incrementality as inc
from analytics.incrementality import (
    CupedComparison, GroupComparison, IncrementalRoas, OrganicBaselineEstimate, compare_groups,
    compare_groups_cuped, cuped_adjust, cuped_theta, has_control, incremental_roas, minimum_detectable_effect,
    organic_baseline_estimate, plain_language, sample_ratio_check, segment_lifts, units_needed,
)

# R's `sleep` data set (Student 1908): extra hours of sleep under two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def assert_nan_free(result):
    """No field of a result (or a nested result) is a NaN or an infinity."""
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if dataclasses.is_dataclass(value):
            assert_nan_free(value)
            continue
        for item in (value if isinstance(value, tuple) else (value,)):
            if isinstance(item, (float, np.floating)):
                assert math.isfinite(item), f"{field.name} = {value}"


# ---------------------------------------------------------------------------------------------
# Welch: reference outputs
# ---------------------------------------------------------------------------------------------

def test_matches_r_welch_t_test_on_sleep_data():
    # R 4.x: t.test(extra ~ group, data = sleep)
    #   t = -1.8608, df = 17.776, p-value = 0.07939
    #   95 percent confidence interval: -3.3654832  0.2054832
    #   mean in group 1: 0.75, mean in group 2: 2.33
    r = compare_groups(SLEEP_1, SLEEP_2)
    assert r.status == "ok"
    assert r.t_stat == pytest.approx(-1.8608, abs=5e-5)
    assert r.df == pytest.approx(17.776, abs=5e-4)
    assert r.p_value == pytest.approx(0.07939, abs=5e-6)
    assert r.abs_lift_ci[0] == pytest.approx(-3.3654832, abs=5e-8)
    assert r.abs_lift_ci[1] == pytest.approx(0.2054832, abs=5e-8)
    assert (r.test_mean, r.control_mean) == (pytest.approx(0.75), pytest.approx(2.33))
    assert r.abs_lift == pytest.approx(0.75 - 2.33)
    assert (r.n_test, r.n_control, r.alpha) == (10, 10, 0.05)
    assert r.confidence_level == pytest.approx(0.95)


def test_other_confidence_levels_follow_the_t_quantile():
    # From R's output above: SE = |Δ| / |t| = 1.58 / 1.8608; 99% half-width = qt(0.995, 17.776)·SE.
    half_width = stats.t.ppf(0.995, 17.776) * 1.58 / 1.8608
    r = compare_groups(SLEEP_1, SLEEP_2, alpha=0.01)
    assert r.abs_lift_ci == (pytest.approx(-1.58 - half_width, rel=1e-4), pytest.approx(-1.58 + half_width, rel=1e-4))
    scipy_ci = stats.ttest_ind(SLEEP_1, SLEEP_2, equal_var=False).confidence_interval(0.99)
    assert r.abs_lift_ci == (pytest.approx(scipy_ci.low), pytest.approx(scipy_ci.high))
    assert r.p_value == pytest.approx(compare_groups(SLEEP_1, SLEEP_2).p_value)


@pytest.mark.parametrize("seed, n_test, n_control, sd_test, sd_control", [
    (1, 400, 100, 3.0, 1.0), (2, 12, 30, 1.0, 5.0), (3, 5, 3, 2.0, 2.0), (4, 2000, 500, 10.0, 9.0),
])
def test_matches_scipy_and_statsmodels_on_random_data(seed, n_test, n_control, sd_test, sd_control):
    rng = np.random.default_rng(seed)
    test = rng.normal(10.0, sd_test, n_test)
    control = rng.normal(9.0, sd_control, n_control)
    r = compare_groups(test, control, alpha=0.1)

    scipy_result = stats.ttest_ind(test, control, equal_var=False)
    scipy_ci = scipy_result.confidence_interval(confidence_level=0.9)
    assert r.t_stat == pytest.approx(scipy_result.statistic, rel=1e-10)
    assert r.p_value == pytest.approx(scipy_result.pvalue, rel=1e-9)
    assert r.df == pytest.approx(scipy_result.df, rel=1e-10)
    assert r.abs_lift_ci == (pytest.approx(scipy_ci.low, rel=1e-9), pytest.approx(scipy_ci.high, rel=1e-9))

    compare = CompareMeans.from_data(test, control)
    sm_t, sm_p, sm_df = compare.ttest_ind(usevar="unequal")
    sm_low, sm_high = compare.tconfint_diff(alpha=0.1, usevar="unequal")
    assert (r.t_stat, r.p_value, r.df) == (pytest.approx(sm_t), pytest.approx(sm_p), pytest.approx(sm_df))
    assert r.abs_lift_ci == (pytest.approx(sm_low), pytest.approx(sm_high))
    assert r.se == pytest.approx(compare.std_meandiff_separatevar)


# ---------------------------------------------------------------------------------------------
# Relative lift: delta method and Fieller's g
# ---------------------------------------------------------------------------------------------

def test_relative_lift_uses_the_delta_method_variance():
    test = np.array([120.0, 0.0, 80.0, 200.0, 0.0, 150.0, 90.0, 60.0])
    control = np.array([100.0, 0.0, 70.0, 50.0, 0.0, 80.0])
    r = compare_groups(test, control)
    m_t, m_c = test.mean(), control.mean()
    v_t, v_c = test.var(ddof=1), control.var(ddof=1)
    se = math.sqrt(v_t / (len(test) * m_c ** 2) + m_t ** 2 * v_c / (len(control) * m_c ** 4))
    q = stats.t.ppf(0.975, stats.ttest_ind(test, control, equal_var=False).df)
    assert r.rel_lift == pytest.approx(m_t / m_c - 1)
    assert r.rel_lift_se == pytest.approx(se)
    assert r.rel_lift_ci == (pytest.approx(r.rel_lift - q * se), pytest.approx(r.rel_lift + q * se))
    assert r.fieller_g == pytest.approx(q ** 2 * v_c / (len(control) * m_c ** 2))
    assert r.rel_status == "ok"


def test_relative_lift_not_estimable_when_fieller_g_reaches_one():
    # Control mean 0.5 with SD about 2.2 over 6 posts: the control mean is not distinguishable from 0.
    control = [3.0, -2.0, 2.5, -2.0, 0.5, 1.0]
    r = compare_groups([5.0, 6.0, 4.0, 7.0, 5.5, 6.5], control)
    assert r.fieller_g >= 1
    assert r.rel_lift_ci is None and r.rel_status == "not estimable"
    assert r.rel_lift == pytest.approx((5.666666666666667 - 0.5) / 0.5)  # the point value is still shown
    assert r.status == "ok" and r.abs_lift_ci is not None  # the absolute lift is unaffected
    assert "not estimable" in r.message
    # Shifting the control away from 0 brings g below 1 and the interval back.
    shifted = compare_groups([5.0, 6.0, 4.0, 7.0, 5.5, 6.5], np.add(control, 3.0))
    assert shifted.fieller_g < 1 and shifted.rel_lift_ci is not None


def test_control_mean_zero_gives_no_relative_lift_but_an_absolute_one():
    test = [0.0, 120.0, 0.0, 300.0, 50.0]
    r = compare_groups(test, [0.0, 0.0, 0.0, 0.0])
    assert r.status == "ok" and r.rel_status == "not estimable"
    assert r.rel_lift is None and r.rel_lift_ci is None and r.fieller_g is None
    # Only the test group varies: Welch's df is n_test − 1 and the CI is the one-sample t interval.
    one_sample = stats.ttest_1samp(test, 0.0).confidence_interval()
    assert r.df == pytest.approx(4.0)
    assert r.abs_lift_ci == (pytest.approx(one_sample.low), pytest.approx(one_sample.high))
    assert_nan_free(r)


# ---------------------------------------------------------------------------------------------
# Edge cases
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("test, control", [
    ([], []), ([5.0], [1.0, 2.0]), ([1.0, 2.0, 3.0], [4.0]), ([1.0, 2.0], []), ([np.nan, 1.0], [1.0, 2.0]),
])
def test_fewer_than_two_values_is_insufficient_data_not_an_error(test, control):
    r = compare_groups(test, control)
    assert r.status == "insufficient data" and r.rel_status == "insufficient data"
    assert r.abs_lift_ci is None and r.p_value is None and r.t_stat is None and r.df is None
    assert "Insufficient data" in r.message
    assert_nan_free(r)
    roas = incremental_roas(test, control, 100.0)
    assert roas.iroas_ci is None and roas.status == "insufficient data"
    assert_nan_free(roas)


def test_point_values_are_kept_when_only_the_interval_is_missing():
    r = compare_groups([5.0], [1.0, 3.0])
    assert (r.test_mean, r.control_mean, r.abs_lift, r.rel_lift) == (5.0, 2.0, 3.0, 1.5)
    empty = compare_groups([], [1.0, 3.0])
    assert empty.test_mean is None and empty.abs_lift is None and empty.rel_lift is None


def test_all_zeros_is_no_variation_without_nan():
    r = compare_groups(np.zeros(50), np.zeros(10))
    assert r.status == "no variation" and r.rel_status == "not estimable"
    assert r.abs_lift == 0.0 and r.se == 0.0
    assert r.abs_lift_ci is None and r.p_value is None and r.t_stat is None and r.df is None
    assert r.rel_lift is None  # control mean 0
    assert_nan_free(r)
    assert "no variation" in plain_language(r)


def test_constant_groups_report_the_difference_but_no_inference():
    r = compare_groups([7.0] * 5, [4.0] * 5)
    assert r.status == "no variation"
    assert (r.abs_lift, r.rel_lift) == (3.0, 0.75)
    assert r.abs_lift_ci is None and r.rel_lift_ci is None
    assert_nan_free(r)
    # Identical values that are not exactly representable still count as constant.
    assert compare_groups([0.1 + 0.2] * 7, [0.3] * 3).status == "no variation"


def test_missing_values_are_dropped_and_counted():
    test = [10.0, np.nan, 20.0, 30.0, None]
    control = pd.Series([5.0, 15.0, None], dtype=object)
    r = compare_groups(test, control)
    clean = compare_groups([10.0, 20.0, 30.0], [5.0, 15.0])
    assert (r.n_test, r.n_control) == (3, 2)
    assert (r.n_dropped_test, r.n_dropped_control) == (2, 1)
    assert r.abs_lift_ci == clean.abs_lift_ci and r.p_value == clean.p_value
    assert "Dropped missing values: 2 test, 1 control" in r.message


def test_pandas_nullable_series_are_accepted():
    test = pd.Series([10.0, None, 20.0, 30.0], dtype="Float64")
    r = compare_groups(test, pd.Series([5, 15, 10], dtype="Int64"))
    assert (r.n_test, r.n_dropped_test, r.control_mean) == (3, 1, 10.0)


@pytest.mark.parametrize("bad", [[1.0, np.inf, 2.0], [[1.0, 2.0], [3.0, 4.0]]])
def test_infinite_or_two_dimensional_values_are_rejected(bad):
    with pytest.raises(ValueError):
        compare_groups(bad, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, 5])
def test_alpha_must_be_a_probability(alpha):
    with pytest.raises(ValueError, match="alpha"):
        compare_groups(SLEEP_1, SLEEP_2, alpha=alpha)


def test_results_are_frozen():
    r = compare_groups(SLEEP_1, SLEEP_2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.p_value = 0.01  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Incremental revenue and iROAS
# ---------------------------------------------------------------------------------------------

def test_incremental_roas_by_hand():
    test, control = [12.0, 0.0, 30.0, 18.0], [10.0, 0.0, 5.0, 9.0]
    r = incremental_roas(test, control, test_spend=20.0)
    # Δ = 15 − 6 = 9 per test post; 4 test posts; spend 20; attributed = 60 / 20.
    assert r.incremental_revenue == pytest.approx(36.0)
    assert r.iroas == pytest.approx(1.8)
    assert r.attributed_roas == pytest.approx(3.0)
    low, high = r.comparison.abs_lift_ci
    assert r.incremental_revenue_ci == (pytest.approx(4 * low), pytest.approx(4 * high))
    assert r.iroas_ci == (pytest.approx(4 * low / 20), pytest.approx(4 * high / 20))
    assert isinstance(r, IncrementalRoas) and r.comparison == compare_groups(test, control)
    # Spend per test post is summed.
    assert incremental_roas(test, control, [5.0, 5.0, 5.0, 5.0]).iroas == pytest.approx(1.8)


def test_incremental_roas_without_spend_is_not_defined():
    r = incremental_roas([12.0, 0.0, 30.0], [1.0, 2.0], test_spend=0.0)
    assert r.iroas is None and r.iroas_ci is None and r.attributed_roas is None
    assert r.incremental_revenue == pytest.approx(3 * (14.0 - 1.5))
    assert "No test spend" in r.message
    assert_nan_free(r)
    with pytest.raises(ValueError):
        incremental_roas([1.0, 2.0], [1.0, 2.0], test_spend=-5.0)
    with pytest.raises(ValueError):
        incremental_roas([1.0, 2.0], [1.0, 2.0], test_spend=np.nan)


# ---------------------------------------------------------------------------------------------
# Segments and Benjamini–Hochberg
# ---------------------------------------------------------------------------------------------

def bh_by_hand(p_values):
    """Textbook BH step-up: p_(i)·m/i, made monotone from the largest p down, capped at 1."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    m = len(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted_sorted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted


def test_bh_by_hand_matches_statsmodels_on_a_known_vector():
    p = [0.01, 0.04, 0.03, 0.005, 0.5]
    # Sorted 0.005, 0.01, 0.03, 0.04, 0.5 → ×5/i: 0.025, 0.025, 0.05, 0.05, 0.5
    expected = [0.025, 0.05, 0.05, 0.025, 0.5]
    assert bh_by_hand(p) == pytest.approx(expected)
    assert multipletests(p, method="fdr_bh")[1] == pytest.approx(expected)


def segment_units(seed=3):
    """Four segments with different effects and one tiny segment (E) that must not be tested."""
    rng = np.random.default_rng(seed)
    frames = []
    for segment, n_test, n_control, lift in [("A", 80, 20, 40.0), ("B", 60, 15, 0.0), ("C", 120, 30, 15.0),
                                             ("D", 40, 12, 5.0), ("E", 6, 1, 100.0)]:
        frames.append(pd.DataFrame({
            "tier": segment,
            "campaign_type": ["test"] * n_test + ["control"] * n_control,
            "revenue": np.concatenate([rng.exponential(50.0, n_test) + lift, rng.exponential(50.0, n_control)]),
            "spend": np.concatenate([np.full(n_test, 10.0), np.full(n_control, 0.0)]),
        }))
    return pd.concat(frames, ignore_index=True)


def test_segment_lifts_match_compare_groups_and_bh_over_the_tested_segments():
    units = segment_units()
    table = segment_lifts(units, "tier", min_units=10)
    assert table["tier"].tolist() == ["A", "B", "C", "D", "E"]
    tested = table[table["tier"] != "E"]
    # Each row is compare_groups/incremental_roas on that segment's posts.
    for _, row in tested.iterrows():
        part = units[units["tier"] == row["tier"]]
        is_test = part["campaign_type"] == "test"
        reference = stats.ttest_ind(part.loc[is_test, "revenue"], part.loc[~is_test, "revenue"], equal_var=False)
        assert row["p_value"] == pytest.approx(reference.pvalue)
        assert (row["n_test"], row["n_control"]) == (is_test.sum(), (~is_test).sum())
        delta = part.loc[is_test, "revenue"].mean() - part.loc[~is_test, "revenue"].mean()
        assert row["abs_lift"] == pytest.approx(delta)
        assert row["iroas"] == pytest.approx(is_test.sum() * delta / (10.0 * is_test.sum()))
        assert row["attributed_roas"] == pytest.approx(part.loc[is_test, "revenue"].sum() / (10.0 * is_test.sum()))
    # BH family = the four tested segments only.
    expected = bh_by_hand(tested["p_value"].astype(float))
    assert tested["p_adjusted"].astype(float).to_numpy() == pytest.approx(expected)
    assert tested["p_adjusted"].astype(float).to_numpy() == pytest.approx(
        multipletests(tested["p_value"].astype(float), method="fdr_bh")[1])
    assert tested["significant"].tolist() == (expected < 0.05).tolist()
    assert tested["warning"].tolist() == [""] * 4
    # A clear effect (A) is found, a null segment (B) is not.
    assert table.set_index("tier").loc["A", "significant"]
    assert not table.set_index("tier").loc["B", "significant"]


def test_small_segments_are_flagged_and_left_out_of_the_family():
    table = segment_lifts(segment_units(), "tier", min_units=10).set_index("tier")
    small = table.loc["E"]
    assert small["warning"].startswith("insufficient data: 6 test and 1 control units (minimum 10 of each)")
    assert small["status"] == "insufficient data"
    assert small["p_adjusted"] is None and small["significant"] == False  # noqa: E712
    assert small["p_value"] is None and small["abs_lift_low"] is None  # only 1 control unit: no CI
    # A segment above 2 per group but below min_units gets a p-value but is still not tested.
    table_15 = segment_lifts(segment_units(), "tier", min_units=15).set_index("tier")
    d = table_15.loc["D"]  # 40 test, 12 control
    assert d["p_value"] is not None and d["p_adjusted"] is None and d["warning"].startswith("insufficient data")
    family = table_15.loc[["A", "B", "C"], "p_value"].astype(float)
    assert table_15.loc[["A", "B", "C"], "p_adjusted"].astype(float).to_numpy() == pytest.approx(bh_by_hand(family))


def test_segment_lifts_add_up_and_handle_labels_and_odd_rows():
    units = segment_units()
    units.loc[units.index[:3], "campaign_type"] = ["TEST", " Control", "unknown"]
    table = segment_lifts(units, "tier", min_units=10)
    labels = units["campaign_type"].str.strip().str.lower()
    assert table["n_test"].sum() == (labels == "test").sum()
    assert table["n_control"].sum() == (labels == "control").sum()
    assert table["n_test"].dtype == np.int64 and table["significant"].dtype == bool
    assert list(table.columns) == ["tier", *inc.SEGMENT_COLUMNS]
    # No NaN anywhere: undefined numbers are None.
    assert not any(isinstance(v, float) and math.isnan(v) for v in table.to_numpy().ravel())


def test_segment_lifts_without_spend_column_and_empty_input():
    units = segment_units().drop(columns="spend")
    table = segment_lifts(units, "tier", spend=None)
    assert table["iroas"].isna().all() and table["test_spend"].isna().all()
    assert table["abs_lift"].notna().all()
    empty = segment_lifts(units.iloc[0:0], "tier", spend=None)
    assert empty.empty and list(empty.columns) == ["tier", *inc.SEGMENT_COLUMNS]
    with pytest.raises(ValueError, match="spend"):
        segment_lifts(units, "tier")
    with pytest.raises(ValueError, match="min_units"):
        segment_lifts(segment_units(), "tier", min_units=1)


# ---------------------------------------------------------------------------------------------
# Sample ratio mismatch
# ---------------------------------------------------------------------------------------------

def test_sample_ratio_as_planned():
    check = sample_ratio_check(800, 200, expected_control_share=0.2)
    assert not check.mismatch
    assert check.observed_control_share == pytest.approx(0.2)
    assert check.chi2 == pytest.approx(0.0) and check.p_value == pytest.approx(1.0)
    assert "as planned" in check.message


def test_sample_ratio_mismatch():
    check = sample_ratio_check(900, 100, expected_control_share=0.2)
    # Expected 800 / 200: chi² = 100²/800 + 100²/200 = 62.5 on 1 df.
    assert check.chi2 == pytest.approx(62.5)
    assert check.p_value == pytest.approx(stats.chi2.sf(62.5, 1))
    assert check.mismatch and check.observed_control_share == pytest.approx(0.1)
    assert "mismatch" in check.message.lower() and "20%" in check.message


def test_sample_ratio_edge_cases():
    none = sample_ratio_check(0, 0)
    assert not none.mismatch and none.p_value is None and none.observed_control_share is None
    assert sample_ratio_check(790, 210).mismatch is False  # small wobble is fine at alpha 0.001
    with pytest.raises(ValueError):
        sample_ratio_check(10, 10, expected_control_share=1.0)
    with pytest.raises(ValueError):
        sample_ratio_check(-1, 10)


# ---------------------------------------------------------------------------------------------
# Power and MDE
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_units, share, alpha, power", [
    (50, 0.2, 0.05, 0.8), (300, 0.2, 0.05, 0.8), (1000, 0.5, 0.01, 0.9), (20000, 0.2, 0.05, 0.8),
    (400, 0.3, 0.1, 0.5),
])
def test_mde_matches_statsmodels_power(n_units, share, alpha, power):
    sd = 250.0
    m = minimum_detectable_effect(n_units, share, sd, alpha=alpha, power=power)
    n_control = n_units * share
    effect_size = tt_ind_solve_power(effect_size=None, nobs1=n_control, ratio=(1 - share) / share, alpha=alpha,
                                     power=power)
    # statsmodels solves the noncentral t exactly; the t-quantile formula is within 0.2% of it here.
    assert m.abs_mde == pytest.approx(effect_size * sd, rel=2e-3)
    assert (m.n_test, m.n_control) == (pytest.approx(n_units - n_control), pytest.approx(n_control))


def test_mde_normal_formula_for_large_samples_and_scaling():
    n, share, sd = 100_000, 0.2, 900.0
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    m = minimum_detectable_effect(n, share, sd, baseline_mean=1500.0, spend_per_test_unit=600.0)
    assert m.abs_mde == pytest.approx(z * sd * math.sqrt(1 / (0.8 * n) + 1 / (0.2 * n)), rel=1e-4)
    assert m.rel_mde == pytest.approx(m.abs_mde / 1500.0)
    assert m.iroas_mde == pytest.approx(m.abs_mde / 600.0)  # n_T·Δ / (n_T·spend per test post)
    assert minimum_detectable_effect(n, share, sd).rel_mde is None


def test_mde_too_few_units_and_bad_arguments():
    m = minimum_detectable_effect(5, 0.2, 10.0)  # 1 expected control unit
    assert m.abs_mde is None and "Insufficient data" in m.message
    for kwargs in (dict(control_share=0.0), dict(control_share=1.2), dict(sd=-1.0), dict(power=1.0)):
        args = dict(n_units=100, control_share=0.2, sd=1.0) | kwargs
        with pytest.raises(ValueError):
            minimum_detectable_effect(**args)


@pytest.mark.parametrize("target, share, sd, alpha, power", [
    (0.2, 0.2, 1.0, 0.05, 0.8), (500.0, 0.2, 2500.0, 0.05, 0.8), (1.0, 0.5, 1.0, 0.05, 0.9),
    (5.0, 0.1, 30.0, 0.01, 0.8),
])
def test_units_needed_matches_statsmodels_and_inverts_the_mde(target, share, sd, alpha, power):
    n = units_needed(target, share, sd, alpha=alpha, power=power)
    n_control = tt_ind_solve_power(effect_size=target / sd, nobs1=None, ratio=(1 - share) / share, alpha=alpha,
                                   power=power)
    assert abs(n - n_control / share) <= max(2.0, 0.002 * n)
    assert minimum_detectable_effect(n, share, sd, alpha, power).abs_mde <= target
    assert minimum_detectable_effect(n - 1, share, sd, alpha, power).abs_mde > target


def test_units_needed_rejects_a_non_positive_target():
    with pytest.raises(ValueError):
        units_needed(0.0, 0.2, 1.0)
    assert units_needed(1.0, 0.2, sd=0.0) == 10  # no noise: just 2 control units (and 8 test)


# ---------------------------------------------------------------------------------------------
# CUPED
# ---------------------------------------------------------------------------------------------

def test_cuped_theta_and_adjustment_by_hand():
    y = np.array([3.0, 5.0, 4.0, 8.0])
    x = np.array([1.0, 2.0, 3.0, 4.0])
    # x̄ = 2.5, ȳ = 5; Σ(x−x̄)(y−ȳ) = 3 + 0 − 0.5 + 4.5 = 7; Σ(x−x̄)² = 5 → θ = 1.4
    assert cuped_theta(y, x) == pytest.approx(1.4)
    adjusted = cuped_adjust(y, x)
    assert adjusted == pytest.approx(y - 1.4 * (x - 2.5))
    assert adjusted.mean() == pytest.approx(y.mean())
    # var(y − θx) = var(y) − cov(y, x)²/var(x) at the optimal θ
    assert adjusted.var(ddof=1) == pytest.approx(y.var(ddof=1) - (7 / 3) ** 2 / (5 / 3))


def test_cuped_with_a_constant_covariate_changes_nothing():
    assert cuped_theta([1.0, 2.0, 4.0], [3.0, 3.0, 3.0]) == 0.0
    r = compare_groups_cuped([1.0, 5.0, 9.0], [2.0, 3.0, 1.0], [7.0] * 3, [7.0] * 3)
    assert r.adjusted.abs_lift_ci == pytest.approx(r.unadjusted.abs_lift_ci)
    assert r.variance_ratio == pytest.approx(1.0) and r.variance_reduction == pytest.approx(0.0)


def test_compare_groups_cuped_pools_theta_and_uses_the_same_units():
    rng = np.random.default_rng(11)
    x_t, x_c = rng.normal(100, 20, 300), rng.normal(100, 20, 80)
    y_t = 0.8 * x_t + rng.normal(10, 8, 300)
    y_c = 0.8 * x_c + rng.normal(0, 8, 80)
    x_t[0] = np.nan  # this unit drops out of both comparisons
    r = compare_groups_cuped(y_t, y_c, x_t, x_c)
    assert isinstance(r, CupedComparison)
    assert r.unadjusted.n_test == r.adjusted.n_test == 299
    assert r.theta == pytest.approx(cuped_theta(np.r_[y_t[1:], y_c], np.r_[x_t[1:], x_c]))
    assert r.variance_ratio == pytest.approx(r.adjusted.se ** 2 / r.unadjusted.se ** 2)
    assert r.variance_reduction > 0.5  # ρ² ≈ 0.8²·400 / (0.8²·400 + 64) ≈ 0.8
    assert r.unadjusted == compare_groups(y_t[1:], y_c)
    assert "1 units without outcome or covariate" in r.message
    with pytest.raises(ValueError, match="same length"):
        cuped_adjust([1.0, 2.0], [1.0])


# ---------------------------------------------------------------------------------------------
# No control group
# ---------------------------------------------------------------------------------------------

def test_organic_baseline_is_labelled_an_assumption():
    e = organic_baseline_estimate(1000.0, 400.0)
    assert isinstance(e, OrganicBaselineEstimate)
    assert (e.incremental_revenue, e.organic_revenue, e.iroas, e.attributed_roas) == (800.0, 200.0, 2.0, 2.5)
    assert e.method == "assumption: organic baseline share 20%"
    assert e.is_measurement is False and "not a measurement" in e.message
    other = organic_baseline_estimate([300.0, 700.0], [100.0, 100.0], organic_share=0.125)
    assert other.method == "assumption: organic baseline share 12.5%" and other.iroas == pytest.approx(4.375)
    assert organic_baseline_estimate(1000.0, 0.0).iroas is None
    for bad in (dict(organic_share=1.5), dict(revenue=np.nan), dict(spend=-1.0)):
        with pytest.raises(ValueError):
            organic_baseline_estimate(**(dict(revenue=1000.0, spend=10.0) | bad))


def test_has_control():
    assert has_control(pd.DataFrame({"campaign_type": ["test", "control", "control"]}))
    assert not has_control(pd.DataFrame({"campaign_type": ["test", "test", "control"]}))
    assert has_control(pd.DataFrame({"campaign_type": ["Control", " control ", None]}))
    assert not has_control(pd.DataFrame({"revenue": [1.0, 2.0]}))
    assert not has_control(pd.DataFrame({"campaign_type": pd.Series([], dtype=object)}))


# ---------------------------------------------------------------------------------------------
# Plain language
# ---------------------------------------------------------------------------------------------

def no_confidence_from_p(text):
    lowered = text.lower()
    assert "confiden" not in lowered and "(1 - p)" not in lowered and "1 - p" not in lowered
    assert "certain" not in lowered and "chance of being right" not in lowered


def test_plain_language_significant_positive_lift():
    rng = np.random.default_rng(5)
    test, control = rng.normal(1500, 300, 400), rng.normal(1200, 300, 100)
    r = compare_groups(test, control)
    text = plain_language(r)
    low, high = r.abs_lift_ci
    assert text == (f"Test posts earned ₹{r.abs_lift:,.0f} more per post than control (95% CI ₹{low:,.0f} to "
                    f"₹{high:,.0f}); a difference this large would be unlikely (p < 0.001) "
                    f"if promotion had no effect.")
    no_confidence_from_p(text)


def test_plain_language_non_significant_and_negative():
    text = plain_language(compare_groups(SLEEP_1, SLEEP_2))
    assert "₹1.58 less per post" in text and "95% CI -₹3.37 to ₹0.21" in text
    assert "could easily arise by chance (p = 0.079)" in text
    no_confidence_from_p(text)
    assert "99% CI" in plain_language(compare_groups(SLEEP_1, SLEEP_2, alpha=0.01))
    p_text = plain_language(compare_groups([10.0, 12.0, 11.0, 14.0], [9.0, 8.0, 10.0, 7.0]))
    assert f"p = {compare_groups([10.0, 12.0, 11.0, 14.0], [9.0, 8.0, 10.0, 7.0]).p_value:.2g}" in p_text


def test_plain_language_other_statuses_and_results():
    assert plain_language(compare_groups([1.0], [])).startswith("Not enough data to compare: 1 test and 0 control")
    roas_text = plain_language(incremental_roas([12.0, 0.0, 30.0, 18.0], [10.0, 0.0, 5.0, 9.0], 20.0))
    assert "iROAS 1.80" in roas_text and "attributed ROAS of 3.00" in roas_text
    no_confidence_from_p(roas_text)
    organic = plain_language(organic_baseline_estimate(1000.0, 400.0))
    assert "assumption, not a measurement" in organic and "20%" in organic
    assert "$" in plain_language(compare_groups(SLEEP_1, SLEEP_2), currency="$")
    with pytest.raises(TypeError):
        plain_language(42)


# ---------------------------------------------------------------------------------------------
# Documentation and purity
# ---------------------------------------------------------------------------------------------

PUBLIC_FUNCTIONS = [name for name in inc.__all__ if inspect.isfunction(getattr(inc, name))]


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_every_public_function_states_the_estimand(name):
    doc = " ".join(inspect.getdoc(getattr(inc, name)).split())
    assert "incremental revenue per test post" in doc, name
    assert "zero-revenue posts included" in doc, name
    assert ">>>" in doc, name  # and shows an example


def test_module_is_pure():
    source = Path(inc.__file__).read_text(encoding="utf-8")
    for forbidden in ("import dash", "from dash", "import flask", "from flask", "open(", "read_csv", "to_csv"):
        assert forbidden not in source
    for forbidden in ("(1 - p) * 100", "(1 - p)*100", "1 - p_value", "1 - result.p_value", "1 - r.p_value"):
        assert forbidden not in source
    assert GroupComparison.__dataclass_params__.frozen
