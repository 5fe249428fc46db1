"""The same selection under every attribution model, side by side.

Input: the filtered post×day rows of each model (one fact table per model). Spend can differ a
little between models: per-order payouts are spread over posts by attributed orders.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.attribution import DEFAULT_MODEL
from analytics.metrics import metrics_by, totals


def totals_by_model(rows_by_model: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per model: revenue, spend, roas, orders (model order kept)."""
    records = []
    for model, rows in rows_by_model.items():
        t = totals(rows)
        records.append({"model": model, "revenue": t["revenue"], "spend": t["spend"], "roas": t["roas"],
                         "orders": t["orders"]})
    return pd.DataFrame(records, columns=["model", "revenue", "spend", "roas", "orders"])


def compare_by(rows_by_model: dict[str, pd.DataFrame], by: str) -> pd.DataFrame:
    """Long table: model, group, revenue, spend, roas, orders for each model and value of `by`.

    >>> rows = pd.DataFrame({"tier": ["Micro", "Mega"], "revenue": [100.0, 50.0], "spend": [10.0, 50.0],
    ...                      "orders": [2.0, 1.0]})
    >>> compare_by({"last_touch": rows, "linear": rows.assign(revenue=[80.0, 70.0])}, "tier")[
    ...     ["model", "tier", "roas"]].values.tolist()
    [['last_touch', 'Micro', 10.0], ['last_touch', 'Mega', 1.0], ['linear', 'Micro', 8.0], ['linear', 'Mega', 1.4]]
    """
    tables = []
    for model, rows in rows_by_model.items():
        table = metrics_by(rows, by)[[by, "revenue", "spend", "roas", "orders"]]
        tables.append(table.assign(model=model))
    if not tables:
        return pd.DataFrame(columns=["model", by, "revenue", "spend", "roas", "orders"])
    return pd.concat(tables, ignore_index=True)[["model", by, "revenue", "spend", "roas", "orders"]]


def credit_shift(rows_by_model: dict[str, pd.DataFrame], influencers: pd.DataFrame,
                 baseline: str = DEFAULT_MODEL) -> pd.DataFrame:
    """Per influencer: revenue under each model, and how far their credit moves between models.

    Columns: influencer_id, name, platform, tier, one revenue column per model, low, high,
    shift (= high − low) and shift_share (= shift / revenue under the baseline model; NaN when
    that revenue is 0). Sorted by shift, largest first.
    """
    # An outer join: an influencer credited under any model is kept (0 where a model credits nothing).
    wide = pd.concat({model: rows.groupby("influencer_id", observed=True)["revenue"].sum()
                      for model, rows in rows_by_model.items()}, axis=1) if rows_by_model else pd.DataFrame()
    if wide.empty:
        return pd.DataFrame(columns=["influencer_id", "name", "platform", "tier", *rows_by_model, "low", "high",
                                     "shift", "shift_share"])
    wide = wide.fillna(0.0)
    wide.index = wide.index.astype(str)
    models = list(rows_by_model)
    wide["low"] = wide[models].min(axis=1)
    wide["high"] = wide[models].max(axis=1)
    wide["shift"] = wide["high"] - wide["low"]
    base = wide[baseline] if baseline in wide else wide[models[0]]
    with np.errstate(divide="ignore", invalid="ignore"):
        wide["shift_share"] = np.where(base > 0, wide["shift"] / base.where(base > 0, 1.0), np.nan)
    wide = wide.rename_axis("influencer_id").reset_index()
    info = influencers[["influencer_id", "name", "platform", "tier"]].astype({"influencer_id": str})
    out = wide.merge(info, on="influencer_id", how="left")
    return out.sort_values("shift", ascending=False, kind="stable")[
        ["influencer_id", "name", "platform", "tier", *models, "low", "high", "shift", "shift_share"]
    ].reset_index(drop=True)
