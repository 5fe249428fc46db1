"""Everything the Incremental ROAS Center shows for one set of posts, from `analytics.incrementality`.

Unit of analysis: the post (the unit randomised to test or control), zero-revenue posts included.
Estimand: the average incremental revenue per test post, Δ = mean(test) − mean(control);
incremental revenue = n_T·Δ; iROAS = n_T·Δ / test spend. See analytics/incrementality.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analytics import incrementality as inc
from analytics.schema import TIERS

SEGMENT_DIMENSIONS = ("tier", "platform", "brand", "category", "product")
MIN_UNITS_OVERALL = 10  # per group; below it the section says "insufficient data"


@dataclass(frozen=True)
class LiftReport:
    n_units: int
    group_means: pd.DataFrame  # group ("Control"/"Test"), n, mean, low, high: each mean with its CI
    has_control: bool
    overall: inc.IncrementalRoas | None  # None without a control group
    srm: inc.SampleRatioCheck | None
    cuped: inc.CupedComparison | None  # None without a usable pre-campaign covariate
    by_tier: pd.DataFrame  # tier, attributed_roas, iroas, iroas_low, iroas_high, incrementality_ratio
    mde: inc.MinimumDetectableEffect | None  # what this design can detect
    organic: inc.OrganicBaselineEstimate | None  # only without a control group: an assumption
    warnings: tuple[str, ...]
    alpha: float

    @property
    def confidence(self) -> str:
        return f"{(1 - self.alpha) * 100:g}%"


def units_of(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per post with the columns the statistics need (campaign type in lower case)."""
    units = posts.copy()
    units["campaign_type"] = units["campaign_type"].astype(str).str.strip().str.lower()
    return units


def design_sd(units: pd.DataFrame) -> float | None:
    """Per-post revenue SD used for power: the control group's (the no-promotion spread), else all."""
    control = units.loc[units["campaign_type"] == "control", "revenue"]
    values = control if len(control) >= 2 else units["revenue"]
    return float(values.std(ddof=1)) if len(values) >= 2 else None


def group_means(units: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Mean revenue per post of each group with its t confidence interval (None below 2 posts)."""
    rows = []
    for label, group in (("Control", "control"), ("Test", "test")):
        values = units.loc[units["campaign_type"] == group, "revenue"].astype(float)
        n = len(values)
        mean = float(values.mean()) if n else None
        half = float(stats.t.ppf(1 - alpha / 2, n - 1) * values.std(ddof=1) / np.sqrt(n)) if n >= 2 else None
        rows.append({"group": label, "n": n, "mean": mean,
                     "low": mean - half if half is not None else None,
                     "high": mean + half if half is not None else None})
    return pd.DataFrame(rows)


def tier_incrementality(units: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Attributed ROAS vs iROAS per tier, and their ratio (the share of attributed ROAS that is incremental)."""
    table = inc.segment_lifts(units, "tier", alpha=alpha, min_units=2)
    if table.empty:
        return pd.DataFrame(columns=["tier", "n_test", "n_control", "attributed_roas", "iroas", "iroas_low",
                                     "iroas_high", "incrementality_ratio", "warning"])
    rank = {tier: i for i, tier in enumerate(TIERS)}
    table = table.sort_values("tier", key=lambda s: s.map(rank).fillna(len(rank)), kind="stable")
    ratio = [None if a in (None, 0) or i is None else i / a
             for a, i in zip(table["attributed_roas"], table["iroas"])]
    table = table.assign(incrementality_ratio=ratio)
    return table[["tier", "n_test", "n_control", "attributed_roas", "iroas", "iroas_low", "iroas_high",
                  "incrementality_ratio", "warning"]].reset_index(drop=True)


def lift_report(posts: pd.DataFrame, alpha: float = 0.05, expected_control_share: float = 0.2,
                organic_share: float = 0.2, power: float = 0.8) -> LiftReport:
    """The whole test-vs-control reading of the selected posts."""
    units = units_of(posts)
    is_test = units["campaign_type"] == "test"
    is_control = units["campaign_type"] == "control"
    n_test, n_control = int(is_test.sum()), int(is_control.sum())
    warnings = []
    if not inc.has_control(units):
        organic = inc.organic_baseline_estimate(units["revenue"].sum(), units["spend"].sum(), organic_share)
        warnings.append("These posts have no control group, so incrementality cannot be measured. "
                        f"The estimate shown assumes an organic baseline of {organic_share:.0%} of revenue.")
        return LiftReport(len(units), group_means(units, alpha), False, None, None, None,
                          tier_incrementality(units.iloc[0:0], alpha), None, organic, tuple(warnings), alpha)

    overall = inc.incremental_roas(units.loc[is_test, "revenue"], units.loc[is_control, "revenue"],
                                   float(units.loc[is_test, "spend"].sum()), alpha)
    srm = inc.sample_ratio_check(n_test, n_control, expected_control_share)
    if srm.mismatch:
        warnings.append(srm.message)
    if min(n_test, n_control) < MIN_UNITS_OVERALL:
        warnings.append(f"Insufficient data: {n_test} test and {n_control} control posts; at least "
                        f"{MIN_UNITS_OVERALL} of each are needed before a lift means much.")

    cuped = None
    if "expected_orders" in units and units["expected_orders"].notna().sum() >= 4:
        with_cov = units[units["expected_orders"].notna()]
        t, c = with_cov[with_cov["campaign_type"] == "test"], with_cov[with_cov["campaign_type"] == "control"]
        if len(t) >= 2 and len(c) >= 2:
            cuped = inc.compare_groups_cuped(t["revenue"], c["revenue"], t["expected_orders"],
                                             c["expected_orders"], alpha)

    sd = design_sd(units)
    test_spend = float(units.loc[is_test, "spend"].sum())
    mde = None
    if sd and sd > 0 and n_test >= 2 and n_control >= 2:  # a design needs both groups
        mde = inc.minimum_detectable_effect(
            len(units), n_control / len(units), sd, alpha, power,
            baseline_mean=overall.comparison.control_mean,
            spend_per_test_unit=test_spend / n_test if n_test else None)
    return LiftReport(len(units), group_means(units, alpha), True, overall, srm, cuped,
                      tier_incrementality(units, alpha), mde, None, tuple(warnings), alpha)


def segment_table(posts: pd.DataFrame, dimension: str, alpha: float = 0.05,
                  min_units: int = inc.DEFAULT_MIN_UNITS) -> pd.DataFrame:
    """Lift per value of one dimension with Benjamini–Hochberg adjusted p-values."""
    if dimension not in SEGMENT_DIMENSIONS:
        raise ValueError(f"unknown segment dimension {dimension!r}")
    units = units_of(posts)
    if not inc.has_control(units):
        return inc.segment_lifts(units.iloc[0:0], dimension, alpha=alpha, min_units=min_units)
    return inc.segment_lifts(units, dimension, alpha=alpha, min_units=min_units)


@dataclass(frozen=True)
class TestPlan:
    mde: inc.MinimumDetectableEffect
    units_for_target: int | None
    target_abs_lift: float | None
    sd: float
    baseline_mean: float | None


def plan_test(posts: pd.DataFrame, n_units: int, control_share: float, target_rel_lift: float | None,
              alpha: float = 0.05, power: float = 0.8) -> TestPlan | None:
    """Power planning from the selected posts' revenue spread: the MDE of a design with `n_units`
    posts and `control_share`, and the posts needed to detect `target_rel_lift` (relative to the
    control mean). None when the posts give no spread to plan with."""
    units = units_of(posts)
    sd = design_sd(units)
    if not sd or sd <= 0 or not np.isfinite(sd):
        return None
    control = units.loc[units["campaign_type"] == "control", "revenue"]
    baseline = float(control.mean()) if len(control) else float(units["revenue"].mean())
    test = units[units["campaign_type"] == "test"]
    spend_per_test = float(test["spend"].sum() / len(test)) if len(test) else None
    mde = inc.minimum_detectable_effect(n_units, control_share, sd, alpha, power, baseline_mean=baseline,
                                        spend_per_test_unit=spend_per_test)
    target = target_rel_lift * baseline if target_rel_lift and baseline > 0 else None
    needed = inc.units_needed(target, control_share, sd, alpha, power) if target else None
    return TestPlan(mde, needed, target, sd, baseline)
