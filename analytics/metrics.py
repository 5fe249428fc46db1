"""Campaign metrics for any grouping, always ratios of sums (never means of per-row ratios).

revenue, spend, orders, gross_profit, reach, engagements and posts are sums; then
    roas = revenue / spend                    aov = revenue / orders
    profit = gross_profit - spend             roi = profit / spend
    cost_per_order = spend / orders           engagement_rate = engagements / reach
    cpe = spend / engagements                 cpm = spend / reach × 1000
A ratio whose denominator is 0 is NaN ("not defined"), never 0 or infinity.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

SUM_COLUMNS = ("revenue", "spend", "orders", "gross_profit", "reach", "engagements", "posts")
RATIO_COLUMNS = ("roas", "aov", "profit", "roi", "cost_per_order", "engagement_rate", "cpe", "cpm")


def _ratio(numerator, denominator):
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator != 0, numerator / np.where(denominator != 0, denominator, 1.0), np.nan)


def add_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the ratio metrics to a frame of sums.

    >>> add_ratios(pd.DataFrame({"revenue": [300.0], "spend": [100.0], "orders": [3.0],
    ...     "gross_profit": [150.0], "reach": [1000.0], "engagements": [50.0], "posts": [1.0]}))[
    ...     ["roas", "aov", "profit", "roi", "cpm"]].round(2).values.tolist()
    [[3.0, 100.0, 50.0, 0.5, 100.0]]
    """
    out = frame.copy()
    out["roas"] = _ratio(out["revenue"], out["spend"])
    out["aov"] = _ratio(out["revenue"], out["orders"])
    out["profit"] = out["gross_profit"] - out["spend"]
    out["roi"] = _ratio(out["profit"], out["spend"])
    out["cost_per_order"] = _ratio(out["spend"], out["orders"])
    out["engagement_rate"] = _ratio(out["engagements"], out["reach"])
    out["cpe"] = _ratio(out["spend"], out["engagements"])
    out["cpm"] = _ratio(out["spend"], out["reach"]) * 1000.0
    return out


def totals(frame: pd.DataFrame) -> dict[str, float]:
    """All metrics over the whole frame, as plain floats (NaN where not defined)."""
    sums = pd.DataFrame({c: [float(frame[c].sum()) if c in frame else 0.0] for c in SUM_COLUMNS})
    row = add_ratios(sums).iloc[0]
    return {k: float(v) for k, v in row.items()}


def metrics_by(frame: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Sums and ratios per group, sorted by revenue (largest first); empty groups are dropped."""
    columns = [c for c in SUM_COLUMNS if c in frame]
    grouped = frame.groupby(by, observed=True, sort=False)[columns].sum()
    grouped = grouped.reindex(columns=list(SUM_COLUMNS), fill_value=0.0)
    table = add_ratios(grouped).sort_values("revenue", ascending=False).reset_index()
    for column in [by] if isinstance(by, str) else by:
        if isinstance(table[column].dtype, pd.CategoricalDtype):
            table[column] = table[column].astype(str)  # plain labels for callers, not the fact table's codes
    return table
