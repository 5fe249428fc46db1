"""Fact tables, built once per data_version from the four raw tables.

- `posts`: one row per post with its dimensions, attributed revenue/orders/gross profit and spend.
- `daily`: one row per post and day (orders by order day, spend and reach on the publication day),
  carrying the dimensions the filters use, so any filtered aggregate is one pass over it.

Grain rules (DESIGN.md): revenue is summed at tracking grain with the attribution model's credit,
so an order counts once; spend comes from `analytics.spend`; nothing is merged from influencer
totals onto post rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.attribution import (DEFAULT_MODEL, DEFAULT_SETTINGS, AttributionSettings, credit as attribution_credit,
                                   order_keys, post_engagement_ratio, unattributed_share)
from analytics.schema import TIER_THRESHOLDS, tier_from_followers
from analytics.spend import spend_by_post

UNSPECIFIED = "Unspecified"
DIMENSIONS = ("brand", "platform", "tier", "category")
SUMS = ("revenue", "orders", "gross_profit", "spend", "reach", "engagements", "posts")


@dataclass(frozen=True)
class Facts:
    posts: pd.DataFrame
    daily: pd.DataFrame
    influencers: pd.DataFrame  # influencer_id, name, platform, tier, follower_count
    unallocated_spend: float  # payouts no post could carry (influencer without posts)
    unmatched_revenue: float  # tracking revenue with no post of its influencer to carry it
    unattributed_revenue: float = 0.0  # matched orders' revenue no touch earned (outside windows, score remainder)


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), None).fillna(UNSPECIFIED).astype(str).str.strip()


def influencer_dimension(influencers: pd.DataFrame, thresholds=TIER_THRESHOLDS) -> pd.DataFrame:
    """Influencers with a tier for everyone: the stored tier, else derived from followers."""
    frame = influencers[["influencer_id", "name", "platform", "follower_count"]].copy()
    frame["engagement_rate_baseline"] = (
        pd.to_numeric(influencers["engagement_rate_baseline"], errors="coerce")
        if "engagement_rate_baseline" in influencers else np.nan)
    frame["conversion_rate_baseline"] = (
        pd.to_numeric(influencers["conversion_rate_baseline"], errors="coerce")
        if "conversion_rate_baseline" in influencers else np.nan)
    derived = pd.Series(tier_from_followers(influencers["follower_count"].fillna(0), thresholds),
                        index=influencers.index)
    stored = influencers["tier"] if "tier" in influencers else pd.Series(None, index=influencers.index)
    frame["tier"] = stored.where(stored.notna(), derived)
    frame["name"] = frame["name"].where(frame["name"].notna(), frame["influencer_id"])
    return frame.reset_index(drop=True)


def post_dimension(posts: pd.DataFrame, influencers: pd.DataFrame) -> pd.DataFrame:
    """Posts with the dimensions filters and groupings use, missing text as "Unspecified"."""
    frame = posts.merge(influencers[["influencer_id", "tier", "platform"]].rename(
        columns={"platform": "influencer_platform"}), on="influencer_id", how="left")
    platform = frame["platform"].where(frame["platform"].notna(), frame["influencer_platform"])
    out = pd.DataFrame({
        "post_id": frame["post_id"].astype(str),
        "influencer_id": frame["influencer_id"].astype(str),
        "date": pd.to_datetime(frame["date"]).dt.normalize(),
        "brand": _text(frame.get("brand", pd.Series(None, index=frame.index))),
        "product": _text(frame.get("product", pd.Series(None, index=frame.index))),
        "category": _text(frame.get("product_category", pd.Series(None, index=frame.index))),
        "platform": _text(platform),
        "tier": _text(frame["tier"]),
        # Missing means "test": without a control group the statistics say so and fall back to an
        # assumption, labelled as such.
        "campaign_type": frame.get("campaign_type", pd.Series("test", index=frame.index)).fillna("test")
        .astype(str).str.strip().str.lower(),
        "price": pd.to_numeric(frame.get("product_price"), errors="coerce"),
        "margin": pd.to_numeric(frame.get("product_margin"), errors="coerce"),
        "reach": pd.to_numeric(frame["reach"], errors="coerce").fillna(0.0),
        "engagements": sum(pd.to_numeric(frame[c], errors="coerce").fillna(0.0)
                           for c in ("likes", "comments", "shares") if c in frame),
    })
    return out


def match_posts(tracking: pd.DataFrame, posts: pd.DataFrame) -> pd.Series:
    """The post each tracking row belongs to.

    Rows with a known post_id keep it. Rows without one (the original assignment's files) go to
    the influencer's latest post on or before the order date, else their earliest post; rows of an
    influencer with no post get None.
    """
    post_id = tracking["post_id"] if "post_id" in tracking else pd.Series(None, index=tracking.index)
    known = post_id.notna() & post_id.isin(posts["post_id"])
    result = post_id.where(known, None).astype(object)
    todo = tracking.loc[~known, ["influencer_id", "date"]].copy()
    todo["influencer_id"] = todo["influencer_id"].astype(str)  # as the posts have it (may arrive as a categorical)
    if todo.empty:
        return result
    todo["order_day"] = pd.to_datetime(todo["date"]).dt.normalize()
    todo["row"] = todo.index
    candidates = posts[["post_id", "influencer_id", "date"]].sort_values("date")
    before = pd.merge_asof(todo.sort_values("order_day"), candidates, left_on="order_day", right_on="date",
                           by="influencer_id", direction="backward", suffixes=("", "_post"))
    after = pd.merge_asof(todo.sort_values("order_day"), candidates, left_on="order_day", right_on="date",
                          by="influencer_id", direction="forward", suffixes=("", "_post"))
    chosen = before.set_index("row")["post_id"].combine_first(after.set_index("row")["post_id"])
    result.loc[chosen.index] = chosen.to_numpy()
    return result


def build_facts(tables: dict[str, pd.DataFrame], model: str = DEFAULT_MODEL,
                tier_thresholds=TIER_THRESHOLDS, settings: AttributionSettings = DEFAULT_SETTINGS) -> Facts:
    """Post-grain and post×day fact tables from the four raw tables."""
    influencers = influencer_dimension(tables["influencers"], tier_thresholds)
    posts = post_dimension(tables["posts"], influencers)
    tracking = tables["tracking_data"]

    post_of_row = match_posts(tracking, posts)
    post_index = pd.Series(np.arange(len(posts)), index=posts["post_id"])
    code = post_of_row.map(post_index)
    matched = code.notna().to_numpy()
    code = code[matched].astype(np.int64).to_numpy()
    rows = tracking.loc[matched]

    baseline = posts["influencer_id"].map(influencers.set_index("influencer_id")["engagement_rate_baseline"])
    engagement_ratio = post_engagement_ratio(posts["engagements"], posts["reach"], baseline)
    has_post_id = (rows["post_id"].notna() & rows["post_id"].isin(posts["post_id"])).to_numpy() \
        if "post_id" in rows else np.zeros(len(rows), dtype=bool)
    touches = pd.DataFrame({
        "order_key": order_keys(rows),
        "touch_time": posts["date"].to_numpy()[code],
        "order_time": pd.to_datetime(rows["date"]).to_numpy(),
        "touch_type": rows["touch_type"].to_numpy() if "touch_type" in rows else None,
        "platform": posts["platform"].to_numpy()[code],
        "engagement_ratio": engagement_ratio[code],
        "timing_known": has_post_id,  # an inferred post has no reliable timing: no window, no decay
    }, index=rows.index)
    credit_ = attribution_credit(touches, model, settings)
    credit = credit_.to_numpy()
    raw_revenue = pd.to_numeric(rows["revenue"], errors="coerce").fillna(0.0).to_numpy()
    order_revenue = pd.Series(raw_revenue).groupby(touches["order_key"].to_numpy()).first()
    unattributed_revenue = float((order_revenue * unattributed_share(touches, credit_)).sum())
    revenue = raw_revenue * credit
    orders = pd.to_numeric(rows["orders"], errors="coerce").fillna(0.0).to_numpy() * credit
    margin = np.nan_to_num(posts["margin"].to_numpy()[code])
    profit = (pd.to_numeric(rows["profit"], errors="coerce").to_numpy() if "profit" in rows
              else np.full(len(rows), np.nan))
    # Gross profit: the order's profit when tracked, else revenue × the product's margin (0 if unknown).
    gross = np.where(np.isnan(profit), raw_revenue * margin, profit) * credit
    unmatched_revenue = float(pd.to_numeric(tracking.loc[~matched, "revenue"], errors="coerce").fillna(0).sum())

    order_rows = pd.DataFrame({
        "post": code, "day": pd.to_datetime(rows["date"]).dt.normalize().to_numpy(),
        "revenue": revenue, "orders": orders, "gross_profit": gross,
    })[credit > 0]
    orders_by_post = pd.Series(np.bincount(order_rows["post"], weights=order_rows["orders"], minlength=len(posts)),
                               index=posts["post_id"])

    allocation = spend_by_post(posts, tables["payouts"], orders_by_post)
    posts["spend"] = allocation.by_post.to_numpy()
    for column in ("revenue", "orders", "gross_profit"):
        posts[column] = np.bincount(order_rows["post"], weights=order_rows[column], minlength=len(posts))
    posts["posts"] = 1.0

    post_rows = pd.DataFrame({
        "post": np.arange(len(posts)), "day": posts["date"].to_numpy(), "spend": posts["spend"].to_numpy(),
        "reach": posts["reach"].to_numpy(), "engagements": posts["engagements"].to_numpy(), "posts": 1.0,
    })
    daily = (pd.concat([order_rows, post_rows], ignore_index=True).fillna(0.0)
             .groupby(["post", "day"], sort=True, as_index=False).sum())
    daily = _attach_dimensions(daily, posts)
    posts = posts.merge(influencers[["influencer_id", "name", "follower_count", "conversion_rate_baseline"]],
                        on="influencer_id", how="left")
    # A pre-campaign covariate for CUPED: the orders the influencer's audience would usually bring
    # (followers × baseline conversion rate), known before any post is randomised.
    posts["expected_orders"] = posts["follower_count"] * posts["conversion_rate_baseline"]
    return Facts(posts=posts, daily=daily, influencers=influencers,
                 unallocated_spend=allocation.unallocated_total, unmatched_revenue=unmatched_revenue,
                 unattributed_revenue=unattributed_revenue)


def _attach_dimensions(daily: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """Copy the filterable dimensions of each row's post (categoricals keep it compact and fast)."""
    code = daily["post"].to_numpy()
    for column in (*DIMENSIONS, "influencer_id", "campaign_type"):
        categorical = pd.Categorical(posts[column])
        daily[column] = pd.Categorical.from_codes(categorical.codes[code], categorical.categories)
    daily["price"] = posts["price"].to_numpy()[code]
    return daily


POST_ATTRIBUTES = ("post_id", "influencer_id", "name", "date", "brand", "product", "category", "platform", "tier",
                   "campaign_type", "price", "margin")


def posts_from_daily(rows: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """Post-grain rows for a filtered slice of the post×day table: each post's attributes with the
    sums of its rows in the slice (revenue by order day, spend on the posting day), so figures built
    on it add up to the Overview's for the same filters."""
    if rows.empty:
        return posts.iloc[0:0][[c for c in POST_ATTRIBUTES if c in posts] + list(SUMS)]
    sums = rows.groupby("post", sort=False)[list(SUMS)].sum()
    attributes = posts[[c for c in POST_ATTRIBUTES if c in posts]].iloc[sums.index.to_numpy()]
    return pd.concat([attributes.reset_index(drop=True), sums.reset_index(drop=True)], axis=1)
