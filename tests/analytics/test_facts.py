"""Fact tables on the tiny dataset, every expected figure worked out by hand.

P1 (I1): orders O1 and O4 (last touch), revenue 2,000, gross profit 50% = 1,000;
         spend = its own payout 500 + PAY2's 300 spread by orders over P1:P2 = 2:1 → 200; total 700.
P2 (I1): O3, revenue 500, tracked profit 200, spend 100 (the rest of PAY2).
P3 (I2): O2 (last touch: P3 posted after P1) 2,000 + T5 (no post id: I2's latest post) 3,000 = 5,000;
         gross profit 2,500; spend: PAY3 hybrid 1,250, I2 has only P3.
PAY4 (I3, no posts) cannot be placed: unallocated 400.
"""
import pandas as pd
import pytest

from analytics.facts import build_facts


@pytest.fixture
def facts(tables):
    return build_facts(tables)


def by_post(facts, column):
    return facts.posts.set_index("post_id")[column].to_dict()


def test_revenue_counts_each_order_once_under_last_touch(facts):
    assert by_post(facts, "revenue") == pytest.approx({"P1": 2000.0, "P2": 500.0, "P3": 5000.0})
    assert by_post(facts, "orders") == pytest.approx({"P1": 2.0, "P2": 1.0, "P3": 2.0})


def test_spend_follows_the_allocation_rule(facts):
    assert by_post(facts, "spend") == pytest.approx({"P1": 700.0, "P2": 100.0, "P3": 1250.0})
    assert facts.unallocated_spend == pytest.approx(400.0)


def test_gross_profit_uses_tracked_profit_else_margin(facts):
    assert by_post(facts, "gross_profit") == pytest.approx({"P1": 1000.0, "P2": 200.0, "P3": 2500.0})


def test_tier_is_derived_from_followers_when_missing(facts):
    tiers = facts.influencers.set_index("influencer_id")["tier"].to_dict()
    assert tiers == {"I1": "Micro", "I2": "Mega", "I3": "Macro"}


def test_daily_table_puts_spend_on_post_day_and_revenue_on_order_day(facts):
    daily = facts.daily
    p3 = daily[daily["influencer_id"] == "I2"].set_index("day")
    assert p3.loc[pd.Timestamp("2026-01-03"), "spend"] == pytest.approx(1250.0)
    assert p3.loc[pd.Timestamp("2026-01-04"), "revenue"] == pytest.approx(2000.0)
    assert p3.loc[pd.Timestamp("2026-01-10"), "revenue"] == pytest.approx(3000.0)
    for column in ("revenue", "spend", "orders", "gross_profit", "reach", "engagements", "posts"):
        assert daily[column].sum() == pytest.approx(facts.posts[column].sum())


def test_empty_tables_give_empty_facts(tables):
    empty = {name: frame.iloc[0:0] for name, frame in tables.items()}
    facts = build_facts(empty)
    assert len(facts.daily) == 0 and len(facts.posts) == 0
