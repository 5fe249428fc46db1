"""Incrementality: what promotion added on top of the organic baseline, with its uncertainty.

How the holdout works (DESIGN.md, "Statistics"): before launch every post, the unit of
randomisation, is assigned to test (about 80%) or control (about 20%). A control post's promotion
is withheld from its audience cell, so what that cell buys is the organic baseline.

The estimand of every function here
-----------------------------------
Δ = the average incremental revenue per test unit (unit = the post), estimated as
mean(test revenue per post) − mean(control revenue per post) over all posts of each group,
**zero-revenue posts included**. Group sums and per-order means are never compared.
Incremental revenue = n_T·Δ; iROAS = n_T·Δ / test spend (test spend is treated as known).
Relative lift = Δ / (control mean).

Methods
-------
- Absolute lift: Welch's unequal-variance t; CI = Δ ± t(1−α/2, ν)·SE with
  SE² = s²_T/n_T + s²_C/n_C and the Welch–Satterthwaite ν.
- Relative lift: delta method, Var ≈ s²_T/(n_T·ȳ_C²) + ȳ_T²·s²_C/(n_C·ȳ_C⁴), same t quantile.
  "Not estimable" (no interval) when Fieller's g = t²(1−α/2, ν)·s²_C/(n_C·ȳ_C²) ≥ 1, i.e. the
  control mean is not distinguishable from 0, or when the control mean is exactly 0.
- Many segments: Benjamini–Hochberg adjusted p-values over the segments that were tested.
- A p-value is not a confidence: nothing here reports (1 − p) as one.

Data handling (the same in every function)
------------------------------------------
- Missing values (NaN/None) are dropped and counted: ``n_dropped_test``/``n_dropped_control``
  and the message say how many. Infinite values raise ``ValueError`` (they are data errors).
- Fewer than 2 posts in a group: status "insufficient data", never an exception; numbers that
  cannot be computed are ``None`` (results never contain NaN).
- Both groups without any variation (e.g. all zeros): status "no variation"; the point
  difference is reported, but SE, CI, t, ν and p are ``None`` (a zero SE would claim certainty).

Everything is pure: arrays and DataFrames in, frozen dataclasses and DataFrames out.

>>> r = compare_groups([12.0, 0.0, 30.0, 18.0], [10.0, 0.0, 5.0, 9.0])
>>> r.status, r.abs_lift, r.n_test, r.n_control
('ok', 9.0, 4, 4)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

__all__ = [
    "DEFAULT_ALPHA", "DEFAULT_CONTROL_SHARE", "DEFAULT_MIN_UNITS", "DEFAULT_ORGANIC_SHARE", "DEFAULT_SRM_ALPHA",
    "ESTIMAND", "GroupComparison", "IncrementalRoas", "SampleRatioCheck", "MinimumDetectableEffect",
    "CupedComparison", "OrganicBaselineEstimate", "SEGMENT_COLUMNS",
    "compare_groups", "incremental_roas", "segment_lifts", "sample_ratio_check", "minimum_detectable_effect",
    "units_needed", "cuped_theta", "cuped_adjust", "compare_groups_cuped", "organic_baseline_estimate",
    "has_control", "plain_language",
]

# Assumptions with the brief's defaults (the app's config object should own and display these).
DEFAULT_ALPHA = 0.05
DEFAULT_CONTROL_SHARE = 0.2
DEFAULT_SRM_ALPHA = 0.001
DEFAULT_MIN_UNITS = 10  # per group, for a segment to be tested
DEFAULT_ORGANIC_SHARE = 0.2

ESTIMAND = ("average incremental revenue per test post (unit = the post, the unit of randomisation; "
            "zero-revenue posts included); iROAS = n_test × Δ / test spend")

OK, INSUFFICIENT, NO_VARIATION, NOT_ESTIMABLE = "ok", "insufficient data", "no variation", "not estimable"
WELCH_METHOD = "Welch's unequal-variance t-test; relative lift by the delta method (Fieller check)"


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupComparison:
    """Test vs control per unit (post). Estimand: Δ = average incremental revenue per test post,
    zero-revenue posts included. Undefined numbers are None, never NaN.

    status: "ok" | "insufficient data" (a group has < 2 values) | "no variation" (both groups constant).
    rel_status: "ok" | "not estimable" (control mean 0 or Fieller's g ≥ 1, or no variation)
    | "insufficient data". rel_lift is reported whenever the control mean is not 0; its interval
    only when rel_status is "ok".
    """

    test_mean: float | None
    control_mean: float | None
    n_test: int
    n_control: int
    abs_lift: float | None
    abs_lift_ci: tuple[float, float] | None
    rel_lift: float | None
    rel_lift_ci: tuple[float, float] | None
    t_stat: float | None
    df: float | None
    p_value: float | None
    alpha: float
    status: str
    rel_status: str
    message: str
    se: float | None = None  # standard error of abs_lift
    rel_lift_se: float | None = None  # delta-method standard error of rel_lift
    fieller_g: float | None = None
    test_sd: float | None = None
    control_sd: float | None = None
    n_dropped_test: int = 0  # missing values removed before the comparison
    n_dropped_control: int = 0
    method: str = WELCH_METHOD

    @property
    def confidence_level(self) -> float:
        """1 − α: the coverage of the intervals (not a statement about p)."""
        return 1.0 - self.alpha


@dataclass(frozen=True)
class IncrementalRoas:
    """Incremental revenue n_T·Δ and iROAS n_T·Δ / test spend (test spend taken as known), with
    their CIs (the abs-lift CI scaled the same way) and the attributed ROAS Σ test revenue / test spend.
    None where not defined (no test spend, insufficient data)."""

    incremental_revenue: float | None
    incremental_revenue_ci: tuple[float, float] | None
    iroas: float | None
    iroas_ci: tuple[float, float] | None
    attributed_roas: float | None
    test_revenue: float
    test_spend: float
    comparison: GroupComparison
    status: str
    message: str


@dataclass(frozen=True)
class SampleRatioCheck:
    """Chi-square goodness of fit of the test/control split against the planned control share."""

    n_test: int
    n_control: int
    expected_control_share: float
    observed_control_share: float | None
    chi2: float | None
    p_value: float | None
    alpha: float
    mismatch: bool
    message: str


@dataclass(frozen=True)
class MinimumDetectableEffect:
    """Smallest true lift per test post detectable with the given power (two-sided test)."""

    abs_mde: float | None  # revenue per test post
    rel_mde: float | None  # abs_mde / baseline_mean
    iroas_mde: float | None  # abs_mde / spend per test post
    n_test: float
    n_control: float
    alpha: float
    power: float
    message: str
    method: str = "two-sided t approximation: (t(1−α/2, n−2) + t(power, n−2))·sd·√(1/n_T + 1/n_C)"


@dataclass(frozen=True)
class CupedComparison:
    """The comparison before and after CUPED adjustment on the same units.

    variance_ratio = SE²(adjusted Δ) / SE²(unadjusted Δ); variance_reduction = 1 − variance_ratio.
    """

    unadjusted: GroupComparison
    adjusted: GroupComparison
    theta: float
    variance_ratio: float | None
    variance_reduction: float | None
    message: str


@dataclass(frozen=True)
class OrganicBaselineEstimate:
    """Incremental revenue under an *assumed* organic share, for campaigns without a control group.

    This is not a measurement (is_measurement is False) and carries no confidence interval.
    """

    revenue: float
    spend: float
    organic_share: float
    organic_revenue: float
    incremental_revenue: float
    iroas: float | None
    attributed_roas: float | None
    method: str
    is_measurement: bool
    message: str


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def _check_probability(value: float, label: str) -> float:
    value = float(value)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{label} must be strictly between 0 and 1, got {value}")
    return value


def _values(data, label: str) -> tuple[np.ndarray, int]:
    """1-D float array without missing values, and how many were dropped.

    >>> _values([1, None, 3.0], "test")
    (array([1., 3.]), 1)
    """
    if isinstance(data, (pd.Series, pd.Index)):
        data = pd.to_numeric(data, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    array = np.asarray(data if data is not None else [], dtype=float)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{label} values must be one-dimensional, got shape {array.shape}")
    missing = np.isnan(array)
    if np.isinf(array).any():
        raise ValueError(f"{label} values contain infinite numbers; fix the data before comparing")
    return array[~missing], int(missing.sum())


def _moments(values: np.ndarray) -> tuple[int, float | None, float | None]:
    """n, mean and sample variance (ddof=1); variance exactly 0 when all values are equal."""
    n = len(values)
    if n == 0:
        return 0, None, None
    mean = float(values.mean())
    if n < 2:
        return n, mean, None
    var = 0.0 if values.min() == values.max() else float(values.var(ddof=1))
    return n, mean, var


def _level(alpha: float) -> str:
    """'95%' for α = 0.05."""
    return f"{(1 - alpha) * 100:.10g}%"


def _dropped_note(n_dropped_test: int, n_dropped_control: int) -> str:
    if not (n_dropped_test or n_dropped_control):
        return ""
    return (f" Dropped missing values: {n_dropped_test} test, {n_dropped_control} control.")


def _ci(center: float, half: float) -> tuple[float, float]:
    return (float(center - half), float(center + half))


def _scaled(interval: tuple[float, float] | None, factor: float) -> tuple[float, float] | None:
    if interval is None:
        return None
    low, high = sorted((interval[0] * factor, interval[1] * factor))
    return (float(low), float(high))


# ---------------------------------------------------------------------------------------------
# Test vs control
# ---------------------------------------------------------------------------------------------

def compare_groups(test, control, alpha: float = DEFAULT_ALPHA) -> GroupComparison:
    """Welch comparison of test and control outcomes, one value per unit (post).

    Estimand: Δ = the average incremental revenue per test post (unit = the post, the unit of
    randomisation), zero-revenue posts included; ``test``/``control`` hold one revenue per post.
    Absolute lift Δ = ȳ_T − ȳ_C with CI Δ ± t(1−α/2, ν)·SE (Welch–Satterthwaite ν); relative lift
    Δ/ȳ_C with a delta-method CI, "not estimable" when Fieller's g ≥ 1 or ȳ_C = 0.
    NaNs are dropped and counted; infinities raise ValueError; < 2 values in a group gives
    status "insufficient data"; both groups constant gives "no variation" (no CI, no p).

    R's ``t.test(extra ~ group, data = sleep)``: t = -1.8608, df = 17.776, p-value = 0.07939.

    >>> g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> r = compare_groups(g1, g2)
    >>> round(r.t_stat, 4), round(r.df, 3), round(r.p_value, 5), [round(x, 4) for x in r.abs_lift_ci]
    (-1.8608, 17.776, 0.07939, [-3.3655, 0.2055])
    >>> compare_groups([5.0], [1.0, 2.0]).status
    'insufficient data'
    """
    alpha = _check_probability(alpha, "alpha")
    t_values, dropped_t = _values(test, "test")
    c_values, dropped_c = _values(control, "control")
    n_t, mean_t, var_t = _moments(t_values)
    n_c, mean_c, var_c = _moments(c_values)
    dropped = _dropped_note(dropped_t, dropped_c)
    abs_lift = mean_t - mean_c if (mean_t is not None and mean_c is not None) else None
    rel_lift = abs_lift / mean_c if (abs_lift is not None and mean_c != 0) else None
    common = dict(test_mean=mean_t, control_mean=mean_c, n_test=n_t, n_control=n_c, abs_lift=abs_lift,
                  rel_lift=rel_lift, alpha=alpha, n_dropped_test=dropped_t, n_dropped_control=dropped_c,
                  test_sd=math.sqrt(var_t) if var_t is not None else None,
                  control_sd=math.sqrt(var_c) if var_c is not None else None)

    if n_t < 2 or n_c < 2:
        return GroupComparison(
            **common, abs_lift_ci=None, rel_lift_ci=None, t_stat=None, df=None, p_value=None,
            status=INSUFFICIENT, rel_status=INSUFFICIENT,
            message=(f"Insufficient data: {n_t} test and {n_c} control units; at least 2 of each are needed "
                     f"for a confidence interval.{dropped}"))

    se2_t, se2_c = var_t / n_t, var_c / n_c
    se2 = se2_t + se2_c
    if se2 == 0.0:
        return GroupComparison(
            **common, abs_lift_ci=None, rel_lift_ci=None, t_stat=None, df=None, p_value=None, se=0.0,
            status=NO_VARIATION, rel_status=NOT_ESTIMABLE,
            message=(f"No variation: every test unit has the value {mean_t:g} and every control unit "
                     f"{mean_c:g}; the difference is {abs_lift:g} but there is no spread to judge it against, "
                     f"so no confidence interval or p-value.{dropped}"))

    se = math.sqrt(se2)
    df = se2 ** 2 / (se2_t ** 2 / (n_t - 1) + se2_c ** 2 / (n_c - 1))
    t_stat = abs_lift / se
    p_value = float(2.0 * stats.t.sf(abs(t_stat), df))
    q = float(stats.t.ppf(1.0 - alpha / 2.0, df))
    abs_ci = _ci(abs_lift, q * se)

    rel_ci, rel_se, g = None, None, None
    if mean_c == 0:
        rel_status = NOT_ESTIMABLE
        rel_note = " Relative lift not estimable: the control mean is 0."
    else:
        g = q ** 2 * var_c / (n_c * mean_c ** 2)
        rel_se = math.sqrt(var_t / (n_t * mean_c ** 2) + mean_t ** 2 * var_c / (n_c * mean_c ** 4))
        if g >= 1.0:
            rel_status = NOT_ESTIMABLE
            rel_note = (f" Relative lift not estimable: the control mean is too close to 0 "
                        f"(Fieller's g = {g:.2f} ≥ 1).")
        else:
            rel_status = OK
            rel_ci = _ci(rel_lift, q * rel_se)
            rel_note = ""
    level = _level(alpha)
    message = (f"Welch's t-test on {n_t} test and {n_c} control units: difference {abs_lift:.6g} per unit "
               f"({level} CI {abs_ci[0]:.6g} to {abs_ci[1]:.6g}), t = {t_stat:.4g}, df = {df:.4g}, "
               f"p = {p_value:.3g}.{rel_note}{dropped}")
    return GroupComparison(
        **common, abs_lift_ci=abs_ci, rel_lift_ci=rel_ci, t_stat=float(t_stat), df=float(df), p_value=p_value,
        status=OK, rel_status=rel_status, message=message, se=se, rel_lift_se=rel_se,
        fieller_g=float(g) if g is not None else None)


def _total(values, label: str) -> float:
    array = np.asarray(values, dtype=float)
    if not np.isfinite(array).all():
        raise ValueError(f"{label} must be finite numbers")
    total = float(array.sum())
    if total < 0:
        raise ValueError(f"{label} must not be negative, got {total}")
    return total


def incremental_roas(test, control, test_spend, alpha: float = DEFAULT_ALPHA) -> IncrementalRoas:
    """Incremental revenue and iROAS of the test group, with CIs, beside its attributed ROAS.

    Estimand: Δ = average incremental revenue per test post (unit = the post, zero-revenue posts
    included); incremental revenue = n_T·Δ; iROAS = n_T·Δ / test spend, its CI the abs-lift CI
    scaled by n_T / test spend (spend is taken as known, not estimated). ``test_spend`` is the
    total spend (a number, or one value per test post, summed) of the test posts in ``test``;
    posts whose revenue is missing are dropped from n_T, so leave their spend out as well.
    The attributed ROAS Σ test revenue / test spend counts all attributed revenue, organic included.

    >>> r = incremental_roas([12.0, 0.0, 30.0, 18.0], [10.0, 0.0, 5.0, 9.0], test_spend=20.0)
    >>> r.incremental_revenue, r.iroas, r.attributed_roas
    (36.0, 1.8, 3.0)
    """
    comparison = compare_groups(test, control, alpha)
    spend = _total(test_spend, "test_spend")
    test_values, _ = _values(test, "test")
    test_revenue = float(test_values.sum())
    n_t = comparison.n_test
    incremental = n_t * comparison.abs_lift if comparison.abs_lift is not None else None
    incremental_ci = _scaled(comparison.abs_lift_ci, n_t)
    has_spend = spend > 0
    iroas = incremental / spend if (incremental is not None and has_spend) else None
    iroas_ci = _scaled(incremental_ci, 1.0 / spend) if has_spend else None
    attributed = test_revenue / spend if (has_spend and n_t > 0) else None
    if not has_spend:
        message = "No test spend: iROAS and attributed ROAS are not defined. " + comparison.message
    elif comparison.status != OK:
        message = comparison.message
    else:
        level = _level(comparison.alpha)
        message = (f"iROAS {iroas:.3g} ({level} CI {iroas_ci[0]:.3g} to {iroas_ci[1]:.3g}) = {n_t} test units × "
                   f"difference per unit / test spend {spend:.6g}; attributed ROAS {attributed:.3g}.")
    return IncrementalRoas(incremental_revenue=incremental, incremental_revenue_ci=incremental_ci, iroas=iroas,
                           iroas_ci=iroas_ci, attributed_roas=attributed, test_revenue=test_revenue,
                           test_spend=spend, comparison=comparison, status=comparison.status, message=message)


# ---------------------------------------------------------------------------------------------
# Segments
# ---------------------------------------------------------------------------------------------

SEGMENT_COLUMNS = (
    "n_test", "n_control", "test_mean", "control_mean", "abs_lift", "abs_lift_low", "abs_lift_high",
    "rel_lift", "rel_lift_low", "rel_lift_high", "p_value", "p_adjusted", "significant",
    "incremental_revenue", "incremental_revenue_low", "incremental_revenue_high", "test_spend",
    "iroas", "iroas_low", "iroas_high", "attributed_roas", "status", "warning",
)


def _group_labels(units: pd.DataFrame, column: str) -> pd.Series:
    if column not in units:
        raise ValueError(f"units has no {column!r} column (expected 'test'/'control' per unit)")
    return units[column].astype("string").str.strip().str.lower()


def segment_lifts(units: pd.DataFrame, by: str, outcome: str = "revenue", spend: str | None = "spend",
                  alpha: float = DEFAULT_ALPHA, min_units: int = DEFAULT_MIN_UNITS,
                  campaign_column: str = "campaign_type") -> pd.DataFrame:
    """Lift of test over control within each value of ``by``, with Benjamini–Hochberg adjustment.

    Estimand per segment: Δ = average incremental revenue per test post of the segment (unit = the
    post, one row of ``units``; zero-revenue posts included); iROAS = n_T·Δ / the segment's test spend.
    Rows whose ``campaign_column`` is neither "test" nor "control" are ignored; missing spend counts as 0.

    A segment is tested when it has at least ``min_units`` test and ``min_units`` control units and
    the comparison is "ok"; only tested segments enter the BH family (``p_adjusted``); the others
    get a ``warning`` ("insufficient data: …" or "no variation: …"), p_adjusted None and
    significant False. ``significant`` is p_adjusted < alpha. Numbers that are not defined are None
    (those columns have object dtype); ``warning`` is "" when there is nothing to say.

    >>> units = pd.DataFrame({"tier": ["A"] * 6 + ["B"] * 3, "campaign_type": ["test", "test", "test",
    ...     "control", "control", "control", "test", "test", "control"],
    ...     "revenue": [5.0, 7.0, 9.0, 1.0, 2.0, 3.0, 4.0, 4.0, 1.0], "spend": [1.0] * 9})
    >>> table = segment_lifts(units, "tier", min_units=3)
    >>> table[["tier", "n_test", "n_control", "abs_lift", "iroas"]].values.tolist()
    [['A', 3, 3, 5.0, 5.0], ['B', 2, 1, 3.0, 3.0]]
    >>> table["warning"].tolist()[1]
    'insufficient data: 2 test and 1 control units (minimum 3 of each); not tested'
    """
    alpha = _check_probability(alpha, "alpha")
    if int(min_units) < 2:
        raise ValueError(f"min_units must be at least 2, got {min_units}")
    min_units = int(min_units)
    for column in (by, outcome) + ((spend,) if spend is not None else ()):
        if column not in units:
            raise ValueError(f"units has no {column!r} column")
    labels = _group_labels(units, campaign_column)
    frame = pd.DataFrame({"segment": units[by], "group": labels,
                          "outcome": pd.to_numeric(units[outcome], errors="raise")})
    frame["spend"] = pd.to_numeric(units[spend], errors="raise") if spend is not None else 0.0
    frame = frame[frame["group"].isin(["test", "control"])]

    rows = []
    for segment, part in frame.groupby("segment", sort=True, dropna=False, observed=True):
        is_test = (part["group"] == "test").to_numpy()
        test_spend = float(part.loc[is_test, "spend"].fillna(0.0).sum())
        result = incremental_roas(part.loc[is_test, "outcome"], part.loc[~is_test, "outcome"],
                                  test_spend if spend is not None else 0.0, alpha)
        c = result.comparison
        enough = c.n_test >= min_units and c.n_control >= min_units
        if not enough:
            warning = (f"insufficient data: {c.n_test} test and {c.n_control} control units "
                       f"(minimum {min_units} of each); not tested")
        elif c.status != OK:
            warning = f"{c.status}: not tested"
        elif c.rel_status != OK:
            warning = "relative lift not estimable: control mean too close to 0"
        else:
            warning = ""
        ci = c.abs_lift_ci or (None, None)
        rel_ci = c.rel_lift_ci or (None, None)
        inc_ci = result.incremental_revenue_ci or (None, None)
        iroas_ci = result.iroas_ci or (None, None)
        rows.append({
            by: segment, "n_test": c.n_test, "n_control": c.n_control, "test_mean": c.test_mean,
            "control_mean": c.control_mean, "abs_lift": c.abs_lift, "abs_lift_low": ci[0], "abs_lift_high": ci[1],
            "rel_lift": c.rel_lift, "rel_lift_low": rel_ci[0], "rel_lift_high": rel_ci[1],
            "p_value": c.p_value, "p_adjusted": None, "significant": False,
            "incremental_revenue": result.incremental_revenue, "incremental_revenue_low": inc_ci[0],
            "incremental_revenue_high": inc_ci[1], "test_spend": test_spend if spend is not None else None,
            "iroas": result.iroas, "iroas_low": iroas_ci[0], "iroas_high": iroas_ci[1],
            "attributed_roas": result.attributed_roas,
            "status": c.status if enough else INSUFFICIENT, "warning": warning, "_tested": enough and c.status == OK,
        })
    if not rows:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in (by, *SEGMENT_COLUMNS)})

    tested = [row for row in rows if row["_tested"]]
    if tested:
        _, adjusted, _, _ = multipletests([row["p_value"] for row in tested], alpha=alpha, method="fdr_bh")
        for row, p_adj in zip(tested, adjusted):
            row["p_adjusted"] = float(p_adj)
            row["significant"] = bool(p_adj < alpha)
    table = pd.DataFrame(rows, columns=[by, *SEGMENT_COLUMNS], dtype=object)
    table["n_test"] = table["n_test"].astype(np.int64)
    table["n_control"] = table["n_control"].astype(np.int64)
    table["significant"] = table["significant"].astype(bool)
    return table


# ---------------------------------------------------------------------------------------------
# Sample ratio
# ---------------------------------------------------------------------------------------------

def sample_ratio_check(n_test: int, n_control: int, expected_control_share: float = DEFAULT_CONTROL_SHARE,
                       alpha: float = DEFAULT_SRM_ALPHA) -> SampleRatioCheck:
    """Is the test/control split the planned one? Chi-square goodness of fit on the unit counts.

    Check this before trusting a lift of the estimand (average incremental revenue per test post;
    unit = the post, the unit of randomisation; zero-revenue posts included): a mismatch means
    assignment or tracking lost units selectively, and then the groups are no longer comparable.
    A strict alpha (0.001) is the norm.

    >>> sample_ratio_check(800, 200).mismatch, sample_ratio_check(900, 100).mismatch
    (False, True)
    """
    share = _check_probability(expected_control_share, "expected_control_share")
    alpha = _check_probability(alpha, "alpha")
    n_test, n_control = int(n_test), int(n_control)
    if n_test < 0 or n_control < 0:
        raise ValueError("unit counts must not be negative")
    total = n_test + n_control
    if total == 0:
        return SampleRatioCheck(n_test, n_control, share, None, None, None, alpha, False,
                                "No units yet: the sample ratio cannot be checked.")
    observed = n_control / total
    chi2, p_value = stats.chisquare([n_test, n_control], f_exp=[total * (1 - share), total * share])
    chi2, p_value = float(chi2), float(p_value)
    mismatch = p_value < alpha
    plan = f"{share:.0%}" if abs(share * 100 - round(share * 100)) < 1e-9 else f"{share:.1%}"
    if mismatch:
        message = (f"Sample ratio mismatch: {observed:.1%} of {total:,} units are control where {plan} was "
                   f"planned (chi-square p = {p_value:.2g} < {alpha:g}). Assignment or tracking may be broken; "
                   f"do not trust the lift until this is explained.")
    else:
        message = (f"Sample ratio as planned: {observed:.1%} of {total:,} units are control, {plan} expected "
                   f"(chi-square p = {p_value:.2g}).")
    return SampleRatioCheck(n_test, n_control, share, observed, chi2, p_value, alpha, bool(mismatch), message)


# ---------------------------------------------------------------------------------------------
# Power
# ---------------------------------------------------------------------------------------------

def _check_design(control_share: float, sd: float, alpha: float, power: float) -> None:
    _check_probability(control_share, "control_share")
    _check_probability(alpha, "alpha")
    _check_probability(power, "power")
    if not (np.isfinite(sd) and sd >= 0):
        raise ValueError(f"sd must be a finite number ≥ 0, got {sd}")


def _multiplier(n_total: float, alpha: float, power: float) -> float:
    """t(1−α/2, n−2) + t(power, n−2): the normal formula's z sum with the t refinement."""
    df = max(n_total - 2.0, 1.0)
    return float(stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df))


def minimum_detectable_effect(n_units: float, control_share: float, sd: float, alpha: float = DEFAULT_ALPHA,
                              power: float = 0.8, baseline_mean: float | None = None,
                              spend_per_test_unit: float | None = None) -> MinimumDetectableEffect:
    """Smallest true lift per test post that a two-sided test at ``alpha`` detects with ``power``.

    Estimand: Δ = average incremental revenue per test post (unit = the post, zero-revenue posts
    included). abs MDE = (t(1−α/2, n−2) + t(power, n−2))·sd·√(1/n_T + 1/n_C) with n_C = n·control_share
    and n_T = n − n_C (expected counts); ``sd`` is the per-post SD of revenue (e.g. of past posts).
    Relative MDE = abs / baseline_mean; iROAS MDE = abs / spend per test post (= n_T·Δ / test spend).
    Fewer than 2 expected units in a group: the MDE is None, with a message.

    >>> m = minimum_detectable_effect(1000, 0.2, sd=100.0, baseline_mean=50.0, spend_per_test_unit=10.0)
    >>> round(m.abs_mde, 2), round(m.rel_mde, 3), round(m.iroas_mde, 2)
    (22.17, 0.443, 2.22)
    """
    _check_design(control_share, sd, alpha, power)
    n_units = float(n_units)
    n_c = n_units * control_share
    n_t = n_units - n_c
    if n_t < 2 or n_c < 2:
        return MinimumDetectableEffect(None, None, None, n_t, n_c, alpha, power,
                                       f"Insufficient data: {n_t:g} test and {n_c:g} control units expected; "
                                       "at least 2 of each are needed.")
    abs_mde = _multiplier(n_units, alpha, power) * sd * math.sqrt(1 / n_t + 1 / n_c)
    rel_mde = abs_mde / abs(baseline_mean) if baseline_mean else None
    iroas_mde = abs_mde / spend_per_test_unit if spend_per_test_unit and spend_per_test_unit > 0 else None
    message = (f"With {n_t:,.0f} test and {n_c:,.0f} control units, a true lift of {abs_mde:.4g} per unit is "
               f"detected with {power:.0%} power at α = {alpha:g} (two-sided).")
    return MinimumDetectableEffect(float(abs_mde), rel_mde, iroas_mde, n_t, n_c, alpha, power, message)


def units_needed(target_abs_lift: float, control_share: float, sd: float, alpha: float = DEFAULT_ALPHA,
                 power: float = 0.8) -> int:
    """Total units (test + control posts) for minimum_detectable_effect to reach ``target_abs_lift``.

    Estimand: Δ = average incremental revenue per test post (unit = the post, zero-revenue posts
    included). The smallest integer n whose MDE (same formula as minimum_detectable_effect) is at
    most the target; at least enough units for 2 per group.

    >>> units_needed(25.0, 0.2, sd=100.0)
    787
    """
    _check_design(control_share, sd, alpha, power)
    if not (np.isfinite(target_abs_lift) and target_abs_lift > 0):
        raise ValueError(f"target_abs_lift must be a positive number, got {target_abs_lift}")
    k = 1 / (1 - control_share) + 1 / control_share
    smallest = math.ceil(max(2 / control_share, 2 / (1 - control_share)) - 1e-9)
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    n = max(float(smallest), (z * sd / target_abs_lift) ** 2 * k)
    for _ in range(20):  # fixed point with the t quantiles; converges in a few steps
        n_next = max(float(smallest), (_multiplier(n, alpha, power) * sd / target_abs_lift) ** 2 * k)
        if abs(n_next - n) < 1e-6:
            break
        n = n_next

    def mde(total: int) -> float:
        return _multiplier(total, alpha, power) * sd * math.sqrt(k / total)

    total = max(smallest, math.ceil(n - 1e-9))
    while total > smallest and mde(total - 1) <= target_abs_lift:
        total -= 1
    while mde(total) > target_abs_lift:
        total += 1
    return int(total)


# ---------------------------------------------------------------------------------------------
# CUPED
# ---------------------------------------------------------------------------------------------

def _paired(outcome, covariate) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(outcome, dtype=float).ravel()
    x = np.asarray(covariate, dtype=float).ravel()
    if y.shape != x.shape:
        raise ValueError(f"outcome and covariate must have the same length, got {len(y)} and {len(x)}")
    if np.isinf(y).any() or np.isinf(x).any():
        raise ValueError("outcome and covariate must not contain infinite numbers")
    return y, x


def cuped_theta(outcome, covariate) -> float:
    """θ = cov(y, x) / var(x) over the complete (y, x) pairs; 0 when x does not vary.

    The CUPED coefficient for the estimand (average incremental revenue per test post, unit = the
    post, zero-revenue posts included): pass the outcome and covariate of both groups pooled.

    >>> cuped_theta([1.0, 2.0, 3.0], [2.0, 4.0, 6.0])
    0.5
    """
    y, x = _paired(outcome, covariate)
    keep = ~(np.isnan(y) | np.isnan(x))
    y, x = y[keep], x[keep]
    if len(y) < 2 or x.min() == x.max():
        return 0.0
    return float(np.cov(y, x, ddof=1)[0, 1] / np.var(x, ddof=1))


def cuped_adjust(outcome, covariate, theta: float | None = None) -> np.ndarray:
    """CUPED-adjusted outcome y − θ·(x − x̄), θ = cov(y, x)/var(x), both estimated on the pooled data.

    The estimand is unchanged (average incremental revenue per test post, unit = the post,
    zero-revenue posts included): under randomisation the adjustment has mean 0 in both groups and
    only removes variance. Pass all units of both groups together, and use a covariate measured
    before assignment (e.g. the influencer's revenue per post in the pre-period); a covariate the
    promotion can move would absorb part of the effect. Pairs with a missing value give NaN.

    >>> cuped_adjust([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]).tolist()
    [2.0, 2.0, 2.0]
    """
    y, x = _paired(outcome, covariate)
    if theta is None:
        theta = cuped_theta(y, x)
    complete = ~(np.isnan(y) | np.isnan(x))
    x_mean = float(x[complete].mean()) if complete.any() else 0.0
    return y - theta * (x - x_mean)


def compare_groups_cuped(test, control, test_cov, control_cov, alpha: float = DEFAULT_ALPHA) -> CupedComparison:
    """compare_groups before and after CUPED adjustment (θ estimated on both groups pooled).

    Estimand: Δ = average incremental revenue per test post (unit = the post, zero-revenue posts
    included); both comparisons use the same units: those with outcome and covariate present.
    variance_ratio = SE²(adjusted) / SE²(unadjusted), variance_reduction = 1 − variance_ratio.

    >>> r = compare_groups_cuped([11.0, 13.0, 16.0], [9.0, 12.0, 14.0], [10.0, 12.0, 15.0], [10.0, 13.0, 15.0])
    >>> round(r.theta, 3), round(r.unadjusted.abs_lift, 3), round(r.adjusted.abs_lift, 3)
    (0.961, 1.667, 1.987)
    >>> r.adjusted.se < r.unadjusted.se
    True
    """
    y_t, x_t = _paired(test, test_cov)
    y_c, x_c = _paired(control, control_cov)
    keep_t = ~(np.isnan(y_t) | np.isnan(x_t))
    keep_c = ~(np.isnan(y_c) | np.isnan(x_c))
    y_t, x_t, y_c, x_c = y_t[keep_t], x_t[keep_t], y_c[keep_c], x_c[keep_c]
    y = np.concatenate([y_t, y_c])
    x = np.concatenate([x_t, x_c])
    theta = cuped_theta(y, x)
    adjusted_values = cuped_adjust(y, x, theta)
    unadjusted = compare_groups(y_t, y_c, alpha)
    adjusted = compare_groups(adjusted_values[:len(y_t)], adjusted_values[len(y_t):], alpha)
    ratio = None
    if unadjusted.se and adjusted.se is not None:
        ratio = float(adjusted.se ** 2 / unadjusted.se ** 2)
    dropped = int((~keep_t).sum() + (~keep_c).sum())
    note = f" {dropped} units without outcome or covariate left out of both." if dropped else ""
    if ratio is None:
        message = f"CUPED (θ = {theta:.4g}): variance reduction not defined ({unadjusted.status}).{note}"
    else:
        message = (f"CUPED (θ = {theta:.4g}) changes the variance of the lift estimate by a factor "
                   f"{ratio:.3g} ({1 - ratio:.1%} reduction).{note}")
    return CupedComparison(unadjusted=unadjusted, adjusted=adjusted, theta=theta, variance_ratio=ratio,
                           variance_reduction=None if ratio is None else 1.0 - ratio, message=message)


# ---------------------------------------------------------------------------------------------
# Without a control group
# ---------------------------------------------------------------------------------------------

def has_control(units: pd.DataFrame, campaign_column: str = "campaign_type", min_control: int = 2) -> bool:
    """True when ``units`` (one row per post) hold at least ``min_control`` control units.

    Without them the average incremental revenue per test post (unit = the post, zero-revenue
    posts included) cannot be measured; use organic_baseline_estimate and label it an assumption.

    >>> has_control(pd.DataFrame({"campaign_type": ["test", "control", "Control "]}))
    True
    """
    if units is None or campaign_column not in units:
        return False
    return bool((_group_labels(units, campaign_column) == "control").sum() >= min_control)


def organic_baseline_estimate(revenue, spend, organic_share: float = DEFAULT_ORGANIC_SHARE
                              ) -> OrganicBaselineEstimate:
    """Incremental revenue when there is no control group: an assumption, not a measurement.

    Stands in for the estimand (average incremental revenue per test post × n_T, unit = the post,
    zero-revenue posts included) by assuming a fixed share of attributed revenue would have
    happened anyway: incremental = (1 − organic_share)·revenue, iROAS = incremental / spend.
    ``revenue`` and ``spend`` are totals or one value per post (summed). No interval: the
    uncertainty lies in the assumption, which the data cannot check.

    >>> e = organic_baseline_estimate(1000.0, 400.0)
    >>> e.incremental_revenue, e.iroas, e.method, e.is_measurement
    (800.0, 2.0, 'assumption: organic baseline share 20%', False)
    """
    share = float(organic_share)
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"organic_share must be between 0 and 1, got {share}")
    total_revenue = _total(revenue, "revenue")
    total_spend = _total(spend, "spend")
    organic = share * total_revenue
    incremental = total_revenue - organic
    iroas = incremental / total_spend if total_spend > 0 else None
    attributed = total_revenue / total_spend if total_spend > 0 else None
    method = f"assumption: organic baseline share {share * 100:.4g}%"
    message = (f"No control group: assuming {share * 100:.4g}% of attributed revenue is organic, incremental revenue "
               f"is {incremental:,.2f}" + (f" and iROAS {iroas:.3g}" if iroas is not None else "")
               + ". This is an assumption, not a measurement.")
    return OrganicBaselineEstimate(revenue=total_revenue, spend=total_spend, organic_share=share,
                                   organic_revenue=organic, incremental_revenue=incremental, iroas=iroas,
                                   attributed_roas=attributed, method=method, is_measurement=False, message=message)


# ---------------------------------------------------------------------------------------------
# Plain language
# ---------------------------------------------------------------------------------------------

def _money(value: float, currency: str) -> str:
    """₹1,234 for large amounts, ₹12.35 for small ones, with a leading minus sign when negative."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    text = f"{amount:,.0f}" if amount >= 100 else f"{amount:,.2f}"
    return f"{sign}{currency}{text}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def _comparison_sentence(r: GroupComparison, currency: str, unit: str) -> str:
    units = f"{unit}s"
    if r.status == INSUFFICIENT:
        return (f"Not enough data to compare: {r.n_test} test and {r.n_control} control {units} "
                f"(at least 2 of each are needed).")
    difference = r.abs_lift
    if difference > 0:
        head = f"Test {units} earned {_money(difference, currency)} more per {unit} than control"
    elif difference < 0:
        head = f"Test {units} earned {_money(-difference, currency)} less per {unit} than control"
    else:
        head = f"Test {units} earned the same per {unit} as control"
    if r.status == NO_VARIATION:
        return (f"{head}, but every {unit} within each group has the same value, so there is no variation "
                f"to judge the difference against (no interval or p-value).")
    low, high = r.abs_lift_ci
    interval = f"{_level(r.alpha)} CI {_money(low, currency)} to {_money(high, currency)}"
    if r.p_value < r.alpha:
        reading = (f"a difference this large would be unlikely ({_p_text(r.p_value)}) "
                   f"if promotion had no effect")
    else:
        reading = (f"a difference this large could easily arise by chance ({_p_text(r.p_value)}) "
                   f"even if promotion had no effect")
    return f"{head} ({interval}); {reading}."


def plain_language(result, currency: str = "₹", unit: str = "post") -> str:
    """One plain sentence reading a result of compare_groups (or incremental_roas, or
    organic_baseline_estimate). The estimand read out is the average incremental revenue per test
    post (unit = the post, zero-revenue posts included); iROAS = n_T·Δ / test spend. p-values are
    read as "how surprising under no effect", never as a confidence.

    >>> g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> print(plain_language(compare_groups(g1, g2)))  # doctest: +NORMALIZE_WHITESPACE
    Test posts earned ₹1.58 less per post than control (95% CI -₹3.37 to ₹0.21); a difference
    this large could easily arise by chance (p = 0.079) even if promotion had no effect.
    """
    if isinstance(result, GroupComparison):
        return _comparison_sentence(result, currency, unit)
    if isinstance(result, IncrementalRoas):
        sentence = _comparison_sentence(result.comparison, currency, unit)
        if result.iroas is None or result.iroas_ci is None:
            return sentence
        level = _level(result.comparison.alpha)
        return (f"{sentence} Each {currency}1 of test spend brought {_money(result.iroas, currency)} of incremental "
                f"revenue (iROAS {result.iroas:.2f}, {level} CI {result.iroas_ci[0]:.2f} to {result.iroas_ci[1]:.2f}), "
                f"against an attributed ROAS of {result.attributed_roas:.2f}.")
    if isinstance(result, OrganicBaselineEstimate):
        tail = f" (iROAS {result.iroas:.2f})" if result.iroas is not None else ""
        return (f"Without a control group, assuming {result.organic_share * 100:.4g}% of attributed revenue would "
                f"have happened anyway, promotion added about {_money(result.incremental_revenue, currency)}{tail}; "
                f"this is an assumption, not a measurement.")
    raise TypeError(f"plain_language does not know how to read {type(result).__name__}")
