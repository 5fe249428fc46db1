import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from analytics.quality import Coverage, DataQuality, data_quality, outlier_threshold
from analytics.schema import ENTITIES


def planted_tables() -> dict[str, pd.DataFrame]:
    """Small tables with known problems, each worked out by hand in the tests below.

    - influencers: 21 rows; follower_count 10 × 10,000, 10 × 100,000 and I21 with 10^10 (outlier).
    - posts: P2 twice (duplicate id: 2 rows), reach -5 on the first P2 (out of range), all "test"
      (no control group); dates 1, 2, 2 and 5 May: 3 and 4 May have no post.
    - tracking_data: T3 points at P9 (orphan), T4 has no post_id and no order_id (missing, not orphans).
    - payouts: PAY3 is for I99 (orphan), PAY3 has no post_id (missing), PAY4 no total_payout (missing).
    """
    ids = [f"I{i:02d}" for i in range(1, 22)]
    influencers = pd.DataFrame({
        "influencer_id": ids, "name": [f"Name {i}" for i in ids], "category": ["Fitness"] * 21,
        "gender": ["F"] * 21, "follower_count": [10_000] * 10 + [100_000] * 10 + [10_000_000_000],
        "platform": ["Instagram"] * 21,
    })
    posts = pd.DataFrame({
        "post_id": ["P1", "P2", "P2", "P3"], "influencer_id": ["I01", "I02", "I03", "I01"],
        "platform": ["Instagram"] * 4,
        "date": pd.to_datetime(["2026-05-01", "2026-05-02", "2026-05-02", "2026-05-05"]),
        "url": ["u1", "u2", "u3", "u4"], "caption": ["c1", "c2", "c3", "c4"],
        "reach": [1000, -5, 2000, 3000], "likes": [10, 0, 20, 30], "comments": [1, 0, 2, 3],
        "campaign_type": ["test"] * 4,
    })
    tracking = pd.DataFrame({
        "tracking_id": ["T1", "T2", "T3", "T4"], "source": ["influencer"] * 4, "campaign": ["May"] * 4,
        "influencer_id": ["I01", "I02", "I01", "I03"], "post_id": ["P1", "P2", "P9", None],
        "order_id": ["O1", "O2", "O3", None], "user_id": ["U1", "U2", "U3", "U4"], "product": ["Whey"] * 4,
        "date": pd.to_datetime(["2026-05-02 10:00", "2026-05-03 11:00", "2026-05-04 12:00", "2026-05-06 13:00"]),
        "orders": [1, 1, 1, 1], "revenue": [1000.0, 500.0, 700.0, 300.0],
    })
    payouts = pd.DataFrame({
        "payout_id": ["PAY1", "PAY2", "PAY3", "PAY4"], "influencer_id": ["I01", "I02", "I99", "I03"],
        "post_id": ["P1", "P2", None, "P3"], "basis": ["post"] * 4, "rate": [500.0, 500.0, 400.0, 300.0],
        "orders": [1, 1, 0, 0], "total_payout": [500.0, 500.0, 400.0, None],
    })
    return {"influencers": influencers, "posts": posts, "tracking_data": tracking, "payouts": payouts}


@pytest.fixture(scope="module")
def planted() -> DataQuality:
    return data_quality(planted_tables())


def test_summary_by_hand(planted):
    summary = planted.summary.set_index("entity")
    assert summary.index.tolist() == ["influencers", "posts", "tracking_data", "payouts"]
    assert summary.loc["influencers"].tolist() == [21, 6, 0, 0, 0, 0, 1]
    assert summary.loc["posts"].tolist() == [4, 10, 2, 0, 0, 1, 0]
    assert summary.loc["tracking_data"].tolist() == [4, 11, 0, 2, 1, 0, 0]
    assert summary.loc["payouts"].tolist() == [4, 7, 0, 2, 1, 0, 0]
    assert list(planted.summary.columns) == ["entity", "rows", "columns_present", "duplicate_ids",
                                             "missing_cells", "orphans", "out_of_range", "outliers"]


def test_missing_by_hand(planted):
    missing = planted.missing
    assert list(missing.columns) == ["entity", "column", "missing", "share"]
    assert missing[["entity", "column", "missing"]].values.tolist() == [
        ["tracking_data", "post_id", 1], ["tracking_data", "order_id", 1],
        ["payouts", "post_id", 1], ["payouts", "total_payout", 1]]
    assert missing["share"].tolist() == [0.25] * 4


def test_orphans_by_hand(planted):
    assert planted.orphans.values.tolist() == [
        ["tracking_data", "post_id", "posts", 1, "P9"],
        ["payouts", "influencer_id", "influencers", 1, "I99"],
    ]


def test_out_of_range_by_hand(planted):
    assert planted.out_of_range.values.tolist() == [["posts", "reach", "below 0", 1, "-5"]]


def test_outlier_by_hand(planted):
    # Sorted values: 10 × 1e4, 10 × 1e5, 1e10 → Q1 (position 5) = 1e4, Q3 (position 15) = 1e5.
    # Log IQR = ln 10; cutoff = ln 1e5 + 3 ln 10 = ln 1e8.
    row = planted.outliers.iloc[0]
    assert len(planted.outliers) == 1
    assert (row["entity"], row["column"], row["rows"]) == ("influencers", "follower_count", 1)
    assert row["threshold"] == pytest.approx(1e8)
    assert row["max_value"] == 1e10


def test_coverage_by_hand(planted):
    c = planted.coverage
    assert (c.first_post_date, c.last_post_date) == (pd.Timestamp("2026-05-01"), pd.Timestamp("2026-05-05"))
    assert (c.first_order_date, c.last_order_date) == (pd.Timestamp("2026-05-02 10:00"),
                                                       pd.Timestamp("2026-05-06 13:00"))
    assert c.days_without_posts == 2  # 3 and 4 May
    assert (c.control_posts, c.control_share, c.has_control_group) == (0, 0.0, False)
    assert (c.order_id_share, c.post_id_share) == (0.75, 0.75)


def test_issues_in_words_most_important_first(planted):
    assert planted.issues == [
        "1 tracking row points at a post that does not exist (P9)",
        "1 payout points at an influencer that does not exist (I99)",
        "2 posts share their post_id with another post (repeated: P2)",
        "No control group: incrementality cannot be measured",
        "25.0% of payouts (1 of 4) have no total_payout",  # payouts.post_id may be empty: no issue
        "1 post has reach below 0 (e.g. -5)",
        "1 influencer has follower_count far above the rest (above 100,000,000; largest 10,000,000,000): "
        "check for typos",
    ]


def test_result_is_frozen(planted):
    with pytest.raises(dataclasses.FrozenInstanceError):
        planted.issues = []
    with pytest.raises(dataclasses.FrozenInstanceError):
        planted.coverage.has_control_group = True


def test_summary_adds_up_to_the_detail_tables(planted):
    summary = planted.summary.set_index("entity")
    for name in summary.index:
        assert summary.loc[name, "missing_cells"] == planted.missing.loc[planted.missing["entity"] == name,
                                                                         "missing"].sum()
        assert summary.loc[name, "out_of_range"] == planted.out_of_range.loc[
            planted.out_of_range["entity"] == name, "rows"].sum()
        assert summary.loc[name, "outliers"] == planted.outliers.loc[planted.outliers["entity"] == name,
                                                                     "rows"].sum()


def test_a_row_with_two_bad_references_is_one_orphan_row():
    tables = planted_tables()
    tables["tracking_data"].loc[2, "influencer_id"] = "I77"  # T3: unknown post and unknown influencer
    result = data_quality(tables)
    assert result.summary.set_index("entity").loc["tracking_data", "orphans"] == 1
    assert result.orphans["rows"].sum() == 3


def test_many_orphans_are_listed_with_the_first_five_ids():
    tables = planted_tables()
    tables["tracking_data"] = pd.concat([tables["tracking_data"]] * 3, ignore_index=True).assign(
        tracking_id=[f"T{i}" for i in range(12)],
        post_id=["P9", "P8", "P7", "P6", "P5", "P4", "P9", "P1", "P1", "P1", "P1", None])
    result = data_quality(tables)
    row = result.orphans.set_index(["entity", "column"]).loc[("tracking_data", "post_id")]
    assert row["rows"] == 7 and row["example_values"] == "P9, P8, P7, P6, P5"
    assert result.issues[0] == "7 tracking rows point at posts that do not exist (first: P9, P8, P7, P6, P5)"


def test_allowed_values_text_and_dates_that_cannot_be_read():
    tables = planted_tables()
    posts = tables["posts"].astype({"reach": object, "date": object})
    posts.loc[0, "platform"] = "Facebook"
    posts.loc[2, "reach"] = "lots"
    posts.loc[3, "date"] = "someday"
    posts.loc[1, "campaign_type"] = ""  # empty text is missing, not out of range
    tables["posts"] = posts
    result = data_quality(tables)
    rules = result.out_of_range[result.out_of_range["entity"] == "posts"]
    assert rules[["column", "rule", "rows", "example_values"]].values.tolist() == [
        ["platform", "not one of Instagram, YouTube, TikTok, Twitter", 1, "Facebook"],
        ["date", "that cannot be read as a date", 1, "someday"],
        ["reach", "that is not a number", 1, "lots"],
        ["reach", "below 0", 1, "-5"],
    ]
    assert "25.0% of posts (1 of 4) have no campaign_type" in result.issues
    assert "1 post has platform not one of Instagram, YouTube, TikTok, Twitter (e.g. Facebook)" in result.issues


def test_ids_stored_as_numbers_in_one_table_and_text_in_another_still_match():
    tables = {"influencers": pd.DataFrame({"influencer_id": [1, 2]}),
              "posts": pd.DataFrame({"post_id": ["P1", "P2"], "influencer_id": ["1", "3"]})}
    assert data_quality(tables).orphans.values.tolist() == [["posts", "influencer_id", "influencers", 1, "3"]]


def test_one_control_post_is_not_a_control_group():
    tables = planted_tables()
    tables["posts"].loc[0, "campaign_type"] = "control"
    c = data_quality(tables).coverage
    assert (c.control_posts, c.control_share, c.has_control_group) == (1, 0.25, False)
    tables["posts"].loc[3, "campaign_type"] = "Control "  # read as the analysis reads it
    assert data_quality(tables).coverage.has_control_group


def test_outlier_rule_needs_twenty_values_and_a_minimum_spread():
    assert outlier_threshold([100.0] * 19 + [1e9, 0.0, -1.0]) is not None  # 20 positive values
    assert outlier_threshold([100.0] * 19 + [0.0] * 30) is None  # zeros do not count
    # Identical values: the log IQR is floored at log 2, so the threshold is 100 · 2³.
    assert outlier_threshold([100.0] * 25) == pytest.approx(800.0)
    assert outlier_threshold([100.0] * 10 + [1000.0] * 10 + [1e9]) == pytest.approx(1e6)


def test_clean_demo_has_no_problems(demo):
    result = data_quality(demo.tables)
    summary = result.summary.set_index("entity")
    assert (summary[["duplicate_ids", "orphans", "out_of_range"]] == 0).all().all()
    assert summary["rows"].tolist() == [len(demo.tables[n]) for n in ENTITIES]
    assert summary["columns_present"].tolist() == [len(e.columns) for e in ENTITIES.values()]
    assert result.orphans.empty and result.out_of_range.empty
    c = result.coverage
    assert c.has_control_group and c.control_posts >= 2
    assert c.control_share == pytest.approx((demo.tables["posts"]["campaign_type"] == "control").mean())
    assert c.order_id_share == 1.0 and c.post_id_share == 1.0
    assert c.first_post_date == demo.tables["posts"]["date"].min()
    assert c.last_order_date == demo.tables["tracking_data"]["date"].max()
    # Payouts without a post_id (spread over the influencer's posts) are gaps by design, not issues.
    assert set(result.missing["entity"]) <= {"payouts"}
    assert result.issues == []


def test_minimal_tables_do_not_raise(demo):
    tables = {name: demo.tables[name][[c.name for c in e.columns if c.minimal]] for name, e in ENTITIES.items()}
    result = data_quality(tables)
    summary = result.summary.set_index("entity")
    assert (summary["duplicate_ids"] == 0).all()  # posts have no post_id: nothing to check
    assert result.orphans.empty  # only posts.influencer_id and payouts.influencer_id can be checked
    c = result.coverage
    assert c.control_share is None and c.control_posts is None and not c.has_control_group
    assert c.order_id_share is None and c.post_id_share is None
    assert c.first_post_date is not None and c.first_order_date is not None
    assert result.issues == [
        "Posts have no campaign_type: no control group, so incrementality cannot be measured",
        "No tracking row names its post (post_id): orders are credited to the influencer's latest post "
        "before the order",
        "No tracking row has an order_id: every row counts as a separate order",
    ]


def test_empty_and_absent_tables():
    empty = {name: pd.DataFrame(columns=e.column_names) for name, e in ENTITIES.items()}
    for tables in (empty, {}, {name: pd.DataFrame() for name in ENTITIES}, {"posts": None}):
        result = data_quality(tables)
        assert result.summary["rows"].tolist() == [0, 0, 0, 0]
        assert result.missing.empty and result.orphans.empty and result.outliers.empty
        assert result.coverage == Coverage(control_posts=result.coverage.control_posts)
        assert len(result.issues) == 4 and all(issue.startswith("No ") for issue in result.issues)
    assert data_quality(empty).coverage.control_share is None
    assert data_quality({}).issues[1] == "No posts: there is no posts table"
    assert data_quality(empty).issues[1] == "No posts: the posts table is empty"


def test_absent_original_columns_are_named():
    tables = planted_tables()
    tables["posts"] = tables["posts"].drop(columns=["date", "reach"])
    result = data_quality(tables)
    assert result.issues[0] == "The posts table has no date, reach columns"
    assert result.coverage.first_post_date is None and result.coverage.days_without_posts is None


def test_shares_are_never_rounded_to_zero():
    n = 2_000
    payouts = pd.DataFrame({"payout_id": [f"PAY{i}" for i in range(n)], "influencer_id": ["I1"] * n,
                            "basis": ["post"] * n, "rate": [1.0] * n, "orders": [0] * n,
                            "total_payout": [1.0] * (n - 1) + [math.nan]})
    result = data_quality({"payouts": payouts})
    assert "<0.1% of payouts (1 of 2,000) have no total_payout" in result.issues
    assert result.missing["share"].tolist() == [1 / n]


def test_large_tracking_table_is_vectorised():
    """Not a timing assertion (benchmarks print, tests do not): only that 200k rows run and add up."""
    n = 200_000
    rng = np.random.default_rng(0)
    tracking = pd.DataFrame({
        "tracking_id": [f"T{i}" for i in range(n)], "influencer_id": ["I1"] * n,
        "post_id": np.where(rng.random(n) < 0.001, "PX", "P1"), "date": pd.Timestamp("2026-05-01"),
        "orders": 1, "revenue": rng.lognormal(7, 0.5, n),
    })
    result = data_quality({"influencers": pd.DataFrame({"influencer_id": ["I1"]}),
                           "posts": pd.DataFrame({"post_id": ["P1"], "influencer_id": ["I1"]}),
                           "tracking_data": tracking})
    expected = int((tracking["post_id"] == "PX").sum())
    assert result.summary.set_index("entity").loc["tracking_data", "orphans"] == expected
