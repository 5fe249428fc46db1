"""A tiny hand-made dataset whose every figure is worked out by hand in the tests."""
import pandas as pd
import pytest


def tiny_tables() -> dict[str, pd.DataFrame]:
    influencers = pd.DataFrame({
        "influencer_id": ["I1", "I2", "I3"], "name": ["Asha", "Bharat", "Chitra"],
        "category": ["Fitness", "Health", "Beauty"], "gender": ["F", "M", "F"],
        "follower_count": [50_000, 2_000_000, 300_000], "platform": ["Instagram", "YouTube", "TikTok"],
        "tier": [None, "Mega", None],  # I1's tier is derived from followers: Micro; I3: Macro
    })
    posts = pd.DataFrame({
        "post_id": ["P1", "P2", "P3"], "influencer_id": ["I1", "I1", "I2"],
        "platform": ["Instagram", "Instagram", "YouTube"],
        "date": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-01-03"]),
        "reach": [1000, 2000, 10000], "likes": [90, 100, 500], "comments": [10, 0, 50], "shares": [0, 0, 50],
        "brand": ["MuscleBlaze", "HKVitals", "MuscleBlaze"], "product": ["Whey", "Multi", "Whey"],
        "product_category": ["Protein", "Vitamins", "Protein"], "product_price": [1000.0, 500.0, 1000.0],
        "product_margin": [0.5, 0.6, 0.5], "campaign_type": ["test", "control", "test"],
    })
    tracking = pd.DataFrame({
        "tracking_id": ["T1", "T2", "T3", "T4", "T5", "T6"],
        "influencer_id": ["I1", "I1", "I2", "I1", "I2", "I1"],
        "post_id": ["P1", "P1", "P3", "P2", None, "P1"],
        # O2 is touched by P1 (view) then P3 (click): last touch is P3. T5 has no order id and no post.
        "order_id": ["O1", "O2", "O2", "O3", None, "O4"],
        "date": pd.to_datetime(["2026-01-02 10:00", "2026-01-04 12:00", "2026-01-04 12:00", "2026-01-06 09:00",
                                "2026-01-10 18:00", "2026-01-02 11:00"]),
        "orders": [1, 1, 1, 1, 1, 1],
        "revenue": [1000.0, 2000.0, 2000.0, 500.0, 3000.0, 1000.0],
        "profit": [None, None, None, 200.0, None, None],
        "touch_type": ["click", "view", "click", "click", None, "click"],
    })
    payouts = pd.DataFrame({
        "payout_id": ["PAY1", "PAY2", "PAY3", "PAY4"], "influencer_id": ["I1", "I1", "I2", "I3"],
        "post_id": ["P1", None, None, None], "brand": [None, None, None, None],
        "basis": ["post", "order", "hybrid", "post"], "rate": [500.0, 100.0, 1000.0, 400.0],
        "orders": [2, 3, 2, 0], "cost_per_order": [None, 100.0, 100.0, None],
        "performance_bonus": [0.0, 0.0, 50.0, 0.0], "total_payout": [500.0, 300.0, 1250.0, 400.0],
    })
    return {"influencers": influencers, "posts": posts, "tracking_data": tracking, "payouts": payouts}


@pytest.fixture
def tables():
    return tiny_tables()
