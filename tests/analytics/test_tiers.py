import math

import numpy as np
import pandas as pd
import pytest

from analytics.facts import build_facts
from analytics.tiers import (INSUFFICIENT, MIN_INFLUENCERS, bootstrap_roas, influencer_sums, tier_difference,
                             tier_roas_bootstrap)
from dashboard.demo import generate_demo


def frame(rows):
    return pd.DataFrame(rows, columns=["tier", "influencer_id", "revenue", "spend"])


def test_point_roas_is_a_ratio_of_sums_not_a_mean_of_ratios():
    posts = frame([("Micro", f"I{i}", rev, spend) for i, (rev, spend) in
                   enumerate([(100.0, 10.0), (10.0, 10.0), (10.0, 10.0), (10.0, 10.0), (10.0, 60.0)])])
    row = tier_roas_bootstrap(posts, n_boot=200).table.iloc[0]
    assert row["roas"] == pytest.approx(140 / 100)  # the mean of the five ratios would be 2.83
    assert row["influencers"] == 5 and row["influencers_with_spend"] == 5 and row["posts"] == 5


def test_an_influencers_posts_stay_together():
    # Every influencer returns exactly 3x over their own posts, although single posts range from 0x to 30x.
    # Resampling influencers can only ever give 3x; resampling posts would not.
    rows = []
    for i in range(8):
        rows += [("Macro", f"I{i}", 300.0 * (i + 1), 10.0 * (i + 1)), ("Macro", f"I{i}", 0.0, 90.0 * (i + 1))]
    result = tier_roas_bootstrap(frame(rows), n_boot=500).table.iloc[0]
    assert result["roas"] == pytest.approx(3.0)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((3.0, 3.0))
    assert result["posts"] == 16 and result["influencers"] == 8


def test_tiers_in_natural_order_and_insufficient_data():
    rows = [("Mega", f"M{i}", 20.0, 10.0) for i in range(MIN_INFLUENCERS - 1)]
    rows += [("Micro", f"S{i}", 40.0 + i, 10.0) for i in range(MIN_INFLUENCERS)]
    rows += [("Micro", "S-free", 50.0, 0.0)]  # revenue but no spend: counts in the tier, not as "with spend"
    table = tier_roas_bootstrap(frame(rows), n_boot=300).table.set_index("tier")
    assert table.index.tolist() == ["Micro", "Mega"]
    assert table.loc["Mega", "status"] == INSUFFICIENT
    assert math.isnan(table.loc["Mega", "ci_low"]) and table.loc["Mega", "roas"] == pytest.approx(2.0)
    assert table.loc["Micro", "status"] == "ok" and table.loc["Micro", "influencers_with_spend"] == MIN_INFLUENCERS
    assert table.loc["Micro", "influencers"] == MIN_INFLUENCERS + 1
    difference = tier_difference(frame(rows))
    assert difference.status == INSUFFICIENT and difference.difference is None and difference.ci is None
    assert "Insufficient data" in difference.sentence and "Mega has 4 influencers" in difference.sentence


def test_seed_makes_it_reproducible():
    rng = np.random.default_rng(5)
    posts = frame([("Micro", f"I{i}", float(r), 10.0) for i, r in enumerate(rng.integers(0, 80, 30))])
    first = tier_roas_bootstrap(posts, n_boot=400, seed=3).table
    assert first.equals(tier_roas_bootstrap(posts, n_boot=400, seed=3).table)
    assert not first.equals(tier_roas_bootstrap(posts, n_boot=400, seed=4).table)


def test_bootstrap_roas_draws_whole_clusters():
    draws = bootstrap_roas(np.array([30.0, 10.0]), np.array([10.0, 10.0]), 4000, np.random.default_rng(1))
    # Two clusters: AA -> 3, AB/BA -> 2, BB -> 1 with probabilities 1/4, 1/2, 1/4.
    values, counts = np.unique(draws, return_counts=True)
    assert values.tolist() == pytest.approx([1.0, 2.0, 3.0])
    assert (counts / 4000).tolist() == pytest.approx([0.25, 0.5, 0.25], abs=0.03)
    assert np.isnan(bootstrap_roas(np.array([5.0]), np.array([0.0]), 3, np.random.default_rng(0))).all()


def test_influencer_sums_group_posts_per_influencer():
    posts = frame([("Micro", "A", 10.0, 1.0), ("Micro", "A", 20.0, 2.0), ("Mega", "B", 5.0, 5.0)])
    sums = influencer_sums(posts).set_index("influencer_id")
    assert sums.loc["A", ["revenue", "spend", "posts"]].tolist() == [30.0, 3.0, 2]


@pytest.fixture(scope="module")
def large_demo():
    return generate_demo(n_influencers=2000, n_posts=20000, n_events=200000, seed=1)


def test_demo_tier_intervals_cover_estimates_and_micro_beats_mega(large_demo):
    demo = large_demo
    posts = build_facts(demo.tables).posts
    table = tier_roas_bootstrap(posts).table.set_index("tier")
    assert table.index.tolist() == ["Micro", "Macro", "Mega"]
    assert (table["status"] == "ok").all()
    assert ((table["ci_low"] < table["roas"]) & (table["roas"] < table["ci_high"])).all()
    for tier, rows in posts.groupby("tier"):
        assert table.loc[tier, "roas"] == pytest.approx(rows["revenue"].sum() / rows["spend"].sum())
    # The demo plants a larger lift and a higher target ROAS for Micro than for Mega.
    assert demo.truth["tier_lift"]["Micro"] > demo.truth["tier_lift"]["Mega"]
    assert demo.truth["target_roas"]["Micro"] > demo.truth["target_roas"]["Mega"]
    difference = tier_difference(posts, "Micro", "Mega")
    assert difference.status == "ok"
    assert difference.ci[0] > 0 and difference.ci[0] < difference.difference < difference.ci[1]
    assert difference.difference == pytest.approx(table.loc["Micro", "roas"] - table.loc["Mega", "roas"])
    assert difference.ratio_ci[0] > 1 and difference.share_a_beats_b > 0.99
    assert "Micro's ROAS" in difference.sentence and "higher than Mega's" in difference.sentence
    assert "95% CI for the difference" in difference.sentence and "excludes 0" in difference.sentence


def synthetic_tier(rng, n_influencers, true_roas, tier):
    """Posts whose revenue is spend × true ROAS × an influencer effect × post noise (both mean 1,
    log-normal, the effect shared by all posts of an influencer): Σ revenue / Σ spend → true ROAS."""
    n_posts = rng.integers(1, 9, size=n_influencers)
    influencer = np.repeat(np.arange(n_influencers), n_posts)
    spend = rng.lognormal(np.log(1000), 1.0, size=len(influencer))
    effect = rng.lognormal(-0.5 * 0.6 ** 2, 0.6, size=n_influencers)[influencer]
    noise = rng.lognormal(-0.5 * 0.8 ** 2, 0.8, size=len(influencer))
    return pd.DataFrame({"tier": tier, "influencer_id": [f"{tier}{i}" for i in influencer],
                         "revenue": spend * true_roas * effect * noise, "spend": spend})


def test_bootstrap_interval_coverage_by_simulation():
    """200 replications, 200 influencers per tier (1 to 8 posts each), true ROAS 4 (Micro) and 2 (Mega).

    Measured: the 95% interval covered the true Micro ROAS in 95.5% of replications and the true
    difference (2.0) in 95.0%. With these skewed data smaller tiers cover less (400 replications:
    86% at 20 influencers, 89% at 40, 91% at 80, 90% at 100): the percentile interval is
    somewhat too narrow for small tiers.
    """
    covered_roas = covered_difference = 0
    replications = 200
    for rep in range(replications):
        rng = np.random.default_rng(rep)
        posts = pd.concat([synthetic_tier(rng, 200, 4.0, "Micro"), synthetic_tier(rng, 200, 2.0, "Mega")])
        micro = tier_roas_bootstrap(posts, n_boot=1000, seed=rep).table.set_index("tier").loc["Micro"]
        covered_roas += micro["ci_low"] <= 4.0 <= micro["ci_high"]
        difference = tier_difference(posts, n_boot=1000, seed=rep)
        covered_difference += difference.ci[0] <= 2.0 <= difference.ci[1]
    assert covered_roas / replications >= 0.88
    assert covered_difference / replications >= 0.88


def test_invalid_arguments():
    posts = frame([("Micro", "A", 1.0, 1.0)])
    with pytest.raises(ValueError):
        tier_roas_bootstrap(posts, n_boot=0)
    with pytest.raises(ValueError):
        tier_roas_bootstrap(posts, alpha=1.5)
    with pytest.raises(ValueError):
        tier_difference(posts, "Micro", "Micro")
