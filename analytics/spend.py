"""Spend allocated to posts: the one rule every spend, ROAS and profit figure uses.

- A payout with a post_id belongs to that post.
- A payout without one is spread over the influencer's posts (of the payout's brand when it
  names one; all their posts otherwise):
    basis=post   equally per post;
    basis=order  in proportion to the posts' attributed orders (equally when none has orders);
    hybrid       the per-order part (cost_per_order × orders + performance_bonus) by orders,
                 the rest (the fixed fee) equally per post.
- A payout whose influencer has no post cannot be placed on a post; it is returned as
  unallocated spend so the gap is visible instead of silently dropped.
Brand, product and platform spend are sums of post spend.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SpendAllocation:
    by_post: pd.Series  # spend per post_id
    unallocated: pd.DataFrame  # payouts that no post could carry (payout_id, influencer_id, total_payout)

    @property
    def unallocated_total(self) -> float:
        return float(self.unallocated["total_payout"].sum()) if len(self.unallocated) else 0.0


def _col(frame: pd.DataFrame, name: str, default=np.nan) -> pd.Series:
    return frame[name] if name in frame else pd.Series(default, index=frame.index)


def order_part(payouts: pd.DataFrame) -> pd.Series:
    """The part of each payout that pays for orders (spread by orders, not per post).

    >>> p = pd.DataFrame({"basis": ["post", "order", "hybrid"], "total_payout": [100.0, 50.0, 80.0],
    ...                   "cost_per_order": [None, 5.0, 2.0], "orders": [3, 10, 10],
    ...                   "performance_bonus": [0.0, 0.0, 6.0]})
    >>> order_part(p).tolist()
    [0.0, 50.0, 26.0]
    """
    total = payouts["total_payout"].astype(float)
    basis = payouts["basis"].astype(str).str.lower()
    per_order = _col(payouts, "cost_per_order").astype(float).fillna(0.0) * _col(payouts, "orders", 0).astype(
        float).fillna(0.0)
    bonus = _col(payouts, "performance_bonus", 0.0).astype(float).fillna(0.0)
    hybrid = np.minimum(total, per_order + bonus)
    part = np.where(basis == "order", total, np.where(basis == "hybrid", hybrid, 0.0))
    return pd.Series(part, index=payouts.index)


def _spread(payouts: pd.DataFrame, posts: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """Spread payouts over the posts sharing the `on` columns.

    The fixed part goes equally per post, the order part in proportion to the posts' orders
    (equally when none of them has orders). Returns rows (payout, post_id, spend).
    """
    pairs = payouts[["payout", "fixed", "by_orders", *on]].merge(posts[["post_id", "w", *on]], on=on)
    group = pairs.groupby("payout")["w"]
    total_w, count = group.transform("sum"), group.transform("size")
    order_share = np.where(total_w > 0, pairs["w"] / total_w.where(total_w > 0, 1.0), 1.0 / count)
    pairs["spend"] = pairs["fixed"] / count + pairs["by_orders"] * order_share
    return pairs[["payout", "post_id", "spend"]]


def spend_by_post(posts: pd.DataFrame, payouts: pd.DataFrame, orders_by_post: pd.Series) -> SpendAllocation:
    """Allocate every payout to posts by the module's rule.

    posts: post_id, influencer_id (and brand, used when a payout names one).
    payouts: influencer_id, post_id, basis, total_payout (cost_per_order, orders,
    performance_bonus, brand optional).
    orders_by_post: attributed orders per post_id (the weight for per-order parts).
    """
    post_ids = posts["post_id"]
    columns = [c for c in ("payout_id", "influencer_id", "total_payout") if c in payouts]
    if payouts.empty:
        return SpendAllocation(pd.Series(0.0, index=pd.Index(post_ids, name="post_id"), name="spend"),
                               payouts.reindex(columns=columns))

    payouts = payouts.reset_index(drop=True)
    total = payouts["total_payout"].astype(float).fillna(0.0)
    payout_post = _col(payouts, "post_id", None)
    direct = payout_post.notna() & payout_post.isin(post_ids)
    pieces = [pd.DataFrame({"payout": payouts.index[direct], "post_id": payout_post[direct].to_numpy(),
                            "spend": total[direct].to_numpy()})]

    spread = pd.DataFrame({
        "payout": payouts.index, "influencer_id": payouts["influencer_id"],
        "brand": _col(payouts, "brand", None), "by_orders": order_part(payouts),
    })[~direct]
    spread["fixed"] = total[~direct] - spread["by_orders"]
    targets = pd.DataFrame({
        "post_id": post_ids.to_numpy(), "influencer_id": posts["influencer_id"].to_numpy(),
        "brand": _col(posts, "brand", None).to_numpy(),
        "w": orders_by_post.reindex(post_ids).fillna(0.0).to_numpy(dtype=float),
    })
    # A payout that names a brand the influencer posted for goes to those posts only.
    posted_pairs = pd.MultiIndex.from_frame(targets[["influencer_id", "brand"]].dropna())
    by_brand = pd.MultiIndex.from_frame(spread[["influencer_id", "brand"]]).isin(posted_pairs)
    pieces.append(_spread(spread[by_brand], targets, ["influencer_id", "brand"]))
    pieces.append(_spread(spread[~by_brand], targets, ["influencer_id"]))

    rows = pd.concat(pieces, ignore_index=True)
    by_post = rows.groupby("post_id")["spend"].sum().reindex(post_ids).fillna(0.0)
    by_post.index.name, by_post.name = "post_id", "spend"
    unplaced = ~payouts.index.isin(rows["payout"].unique())
    return SpendAllocation(by_post, payouts.loc[unplaced, columns].reset_index(drop=True))
