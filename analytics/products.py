"""Product Performance Hub: which products sell through influencers, at what return and margin.

Every table here is built from the post-grain fact table (`Facts.posts`, or the posts a filter
keeps) with `analytics.metrics.metrics_by`, so sums are sums of post rows and every ratio is a
ratio of sums (ROAS of a product = Σ revenue / Σ spend of its posts).

A product is identified by (brand, product): the same name under two brands is two products.
Its category, price and margin are the most common values on its posts (they normally agree).

Definitions
-----------
- ``profit`` = gross profit − spend, where gross profit is the tracked order profit, or
  revenue × the product's margin when the tracking data has no profit (`analytics.facts`).
- ``profit_roas`` = (gross profit − spend) / spend. When profit is not tracked this is exactly the
  brief's (revenue × margin − spend) / spend; with tracked profit it uses the real profit.
  It is the ``roi`` of `analytics.metrics`.
- Margin bands are an assumption (`MarginBands`, the brief's defaults: above 50% high,
  30% to 50% medium, below 30% low; a margin of exactly 50% or 30% is medium).

>>> posts = pd.DataFrame({"brand": ["B", "B"], "product": ["Whey", "Bar"], "category": ["Protein", "Snacks"],
...     "price": [1000.0, 100.0], "margin": [0.55, 0.25], "influencer_id": ["I1", "I2"],
...     "revenue": [3000.0, 500.0], "spend": [1000.0, 500.0], "orders": [3.0, 5.0],
...     "gross_profit": [1650.0, 125.0], "posts": [1.0, 1.0]})
>>> product_table(posts)[["product", "roas", "profit_roas", "margin_band"]].values.tolist()
[['Whey', 3.0, 0.65, 'High'], ['Bar', 1.0, -0.75, 'Low']]
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analytics.metrics import add_ratios, metrics_by

__all__ = [
    "MarginBands", "DEFAULT_MARGIN_BANDS", "MARGIN_BAND_ORDER", "SCORE_WEIGHTS", "SCORE_FORMULA",
    "LaunchAnalysis", "product_table", "product_score", "margin_band", "margin_band_table", "category_table",
    "price_performance", "launch_analysis", "best_influencers",
]

PRODUCT_KEY = ["brand", "product"]
HIGH, MEDIUM, LOW, UNKNOWN = "High", "Medium", "Low", "Unknown"
MARGIN_BAND_ORDER = (HIGH, MEDIUM, LOW, UNKNOWN)
NEW, ESTABLISHED = "New", "Established"

# The brief's product score: weights of the percentile ranks (they sum to 1).
SCORE_WEIGHTS = {"revenue": 0.4, "roas": 0.3, "margin": 0.3}
SCORE_FORMULA = (
    "Product score = 0.4 × revenue rank + 0.3 × ROAS rank + 0.3 × margin rank. Each rank is the "
    "product's percentile rank among the products shown (best = 1, worst = 1/number of products; "
    "tied products share the average rank; a product without spend, so without ROAS, or without a "
    "known margin ranks last on that measure). The score lies between 0 and 1; 1 means best on all three."
)

_PRODUCT_COLUMNS = ["brand", "product", "category", "price", "margin", "margin_band", "posts", "influencers",
                    "revenue", "spend", "orders", "gross_profit", "profit", "roas", "profit_roas", "aov",
                    "share_of_revenue"]
_GROUP_COLUMNS = ["posts", "revenue", "spend", "orders", "gross_profit", "profit", "roas", "profit_roas",
                  "share_of_revenue"]


@dataclass(frozen=True)
class MarginBands:
    """Margin band thresholds (an assumption; the brief's defaults).

    A margin above ``high`` is "High", below ``low`` is "Low", anything from ``low`` to ``high``
    inclusive is "Medium"; an unknown margin is "Unknown".

    >>> MarginBands().describe()["Medium"]
    '30% to 50%'
    """

    high: float = 0.5
    low: float = 0.3

    def __post_init__(self) -> None:
        if not (np.isfinite(self.low) and np.isfinite(self.high)) or self.low > self.high:
            raise ValueError(f"margin bands need low <= high, got low={self.low}, high={self.high}")

    def describe(self) -> dict[str, str]:
        """The band labels with the range each covers, for the UI's legend."""
        return {HIGH: f"above {self.high:.0%}", MEDIUM: f"{self.low:.0%} to {self.high:.0%}",
                LOW: f"below {self.low:.0%}"}


DEFAULT_MARGIN_BANDS = MarginBands()


def margin_band(margin: float | None | pd.Series | np.ndarray, bands: MarginBands = DEFAULT_MARGIN_BANDS
                ) -> str | pd.Series:
    """The margin band ("High", "Medium", "Low", "Unknown") of one margin, or a Series of them for
    an array or Series of margins (a Series keeps its index).

    >>> [margin_band(m) for m in (0.55, 0.5, 0.4, 0.3, 0.29, None)]
    ['High', 'Medium', 'Medium', 'Medium', 'Low', 'Unknown']
    >>> margin_band(0.45, MarginBands(high=0.4, low=0.2))
    'High'
    """
    if margin is None or np.ndim(margin) == 0:
        value = np.nan if margin is None else float(margin)
        return str(_bands(np.array([value]), bands)[0])
    index = margin.index if isinstance(margin, pd.Series) else None
    values = pd.to_numeric(pd.Series(np.asarray(margin, dtype=object)), errors="coerce").to_numpy(dtype=float)
    return pd.Series(_bands(values, bands), index=index, name="margin_band", dtype=object)


def _bands(values: np.ndarray, bands: MarginBands) -> np.ndarray:
    return np.select([np.isnan(values), values > bands.high, values < bands.low], [UNKNOWN, HIGH, LOW],
                     default=MEDIUM).astype(object)


def _most_common(posts: pd.DataFrame, keys: list[str], column: str) -> pd.DataFrame:
    """Per group of ``keys``, the most frequent non-missing value of ``column`` (ties: the smallest)."""
    counts = posts.groupby([*keys, column], observed=True, sort=False).size().reset_index(name="_n")
    counts = counts.sort_values(["_n", column], ascending=[False, True], kind="stable")
    return counts.drop_duplicates(keys)[[*keys, column]]


def _with_share(table: pd.DataFrame) -> pd.DataFrame:
    total = float(table["revenue"].sum())
    table["share_of_revenue"] = table["revenue"] / total if total != 0 else np.nan
    table["profit_roas"] = table["roi"]
    return table


_TEXT_COLUMNS = {"brand", "product", "category", "margin_band", "status", "influencer_id", "name", "platform",
                 "tier"}


def _empty(columns: list[str]) -> pd.DataFrame:
    """A frame with no rows and the given columns (text columns as object, the others float)."""
    return pd.DataFrame({c: pd.Series(dtype=object if c in _TEXT_COLUMNS else float) for c in columns})


def product_table(posts: pd.DataFrame, bands: MarginBands = DEFAULT_MARGIN_BANDS) -> pd.DataFrame:
    """One row per product (brand, product), largest revenue first.

    Columns: brand, product, category, price, margin, margin_band, posts, influencers (distinct
    influencers who promoted it), revenue, spend, orders, gross_profit, profit (= gross profit −
    spend), roas (= revenue / spend), profit_roas (= profit / spend), aov (= revenue / orders) and
    share_of_revenue (of all products in ``posts``; the shares sum to 1). Ratios without a
    denominator are NaN.
    """
    if posts.empty:
        return _empty(_PRODUCT_COLUMNS)
    table = metrics_by(posts, PRODUCT_KEY)
    for column in ("category", "price", "margin"):
        table = table.merge(_most_common(posts, PRODUCT_KEY, column), on=PRODUCT_KEY, how="left")
    influencers = posts.groupby(PRODUCT_KEY, observed=True)["influencer_id"].nunique().rename("influencers")
    table = table.merge(influencers.reset_index(), on=PRODUCT_KEY, how="left")
    table["margin_band"] = margin_band(table["margin"], bands).to_numpy()
    table = _with_share(table)
    table = table.sort_values(["revenue", "brand", "product"], ascending=[False, True, True], kind="stable")
    return table[_PRODUCT_COLUMNS].reset_index(drop=True)


def product_score(table: pd.DataFrame) -> pd.Series:
    """The brief's product score per row of a `product_table` (same index), named "score":
    0.4 × revenue rank + 0.3 × ROAS rank + 0.3 × margin rank, with percentile ranks among the
    rows (best = 1, ties share the average rank, missing ROAS or margin ranks last). It lies in
    (0, 1]. See `SCORE_FORMULA`.

    >>> table = pd.DataFrame({"revenue": [300.0, 200.0, 100.0], "roas": [1.0, 3.0, 2.0], "margin": [0.2, 0.4, 0.6]})
    >>> product_score(table).round(4).tolist()
    [0.6, 0.7667, 0.6333]
    """
    if table.empty:
        return pd.Series(dtype=float, name="score")
    score = sum(weight * table[column].astype(float).rank(pct=True, method="average", na_option="top")
                for column, weight in SCORE_WEIGHTS.items())
    return score.rename("score")


def _group_table(table: pd.DataFrame, by: str, order: tuple[str, ...] | None = None) -> pd.DataFrame:
    grouped = metrics_by(table, by)
    counts = table.groupby(by, observed=True).size().rename("products").reset_index()
    grouped = _with_share(grouped.merge(counts, on=by, how="left"))
    if order is not None:
        rank = {value: i for i, value in enumerate(order)}
        grouped = grouped.sort_values(by, key=lambda s: s.map(rank).fillna(len(rank)), kind="stable")
    return grouped[[by, "products", *_GROUP_COLUMNS]].reset_index(drop=True)


def category_table(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per product category, largest revenue first: category, products, posts, revenue,
    spend, orders, gross_profit, profit, roas, profit_roas and share_of_revenue (sums to 1).

    >>> posts = pd.DataFrame({"brand": ["B"] * 3, "product": ["Whey", "Mass", "Bar"],
    ...     "category": ["Protein", "Protein", "Snacks"], "revenue": [300.0, 100.0, 100.0],
    ...     "spend": [100.0, 100.0, 50.0], "gross_profit": [150.0, 40.0, 25.0]})
    >>> category_table(posts)[["category", "products", "roas", "share_of_revenue"]].values.tolist()
    [['Protein', 2, 2.0, 0.8], ['Snacks', 1, 2.0, 0.2]]
    """
    if posts.empty:
        return _empty(["category", "products", *_GROUP_COLUMNS])
    products = posts.drop_duplicates(PRODUCT_KEY + ["category"])
    grouped = metrics_by(posts, "category")
    counts = products.groupby("category", observed=True).size().rename("products").reset_index()
    grouped = _with_share(grouped.merge(counts, on="category", how="left"))
    return grouped[["category", "products", *_GROUP_COLUMNS]].reset_index(drop=True)


def margin_band_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per margin band of a `product_table` (High, Medium, Low, Unknown; only the bands
    present): margin_band, products, posts, revenue, spend, orders, gross_profit, profit, roas,
    profit_roas and share_of_revenue. A product is in the band of its margin.

    >>> products = pd.DataFrame({"margin_band": ["Low", "High", "High"], "revenue": [100.0, 300.0, 100.0],
    ...     "spend": [100.0, 50.0, 50.0], "gross_profit": [20.0, 180.0, 60.0]})
    >>> margin_band_table(products)[["margin_band", "products", "roas"]].values.tolist()
    [['High', 2, 4.0], ['Low', 1, 1.0]]
    """
    if table.empty:
        return _empty(["margin_band", "products", *_GROUP_COLUMNS])
    return _group_table(table, "margin_band", MARGIN_BAND_ORDER)


def price_performance(table: pd.DataFrame) -> pd.DataFrame:
    """The price/performance matrix of a `product_table`, cheapest first: brand, product, category,
    price (x), revenue (y), roas, orders (bubble size), margin and margin_band (colour). Products
    without a known price cannot be placed and are left out.
    """
    columns = ["brand", "product", "category", "price", "revenue", "roas", "orders", "margin", "margin_band"]
    known = table[table["price"].notna()] if len(table) else table
    if known.empty:
        return _empty(columns)
    return known.sort_values(["price", "product"], kind="stable")[columns].reset_index(drop=True)


@dataclass(frozen=True)
class LaunchAnalysis:
    """New launches against established products, as of one day.

    groups: one row per status ("New", "Established", both always present): products, posts,
    revenue, spend, orders, gross_profit, profit, roas, profit_roas, share_of_revenue.
    products: one row per product: brand, product, first_promoted, days_since_launch, status,
    revenue, spend, orders, roas; newest first.
    """

    as_of: date
    new_within_days: int
    groups: pd.DataFrame
    products: pd.DataFrame


def launch_analysis(posts: pd.DataFrame, as_of: date | str, new_within_days: int = 60) -> LaunchAnalysis:
    """Products first promoted within the last ``new_within_days`` days (up to and including
    ``as_of``) against the established ones; only posts published on or before ``as_of`` count.

    A product is "New" when (as_of − first promotion) < new_within_days days, i.e. its first post
    is one of the ``new_within_days`` days ending on ``as_of``. The first promotion is the earliest
    post date in ``posts``: pass posts that are not filtered by date, or a product promoted before
    the selected range looks new.

    >>> posts = pd.DataFrame({"brand": ["B"] * 3, "product": ["Old", "Old", "Fresh"],
    ...     "date": pd.to_datetime(["2026-01-01", "2026-06-01", "2026-05-15"]),
    ...     "revenue": [100.0, 200.0, 400.0], "spend": [50.0, 50.0, 100.0], "orders": [1.0, 2.0, 4.0]})
    >>> result = launch_analysis(posts, "2026-06-30", new_within_days=60)
    >>> result.products[["product", "status", "days_since_launch"]].values.tolist()
    [['Fresh', 'New', 46], ['Old', 'Established', 180]]
    >>> result.groups[["status", "roas"]].values.tolist()
    [['New', 4.0], ['Established', 3.0]]
    """
    if new_within_days < 1:
        raise ValueError(f"new_within_days must be at least 1, got {new_within_days}")
    day = pd.Timestamp(as_of).normalize()
    rows = posts[pd.to_datetime(posts["date"]) <= day] if len(posts) else posts
    product_columns = ["brand", "product", "first_promoted", "days_since_launch", "status", "revenue", "spend",
                       "orders", "roas"]
    if rows.empty:
        products = _empty(product_columns)
        rows = pd.DataFrame({"status": pd.Series(dtype=object), "revenue": pd.Series(dtype=float)})
    else:
        rows = rows.copy()
        first = rows.groupby(PRODUCT_KEY, observed=True)["date"].min().rename("first_promoted").reset_index()
        first["days_since_launch"] = (day - pd.to_datetime(first["first_promoted"])).dt.days.astype(int)
        first["status"] = np.where(first["days_since_launch"] < new_within_days, NEW, ESTABLISHED)
        rows = rows.merge(first[[*PRODUCT_KEY, "status"]], on=PRODUCT_KEY, how="left")
        products = metrics_by(rows, PRODUCT_KEY).merge(first, on=PRODUCT_KEY, how="left")
        products = products.sort_values(["first_promoted", "revenue"], ascending=[False, False], kind="stable")
        products = products[product_columns].reset_index(drop=True)
    groups = metrics_by(rows, "status") if len(rows) else pd.DataFrame({"status": pd.Series(dtype=object)})
    groups = groups.set_index("status").reindex([NEW, ESTABLISHED])
    sums = ["revenue", "spend", "orders", "gross_profit", "reach", "engagements", "posts"]
    groups = add_ratios(groups.reindex(columns=sums).fillna(0.0))
    counts = products["status"].value_counts() if len(products) else pd.Series(dtype=int)
    groups["products"] = counts.reindex([NEW, ESTABLISHED]).fillna(0).astype(int)
    groups = _with_share(groups.rename_axis("status").reset_index())
    return LaunchAnalysis(as_of=day.date(), new_within_days=int(new_within_days),
                          groups=groups[["status", "products", *_GROUP_COLUMNS]], products=products)


def best_influencers(posts: pd.DataFrame, product: str, limit: int = 10, brand: str | None = None) -> pd.DataFrame:
    """Who sells ``product`` best (optionally only the ``brand``'s product of that name): up to
    ``limit`` influencers with influencer_id, name, platform, tier, posts, revenue, orders, spend and
    roas (revenue / spend) over their posts of it, largest revenue first (ties by ROAS, then id).
    The platform is the one most of those posts went out on.

    >>> posts = pd.DataFrame({"brand": ["B"] * 3, "product": ["Whey", "Whey", "Bar"],
    ...     "influencer_id": ["I1", "I2", "I1"], "name": ["Asha", "Bharat", "Asha"],
    ...     "platform": ["Instagram", "YouTube", "Instagram"], "tier": ["Micro", "Mega", "Micro"],
    ...     "revenue": [100.0, 400.0, 900.0], "orders": [1.0, 4.0, 9.0], "spend": [50.0, 400.0, 10.0]})
    >>> best_influencers(posts, "Whey")[["name", "revenue", "roas"]].values.tolist()
    [['Bharat', 400.0, 1.0], ['Asha', 100.0, 2.0]]
    """
    columns = ["influencer_id", "name", "platform", "tier", "posts", "revenue", "orders", "spend", "roas"]
    mask = posts["product"] == product if len(posts) else np.zeros(0, dtype=bool)
    if brand is not None and len(posts):
        mask &= posts["brand"] == brand
    rows = posts[mask]
    if rows.empty:
        return _empty(columns)
    rows = rows.assign(posts=1.0) if "posts" not in rows else rows
    table = metrics_by(rows, "influencer_id")
    for column in ("name", "platform", "tier"):
        if column in rows:
            table = table.merge(_most_common(rows, ["influencer_id"], column), on="influencer_id", how="left")
        else:
            table[column] = None
    table = table.sort_values(["revenue", "roas", "influencer_id"], ascending=[False, False, True],
                              na_position="last", kind="stable")
    return table[columns].head(int(limit)).reset_index(drop=True)
