"""Campaign Overview: KPIs with deltas, breakdowns, trend and top influencers for one filter spec."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.filters import TIER_ORDER, FilterSpec, KnownValues, apply_filters, period, previous_period
from analytics.metrics import SUM_COLUMNS, add_ratios, metrics_by, totals

KPI_KEYS = ("revenue", "spend", "roas", "orders", "aov", "profit", "roi")
BREAKDOWNS = ("brand", "platform", "tier")


@dataclass(frozen=True)
class KpiDelta:
    value: float
    previous: float | None  # None when the previous period has no data
    change: float | None  # relative change vs previous, None when not defined
    target: float | None
    vs_target: float | None  # value / target - 1


@dataclass(frozen=True)
class Overview:
    period: tuple[str, str] | None
    previous_period: tuple[str, str] | None
    kpis: dict[str, KpiDelta]
    breakdowns: dict[str, pd.DataFrame]  # brand / platform / tier -> metrics_by table
    trend: pd.DataFrame  # period start, revenue, spend, orders, roas
    top_influencers: pd.DataFrame
    influencers: int  # how many influencers the filters keep
    posts: int
    comparison_note: str = ""  # why there are no changes vs the previous period, when there are none

    @property
    def empty(self) -> bool:
        return self.posts == 0 and self.kpis["revenue"].value == 0


def relative_change(value: float, previous: float | None) -> float | None:
    """(value − previous) / |previous|, None when previous is missing, zero or not a number.

    >>> relative_change(120.0, 100.0)
    0.2
    """
    if previous is None or not np.isfinite(previous) or previous == 0 or not np.isfinite(value):
        return None
    return (value - previous) / abs(previous)


def kpi_deltas(current: dict[str, float], previous: dict[str, float] | None,
               targets: dict[str, float]) -> dict[str, KpiDelta]:
    """Each KPI with its change against the previous period and its distance to target."""
    out = {}
    for key in KPI_KEYS:
        value = current[key]
        prev = previous[key] if previous is not None else None
        target = targets.get(key)
        vs_target = relative_change(value, target) if target else None
        out[key] = KpiDelta(value, prev, relative_change(value, prev), target, vs_target)
    return out


def trend(rows: pd.DataFrame, granularity: str = "D") -> pd.DataFrame:
    """Revenue, spend, orders and ROAS per day ("D") or per week starting Monday ("W").

    Spend lands on the posting day and revenue on the following days, so a one-day ROAS swings
    wildly; the daily series therefore carries a 7-day rolling ROAS (Σ revenue / Σ spend over the
    last 7 days, empty days included).
    """
    daily = rows.groupby("day", sort=True)[["revenue", "spend", "orders"]].sum()
    if len(daily):
        daily = daily.asfreq("D", fill_value=0.0)
    if granularity == "W" and len(daily):
        week_start = daily.index - pd.to_timedelta(daily.index.day_of_week, unit="D")
        daily = daily.groupby(week_start).sum()
        revenue, spend = daily["revenue"], daily["spend"]
    else:
        revenue = daily["revenue"].rolling(7, min_periods=1).sum()
        spend = daily["spend"].rolling(7, min_periods=1).sum()
    daily.index.name = "period"
    out = daily.reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["roas"] = np.where(spend.to_numpy() > 0, revenue.to_numpy() / np.where(spend.to_numpy() > 0,
                                                                                     spend.to_numpy(), 1), np.nan)
    return out


def top_influencers(rows: pd.DataFrame, influencers: pd.DataFrame, limit: int = 100) -> pd.DataFrame:
    """The influencers with the most revenue under the filters, with their metrics."""
    table = metrics_by(rows, "influencer_id").head(limit)
    info = influencers[["influencer_id", "name", "platform", "tier", "follower_count"]]
    table["influencer_id"] = table["influencer_id"].astype(str)
    return table.merge(info, on="influencer_id", how="left", suffixes=("", "_influencer"))


def breakdown(rows: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Metrics per brand / platform / tier; tiers in their natural order, the others by revenue."""
    table = metrics_by(rows, dimension)
    if dimension == "tier":
        rank = {tier: i for i, tier in enumerate(TIER_ORDER)}
        table = table.sort_values("tier", key=lambda s: s.map(rank).fillna(len(rank)), kind="stable")
    return table.reset_index(drop=True)


def campaign_overview(daily: pd.DataFrame, influencers: pd.DataFrame, spec: FilterSpec, known: KnownValues,
                      targets: dict[str, float] | None = None, granularity: str = "D",
                      top_n: int = 100) -> Overview:
    """Everything the Campaign Overview shows for one filter spec."""
    rows = apply_filters(daily, spec)
    current = totals(rows)
    previous_days = previous_period(spec, known)
    previous, comparison = None, "no earlier data to compare with"
    if previous_days is not None and known.first_day and previous_days[1] >= known.first_day:
        if previous_days[0] < known.first_day:
            # A part-covered previous period would make any change look like growth.
            comparison = "the previous period is only partly covered by the data, so no changes are shown"
        else:
            # Like with like: the previous period keeps the influencers the current one keeps.
            previous_rows = apply_filters(daily, replace(spec, min_roas=None), previous_days)
            if spec.min_roas is not None:
                previous_rows = previous_rows[previous_rows["influencer_id"].isin(
                    rows["influencer_id"].astype(str).unique())]
            if len(previous_rows):
                previous = totals(previous_rows)
    influencer_count = int(np.unique(rows["influencer_id"].cat.codes.to_numpy()).size)
    return Overview(
        period=period(spec, known),
        previous_period=previous_days if previous is not None else None,
        comparison_note=comparison,
        kpis=kpi_deltas(current, previous, targets or {}),
        breakdowns={name: breakdown(rows, name) for name in BREAKDOWNS},
        trend=trend(rows, granularity),
        top_influencers=top_influencers(rows, influencers, top_n),
        influencers=influencer_count,
        posts=int(current["posts"]),
    )


__all__ = ["Overview", "KpiDelta", "campaign_overview", "kpi_deltas", "trend", "top_influencers",
           "relative_change", "SUM_COLUMNS", "add_ratios"]
