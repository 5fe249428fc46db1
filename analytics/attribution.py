"""Order credit: how much of each order a tracking row (one touch) receives.

An order touched by several posts appears once per touch with the same order_id and the full
order revenue on every row. A model gives the touches of one order weights that sum to at most 1,
so revenue counted as Σ revenue × credit is counted once per order.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

MODELS = ("last_touch",)
DEFAULT_MODEL = "last_touch"


def order_keys(tracking: pd.DataFrame) -> np.ndarray:
    """An integer order key per row: equal keys are touches of one order.

    Rows without an order id (the original assignment's files) are single-touch orders.

    >>> order_keys(pd.DataFrame({"order_id": ["A", None, "A", "B"]})).tolist()
    [0, 3, 0, 1]
    """
    if "order_id" not in tracking:
        return np.arange(len(tracking))
    codes, uniques = pd.factorize(tracking["order_id"])
    missing = codes < 0
    codes = codes.astype(np.int64)
    codes[missing] = len(uniques) + np.flatnonzero(missing)
    return codes


def last_touch_credit(tracking: pd.DataFrame, touch_time: pd.Series) -> pd.Series:
    """1.0 for the latest touch of each order, 0.0 for the others.

    Ties on touch time go to a click over a view, then to the later row (stable and documented).

    >>> t = pd.DataFrame({"order_id": ["A", "A", None]})
    >>> last_touch_credit(t, pd.Series(pd.to_datetime(["2026-01-02", "2026-01-01", "2026-01-01"]))).tolist()
    [1.0, 0.0, 1.0]
    """
    keys = order_keys(tracking)
    is_click = (tracking["touch_type"] == "click") if "touch_type" in tracking else False
    frame = pd.DataFrame({
        "key": keys,
        "time": pd.to_datetime(touch_time).to_numpy(),
        "click": np.asarray(is_click, dtype=bool) if not np.isscalar(is_click) else False,
        "pos": np.arange(len(tracking)),
    })
    frame = frame.sort_values(["key", "time", "click", "pos"], kind="mergesort")
    last = ~frame["key"].duplicated(keep="last")
    credit = np.zeros(len(tracking))
    credit[frame["pos"].to_numpy()[last.to_numpy()]] = 1.0
    return pd.Series(credit, index=tracking.index, name="credit")


def order_credit(tracking: pd.DataFrame, touch_time: pd.Series, model: str = DEFAULT_MODEL) -> pd.Series:
    """Credit per tracking row under the named model (weights of one order sum to at most 1)."""
    if model == "last_touch":
        return last_touch_credit(tracking, touch_time)
    raise ValueError(f"unknown attribution model {model!r}; known: {', '.join(MODELS)}")
