import math

import pandas as pd
import pytest

from analytics.metrics import add_ratios, metrics_by, totals


def frame():
    return pd.DataFrame({
        "brand": ["A", "A", "B"], "revenue": [100.0, 300.0, 50.0], "spend": [50.0, 50.0, 0.0],
        "orders": [1.0, 3.0, 1.0], "gross_profit": [40.0, 120.0, 20.0], "reach": [1000.0, 0.0, 500.0],
        "engagements": [10.0, 0.0, 5.0], "posts": [1.0, 1.0, 1.0],
    })


def test_group_roas_is_ratio_of_sums_not_mean_of_ratios():
    rows = frame().assign(spend=[100.0, 25.0, 0.0])
    a = metrics_by(rows, "brand").set_index("brand").loc["A"]
    assert a["roas"] == pytest.approx(400 / 125)  # not (1 + 12) / 2


def test_ratios_by_hand():
    t = totals(frame())
    assert t["revenue"] == 450 and t["spend"] == 100
    assert t["roas"] == pytest.approx(4.5)
    assert t["aov"] == pytest.approx(90.0)
    assert t["profit"] == pytest.approx(180 - 100)
    assert t["roi"] == pytest.approx(0.8)
    assert t["cost_per_order"] == pytest.approx(20.0)
    assert t["engagement_rate"] == pytest.approx(15 / 1500)
    assert t["cpe"] == pytest.approx(100 / 15)
    assert t["cpm"] == pytest.approx(100 / 1500 * 1000)


def test_zero_denominators_are_not_defined():
    b = metrics_by(frame(), "brand").set_index("brand").loc["B"]
    assert math.isnan(b["roas"]) and math.isnan(b["roi"])  # spend 0: ROAS and ROI are not defined
    assert b["cost_per_order"] == 0.0  # 0 spend over 1 order is defined
    empty = totals(frame().iloc[0:0])
    assert empty["revenue"] == 0 and math.isnan(empty["roas"]) and math.isnan(empty["aov"])


def test_group_totals_add_up():
    table = metrics_by(frame(), "brand")
    for column in ("revenue", "spend", "orders", "gross_profit"):
        assert table[column].sum() == pytest.approx(frame()[column].sum())


def test_add_ratios_keeps_input_untouched():
    sums = frame().drop(columns="brand")
    before = sums.copy()
    add_ratios(sums)
    pd.testing.assert_frame_equal(sums, before)
