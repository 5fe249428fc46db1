import pandas as pd
import pytest

from analytics.attribution import order_credit, order_keys


def test_rows_without_order_id_are_single_touch_orders():
    keys = order_keys(pd.DataFrame({"order_id": [None, None, "A"]}))
    assert len(set(keys)) == 3


def test_last_touch_gives_the_latest_touch_the_order():
    tracking = pd.DataFrame({"order_id": ["A", "A", "A", "B"], "touch_type": ["view", "click", "view", "click"]})
    times = pd.Series(pd.to_datetime(["2026-01-01", "2026-01-03", "2026-01-02", "2026-01-01"]))
    assert order_credit(tracking, times).tolist() == [0.0, 1.0, 0.0, 1.0]


def test_ties_go_to_the_click():
    tracking = pd.DataFrame({"order_id": ["A", "A"], "touch_type": ["click", "view"]})
    times = pd.Series(pd.to_datetime(["2026-01-01", "2026-01-01"]))
    assert order_credit(tracking, times).tolist() == [1.0, 0.0]


def test_credit_of_each_order_sums_to_one():
    tracking = pd.DataFrame({"order_id": list("AABBBC") + [None]})
    times = pd.Series(pd.date_range("2026-01-01", periods=7))
    credit = order_credit(tracking, times)
    sums = credit.groupby(tracking["order_id"].fillna("solo")).sum()
    assert (sums == 1.0).all()


def test_unknown_model_is_an_error():
    with pytest.raises(ValueError, match="unknown attribution model"):
        order_credit(pd.DataFrame({"order_id": ["A"]}), pd.Series(pd.to_datetime(["2026-01-01"])), "magic")
