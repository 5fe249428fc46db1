import pandas as pd
import pytest

from analytics.spend import order_part, spend_by_post

POSTS = pd.DataFrame({"post_id": ["A", "B", "C", "D"], "influencer_id": ["X", "X", "X", "Y"],
                      "brand": ["MB", "MB", "HK", "MB"]})
ORDERS = pd.Series({"A": 3.0, "B": 1.0, "C": 0.0, "D": 0.0})


def payouts(**columns):
    base = {"payout_id": ["p"], "influencer_id": ["X"], "post_id": [None], "brand": [None], "basis": ["post"],
            "orders": [4], "cost_per_order": [None], "performance_bonus": [0.0], "total_payout": [90.0]}
    base.update({k: [v] for k, v in columns.items()})
    return pd.DataFrame(base)


def test_post_basis_spreads_equally_over_the_influencers_posts():
    result = spend_by_post(POSTS, payouts(), ORDERS).by_post
    assert result.to_dict() == pytest.approx({"A": 30.0, "B": 30.0, "C": 30.0, "D": 0.0})


def test_order_basis_spreads_by_orders():
    result = spend_by_post(POSTS, payouts(basis="order", total_payout=80.0), ORDERS).by_post
    assert result.to_dict() == pytest.approx({"A": 60.0, "B": 20.0, "C": 0.0, "D": 0.0})


def test_order_basis_without_orders_spreads_equally():
    result = spend_by_post(POSTS, payouts(influencer_id="Y", basis="order", total_payout=80.0), ORDERS).by_post
    assert result["D"] == pytest.approx(80.0)


def test_hybrid_splits_fixed_fee_per_post_and_order_part_by_orders():
    # order part = 10 × 4 + bonus 20 = 60 → A 45, B 15; fixed 90 → 30 each
    result = spend_by_post(POSTS, payouts(basis="hybrid", cost_per_order=10.0, performance_bonus=20.0,
                                          total_payout=150.0), ORDERS).by_post
    assert result.to_dict() == pytest.approx({"A": 75.0, "B": 45.0, "C": 30.0, "D": 0.0})


def test_payout_with_post_id_goes_to_that_post_only():
    result = spend_by_post(POSTS, payouts(post_id="B", basis="order"), ORDERS).by_post
    assert result.to_dict() == pytest.approx({"A": 0.0, "B": 90.0, "C": 0.0, "D": 0.0})


def test_payout_naming_a_brand_goes_to_that_brands_posts():
    result = spend_by_post(POSTS, payouts(brand="MB"), ORDERS).by_post
    assert result.to_dict() == pytest.approx({"A": 45.0, "B": 45.0, "C": 0.0, "D": 0.0})


def test_influencer_without_posts_is_unallocated_not_dropped():
    allocation = spend_by_post(POSTS, payouts(influencer_id="Z"), ORDERS)
    assert allocation.by_post.sum() == 0
    assert allocation.unallocated_total == pytest.approx(90.0)


def test_total_is_conserved():
    many = pd.concat([payouts(), payouts(basis="order", total_payout=80.0, payout_id="q"),
                      payouts(post_id="D", influencer_id="Y", payout_id="r", total_payout=7.0)], ignore_index=True)
    allocation = spend_by_post(POSTS, many, ORDERS)
    assert allocation.by_post.sum() + allocation.unallocated_total == pytest.approx(many["total_payout"].sum())


def test_order_part_caps_at_total():
    part = order_part(payouts(basis="hybrid", cost_per_order=100.0, total_payout=150.0))
    assert part.iloc[0] == pytest.approx(150.0)
