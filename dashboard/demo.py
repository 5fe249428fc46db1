"""Synthetic demo data with a planted, known truth.

``generate_demo`` builds the four tables of ``analytics.schema`` (influencers, posts,
tracking_data, payouts) for a fictional marketing team paying Indian fitness/health creators to
promote MuscleBlaze, HKVitals and Gritzo products, plus the ground truth the analytics should
recover: each post's true relative lift, its expected baseline and incremental revenue, and its
spend under the allocation rule of ``analytics.spend``.

How the simulation works (the assumptions a reader needs to judge the numbers):

- Every post is randomised before launch: control with probability 0.2, test otherwise.
- Orders are drawn one by one; an order's primary post is drawn with probability proportional to
  ``w_p = b_p × (1 + L_p × is_test_p)``, where ``b_p ∝ reach_p × conversion_rate_baseline`` is the
  organic baseline and ``L_p = tier_lift × platform_mult × product_mult`` the planted lift.
- About 20% of orders also carry 1–2 earlier "view" touches from other posts of the same brand
  published before the primary post, so last-touch attribution credits the primary post.
- Spend is priced from each influencer's expected revenue divided by a target ROAS
  (Micro 4, Macro 3, Mega 1.8, with log-normal noise), so ROAS is realistic at any size.

Everything is vectorised with numpy; the only loops run over brands.

>>> demo = generate_demo(n_influencers=10, n_posts=40, n_events=100, seed=1)
>>> len(demo.tables["tracking_data"])
100
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.schema import ENTITIES, PLATFORMS, TIERS

__all__ = ["CATALOGUE", "DemoDataset", "Product", "generate_demo"]


@dataclass(frozen=True)
class Product:
    """One item of the demo catalogue (price in INR, margin as a share of price)."""

    brand: str
    name: str
    category: str
    price: float
    margin: float


CATALOGUE: tuple[Product, ...] = (
    Product("MuscleBlaze", "Biozyme Whey Protein", "Protein", 2999.0, 0.45),
    Product("MuscleBlaze", "Mass Gainer XXL", "Protein", 1899.0, 0.40),
    Product("MuscleBlaze", "Creatine Monohydrate", "Performance", 899.0, 0.60),
    Product("MuscleBlaze", "Pre-Workout 300", "Performance", 1499.0, 0.55),
    Product("HKVitals", "Multivitamin", "Vitamins", 599.0, 0.62),
    Product("HKVitals", "Biotin", "Beauty", 499.0, 0.65),
    Product("HKVitals", "Fish Oil", "Vitamins", 799.0, 0.55),
    Product("HKVitals", "Marine Collagen", "Beauty", 1299.0, 0.52),
    Product("HKVitals", "Apple Cider Vinegar", "Wellness", 449.0, 0.28),
    Product("Gritzo", "SuperMilk Kids", "Kids Nutrition", 649.0, 0.38),
    Product("Gritzo", "SuperMilk Height+", "Kids Nutrition", 799.0, 0.40),
    Product("Gritzo", "Protein Bar Box", "Snacks", 1199.0, 0.25),
)

PLATFORM_SHARES = {"Instagram": 0.45, "YouTube": 0.25, "TikTok": 0.15, "Twitter": 0.15}
TIER_SHARES = {"Micro": 0.60, "Macro": 0.30, "Mega": 0.10}
# Followers: log-normal (median, sigma) clipped into the tier's band of analytics.schema.
FOLLOWERS = {"Micro": (25_000, 0.8, 5_000, 99_999), "Macro": (280_000, 0.6, 100_000, 999_999),
             "Mega": (2_500_000, 0.7, 1_000_000, 20_000_000)}
# Smaller creators have a more engaged and more convinced audience (log-normal medians).
ENGAGEMENT = {"Micro": 0.050, "Macro": 0.030, "Mega": 0.015}
CONVERSION = {"Micro": 0.015, "Macro": 0.010, "Mega": 0.006}
# Share of followers a post reaches: falls with size; TikTok travels further, Twitter less.
REACH_RATE = {"Micro": 0.35, "Macro": 0.22, "Mega": 0.12}
REACH_PLATFORM = {"Instagram": 1.0, "YouTube": 0.9, "TikTok": 1.4, "Twitter": 0.5}
POSTING_ACTIVITY = {"Micro": 1.2, "Macro": 1.0, "Mega": 0.7}

CATEGORY_SHARES = {"Fitness": 0.30, "Health": 0.20, "Lifestyle": 0.25, "Parenting": 0.10, "Beauty": 0.15}
FEMALE_SHARE = {"Fitness": 0.35, "Health": 0.50, "Lifestyle": 0.55, "Parenting": 0.85, "Beauty": 0.80}
# Relative weight of each catalogue product in a category's posts (same order as CATALOGUE).
CATEGORY_PRODUCT_WEIGHTS = {
    "Fitness": (30, 15, 15, 15, 6, 1, 6, 1, 3, 0, 0, 8),
    "Health": (8, 2, 4, 2, 22, 5, 18, 5, 14, 4, 4, 12),
    "Lifestyle": (10, 4, 5, 4, 14, 8, 10, 8, 12, 6, 6, 13),
    "Parenting": (2, 0, 0, 0, 10, 3, 5, 3, 2, 35, 30, 10),
    "Beauty": (2, 0, 1, 0, 12, 35, 6, 32, 10, 0, 0, 2),
}

FIRST_NAMES_F = np.array(["Aanya", "Diya", "Isha", "Kavya", "Meera", "Priya", "Riya", "Saanvi", "Sneha",
                          "Ananya", "Pooja", "Nisha", "Tanvi", "Shreya", "Neha", "Aditi"], dtype=object)
FIRST_NAMES_M = np.array(["Aarav", "Arjun", "Vihaan", "Rohan", "Kabir", "Karan", "Rahul", "Siddharth",
                          "Aditya", "Vikram", "Nikhil", "Ishaan", "Manish", "Yash", "Dev", "Sahil"], dtype=object)
LAST_NAMES = np.array(["Sharma", "Verma", "Patel", "Reddy", "Iyer", "Nair", "Gupta", "Singh", "Khan",
                       "Mehta", "Joshi", "Kapoor", "Chopra", "Das", "Banerjee", "Menon", "Rao", "Kulkarni",
                       "Malhotra", "Bhat"], dtype=object)
CAPTION_OPENERS = np.array(["Loving my", "Daily dose:", "Honest review of", "Why I switched to",
                            "Unboxing the new", "My routine with", "30 days with", "Can't skip my"], dtype=object)
URL_PREFIX = {"Instagram": "https://instagram.example/p/", "YouTube": "https://youtube.example/watch/",
              "TikTok": "https://tiktok.example/video/", "Twitter": "https://twitter.example/status/"}

CONTROL_PROBABILITY = 0.2
TIER_LIFT = {"Micro": 0.9, "Macro": 0.6, "Mega": 0.35}
PLATFORM_MULT = {"YouTube": 1.3, "Instagram": 1.0, "TikTok": 0.8, "Twitter": 0.5}
PRODUCT_MULT_RANGE = (0.6, 1.4)

QUANTITY_P = (0.75, 0.20, 0.05)  # P(quantity = 1, 2, 3)
EXPECTED_QUANTITY = round(float(np.dot(np.arange(1, 4), QUANTITY_P)), 12)
EXTRA_TOUCHES_P = (0.80, 0.10, 0.10)  # P(0, 1, 2 view touches before the click)
DELAY_MEAN_DAYS, DELAY_CAP_DAYS = 2.0, 7.0
VIEW_WINDOW_DAYS = 14
# Orders by hour of day (IST): quiet nights, a lunch bump and an evening peak.
HOUR_WEIGHTS = np.array([2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 7, 7, 6, 5, 5, 6, 7, 9, 10, 10, 8, 4], dtype=float)
USERS_PER_ORDER = 0.65  # fewer buyers than orders: some people buy again

TARGET_ROAS = {"Micro": 4.0, "Macro": 3.0, "Mega": 1.8}
TARGET_ROAS_SIGMA = 0.35
BASIS_SHARES = {"post": 0.50, "order": 0.25, "hybrid": 0.25}
PER_POST_PAYOUT_SHARE = 0.70
HYBRID_FIXED_SHARE = 0.5  # share of a hybrid deal's expected cost paid as fixed fee
HYBRID_BONUS = 0.10

DAY_NS = 86_400 * 10**9
SECOND_NS = 10**9


@dataclass
class DemoDataset:
    """The generated tables, the planted truth (JSON-serialisable) and the truth per post."""

    tables: dict[str, pd.DataFrame]
    truth: dict
    truth_posts: pd.DataFrame


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def _ids(prefix: str, n: int, min_width: int) -> np.ndarray:
    """Zero-padded ids ``prefix + 000…1`` as an object array, padded to fit ``n``.

    >>> _ids("P", 3, 7).tolist()
    ['P0000001', 'P0000002', 'P0000003']
    """
    width = max(min_width, len(str(n)))
    digits = np.strings.zfill(np.arange(1, n + 1).astype(str), width)
    return np.strings.add(prefix, digits).astype(object)


def _probabilities(shares: dict[str, float]) -> np.ndarray:
    """The values of a share table as normalised probabilities."""
    p = np.asarray(list(shares.values()), dtype=float)
    return p / p.sum()


def _draw_per_group(rng: np.random.Generator, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One categorical draw per row, from the weight row of the row's group (inverse CDF).

    weights: (n_groups, n_options); group: group index per row. Returns option indices.
    """
    cum = np.cumsum(weights, axis=1)
    cum = cum / cum[:, -1:]
    u = rng.random(len(group))
    return (u[:, None] >= cum[group]).sum(axis=1)


def _lognormal(rng: np.random.Generator, median: np.ndarray, sigma: np.ndarray | float) -> np.ndarray:
    """Log-normal draws with the given medians."""
    return median * np.exp(sigma * rng.standard_normal(len(median)))


def _nice_amount(x: np.ndarray) -> np.ndarray:
    """Round fees to two significant figures (₹347.2 → 350), at least ₹1, as 2-decimal floats."""
    x = np.maximum(np.asarray(x, dtype=float), 1.0)
    step = 10.0 ** (np.floor(np.log10(x)) - 1)
    return np.round(np.maximum(np.round(x / step) * step, 1.0), 2)


def _str_column(values: np.ndarray) -> pd.Series:
    """A str column (pandas' default string dtype); the values contain no missing entries."""
    return pd.Series(values, dtype="str")


def _datetime_column(ns: np.ndarray) -> pd.Series:
    """A datetime64[ns] column from int64 nanoseconds since the epoch."""
    return pd.Series(np.asarray(ns, dtype=np.int64).view("datetime64[ns]"))


def _table(name: str, columns: dict[str, object]) -> pd.DataFrame:
    """A DataFrame with exactly the schema columns of entity ``name``, in schema order."""
    return pd.DataFrame({col: columns[col] for col in ENTITIES[name].column_names})


# ---------------------------------------------------------------------------------------------
# Influencers and posts
# ---------------------------------------------------------------------------------------------

def _influencers(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The influencers table, plus integer codes (tier, platform, category) per influencer."""
    platform = rng.choice(len(PLATFORMS), size=n, p=_probabilities(PLATFORM_SHARES))
    tier = rng.choice(len(TIERS), size=n, p=_probabilities(TIER_SHARES))
    median, sigma, low, high = (np.array([FOLLOWERS[t][k] for t in TIERS], dtype=float) for k in range(4))
    # Clipping keeps tier_from_followers(follower_count) equal to the stored tier.
    followers = np.clip(np.round(_lognormal(rng, median[tier], sigma[tier])), low[tier], high[tier]).astype(np.int64)

    categories = list(CATEGORY_SHARES)
    category = rng.choice(len(categories), size=n, p=_probabilities(CATEGORY_SHARES))
    female = rng.random(n) < np.array([FEMALE_SHARE[c] for c in categories])[category]
    first = np.where(female, FIRST_NAMES_F[rng.integers(len(FIRST_NAMES_F), size=n)],
                     FIRST_NAMES_M[rng.integers(len(FIRST_NAMES_M), size=n)])
    name = first + " " + LAST_NAMES[rng.integers(len(LAST_NAMES), size=n)]

    engagement = _lognormal(rng, np.array([ENGAGEMENT[t] for t in TIERS])[tier], 0.12)
    conversion = _lognormal(rng, np.array([CONVERSION[t] for t in TIERS])[tier], 0.30)
    table = _table("influencers", {
        "influencer_id": _str_column(_ids("INF", n, 5)),
        "name": _str_column(name),
        "category": _str_column(np.array(categories, dtype=object)[category]),
        "gender": _str_column(np.where(female, "F", "M").astype(object)),
        "follower_count": followers,
        "platform": _str_column(np.array(PLATFORMS, dtype=object)[platform]),
        "tier": _str_column(np.array(TIERS, dtype=object)[tier]),
        "engagement_rate_baseline": np.round(np.clip(engagement, 0.002, 0.2), 4),
        "conversion_rate_baseline": np.round(np.clip(conversion, 0.001, 0.08), 4),
    })
    return table, {"tier": tier, "platform": platform, "category": category}


def _post_authors(rng: np.random.Generator, tier: np.ndarray, n_posts: int) -> np.ndarray:
    """Influencer index per post: everyone posts once (when there are enough posts), then by activity."""
    n_inf = len(tier)
    first = rng.permutation(n_inf)[:min(n_inf, n_posts)]
    activity = rng.gamma(2.0, 1.0, n_inf) * np.array([POSTING_ACTIVITY[t] for t in TIERS])[tier]
    cum = np.cumsum(activity)
    rest = np.searchsorted(cum, rng.random(n_posts - len(first)) * cum[-1], side="right")
    return np.concatenate([first, np.minimum(rest, n_inf - 1)])


def _posts(rng: np.random.Generator, influencers: pd.DataFrame, codes: dict[str, np.ndarray], n: int,
           start_ns: int, days: int) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The posts table (ids in date order), plus per-post codes and numbers used downstream."""
    author = _post_authors(rng, codes["tier"], n)
    day = rng.integers(0, days, size=n)
    order = np.argsort(day, kind="stable")  # post ids follow publication dates
    author, day = author[order], day[order]

    weights = np.array([CATEGORY_PRODUCT_WEIGHTS[c] for c in CATEGORY_SHARES], dtype=float)
    product = _draw_per_group(rng, weights, codes["category"][author])
    tier, platform = codes["tier"][author], codes["platform"][author]

    followers = influencers["follower_count"].to_numpy()[author]
    rate_median = (np.array([REACH_RATE[t] for t in TIERS])[tier]
                   * np.array([REACH_PLATFORM[p] for p in PLATFORMS])[platform])
    rate = np.clip(_lognormal(rng, rate_median, 0.5), 0.005, 3.0)
    reach = np.maximum(np.round(followers * rate), 1).astype(np.int64)
    engagement = influencers["engagement_rate_baseline"].to_numpy()[author] * _lognormal(rng, np.ones(n), 0.35)
    interactions = reach * engagement
    likes = rng.poisson(0.90 * interactions)
    comments = rng.poisson(0.06 * interactions)
    shares = rng.poisson(0.04 * interactions)
    is_control = rng.random(n) < CONTROL_PROBABILITY

    post_id = _ids("P", n, 7)
    brand = np.array([p.brand for p in CATALOGUE], dtype=object)[product]
    product_name = np.array([p.name for p in CATALOGUE], dtype=object)[product]
    hashtag = np.array([" #" + c.lower() for c in CATEGORY_SHARES], dtype=object)[codes["category"][author]]
    caption = (CAPTION_OPENERS[rng.integers(len(CAPTION_OPENERS), size=n)] + " " + product_name
               + " #" + brand + hashtag + " #ad")
    url = np.array([URL_PREFIX[p] for p in PLATFORMS], dtype=object)[platform] + post_id
    date_ns = start_ns + day.astype(np.int64) * DAY_NS

    table = _table("posts", {
        "post_id": _str_column(post_id),
        "influencer_id": _str_column(influencers["influencer_id"].to_numpy(dtype=object)[author]),
        "platform": _str_column(np.array(PLATFORMS, dtype=object)[platform]),
        "date": _datetime_column(date_ns),
        "url": _str_column(url),
        "caption": _str_column(caption),
        "reach": reach,
        "likes": likes.astype(np.int64),
        "comments": comments.astype(np.int64),
        "shares": shares.astype(np.int64),
        "brand": _str_column(brand),
        "product": _str_column(product_name),
        "product_category": _str_column(np.array([p.category for p in CATALOGUE], dtype=object)[product]),
        "product_price": np.array([p.price for p in CATALOGUE])[product],
        "product_margin": np.array([p.margin for p in CATALOGUE])[product],
        "campaign_type": _str_column(np.where(is_control, "control", "test").astype(object)),
    })
    arrays = {"author": author, "tier": tier, "platform": platform, "product": product,
              "brand": _brand_codes()[product], "date_ns": date_ns, "is_test": ~is_control, "reach": reach}
    return table, arrays


def _brand_codes() -> np.ndarray:
    """Brand index (order of first appearance in CATALOGUE) of each catalogue product."""
    brands = list(dict.fromkeys(p.brand for p in CATALOGUE))
    return np.array([brands.index(p.brand) for p in CATALOGUE])


# ---------------------------------------------------------------------------------------------
# Planted truth
# ---------------------------------------------------------------------------------------------

def _planted_lift(rng: np.random.Generator, post: dict[str, np.ndarray], effect: bool
                  ) -> tuple[np.ndarray, dict[str, float], dict[str, float]]:
    """True relative lift L_p per post, the tier lifts used and the product multipliers drawn.

    The product multipliers are drawn even when ``effect`` is False so that, for one seed, the
    influencers and posts are the same with and without an effect.
    """
    product_mult = rng.uniform(*PRODUCT_MULT_RANGE, size=len(CATALOGUE))
    tier_lift = {t: (TIER_LIFT[t] if effect else 0.0) for t in TIERS}
    lift = (np.array([tier_lift[t] for t in TIERS])[post["tier"]]
            * np.array([PLATFORM_MULT[p] for p in PLATFORMS])[post["platform"]]
            * product_mult[post["product"]])
    return lift, tier_lift, {p.name: float(m) for p, m in zip(CATALOGUE, product_mult)}


# ---------------------------------------------------------------------------------------------
# Orders and touches
# ---------------------------------------------------------------------------------------------

def _order_times(rng: np.random.Generator, post_date_ns: np.ndarray) -> np.ndarray:
    """Order time = post date + whole days of a truncated exponential delay + a time of day."""
    n = len(post_date_ns)
    u = rng.random(n)
    delay = -DELAY_MEAN_DAYS * np.log1p(-u * (1 - np.exp(-DELAY_CAP_DAYS / DELAY_MEAN_DAYS)))
    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    second = hour * 3600 + rng.integers(0, 3600, size=n)
    return post_date_ns + np.floor(delay).astype(np.int64) * DAY_NS + second * SECOND_NS


def _view_candidates(post: dict[str, np.ndarray], primary: np.ndarray, order_ns: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each order, the posts that may carry a view touch.

    They are the posts of the primary post's brand published strictly before the primary post and
    at most VIEW_WINDOW_DAYS before the order. Returns (sorted post order per brand, first
    candidate position in it, number of candidates).
    """
    by_brand_date = np.lexsort((post["date_ns"], post["brand"]))  # posts sorted by brand, then date
    sorted_brand = post["brand"][by_brand_date]
    sorted_date = post["date_ns"][by_brand_date]
    first = np.zeros(len(primary), dtype=np.int64)
    count = np.zeros(len(primary), dtype=np.int64)
    order_brand = post["brand"][primary]
    for b in np.unique(order_brand):  # a handful of brands
        lo_b, hi_b = np.searchsorted(sorted_brand, [b, b + 1])
        dates_b = sorted_date[lo_b:hi_b]
        sel = order_brand == b
        lo = np.searchsorted(dates_b, order_ns[sel] - VIEW_WINDOW_DAYS * DAY_NS, side="left")
        hi = np.searchsorted(dates_b, post["date_ns"][primary[sel]], side="left")
        first[sel] = lo_b + lo
        count[sel] = np.maximum(hi - lo, 0)
    return by_brand_date, first, count


@dataclass
class _Orders:
    """Order-level arrays, one entry per order, in order-time order."""

    primary: np.ndarray  # primary post index
    time_ns: np.ndarray
    extras: np.ndarray  # number of view touches
    view_posts: np.ndarray  # (n_orders, 2) post index of view touch 1 and 2 (-1 when absent)


def _draw_orders(rng: np.random.Generator, post: dict[str, np.ndarray], weight: np.ndarray,
                 n_events: int) -> _Orders:
    """Draw orders until their touches make exactly ``n_events`` tracking rows.

    A pool of ``n_events`` orders always holds enough rows (each has at least one); the first
    orders whose touches reach ``n_events`` are kept and the last one loses view touches if needed.
    An order whose brand has too few earlier posts gets fewer view touches; the next orders of the
    pool make up the rows.
    """
    cum = np.cumsum(weight)
    primary = np.minimum(np.searchsorted(cum, rng.random(n_events) * cum[-1], side="right"), len(weight) - 1)
    time_ns = _order_times(rng, post["date_ns"][primary])
    wanted = rng.choice(3, size=n_events, p=EXTRA_TOUCHES_P)
    by_brand_date, first, count = _view_candidates(post, primary, time_ns)
    extras = np.minimum(wanted, count)

    rows_cum = np.cumsum(1 + extras)
    n_orders = int(np.searchsorted(rows_cum, n_events, side="left")) + 1
    primary, time_ns, extras = primary[:n_orders], time_ns[:n_orders], extras[:n_orders].copy()
    first, count = first[:n_orders], count[:n_orders]
    extras[-1] -= rows_cum[n_orders - 1] - n_events

    # Two distinct candidates: a random one, then another at a random non-zero offset.
    pick1 = np.floor(rng.random(n_orders) * count).astype(np.int64)
    pick2 = (pick1 + 1 + np.floor(rng.random(n_orders) * np.maximum(count - 1, 0)).astype(np.int64)) \
        % np.maximum(count, 1)
    view_posts = np.full((n_orders, 2), -1, dtype=np.int64)
    has1, has2 = extras >= 1, extras >= 2
    view_posts[has1, 0] = by_brand_date[first[has1] + pick1[has1]]
    view_posts[has2, 1] = by_brand_date[first[has2] + pick2[has2]]

    by_time = np.argsort(time_ns, kind="stable")  # order ids follow order time
    return _Orders(primary[by_time], time_ns[by_time], extras[by_time], view_posts[by_time])


def _tracking(rng: np.random.Generator, posts: pd.DataFrame, post: dict[str, np.ndarray], lift: np.ndarray,
              orders: _Orders) -> pd.DataFrame:
    """The tracking table: per order its view touches, then its click; sorted by date."""
    n_orders = len(orders.primary)
    quantity = rng.choice(np.arange(1, 4), size=n_orders, p=QUANTITY_P)
    product = post["product"][orders.primary]
    price = np.array([p.price for p in CATALOGUE])[product]
    margin = np.array([p.margin for p in CATALOGUE])[product]
    revenue = price * quantity
    profit = np.round(revenue * margin, 2)
    primary_lift = lift[orders.primary]
    incremental = post["is_test"][orders.primary] & (rng.random(n_orders) < primary_lift / (1 + primary_lift))
    n_users = max(1, int(round(USERS_PER_ORDER * n_orders)))
    user = rng.integers(0, n_users, size=n_orders)

    rows = 1 + orders.extras
    row_order = np.repeat(np.arange(n_orders), rows)
    position = np.arange(len(row_order)) - np.repeat(np.cumsum(rows) - rows, rows)
    is_click = position == orders.extras[row_order]
    view_slot = np.minimum(position, 1)
    row_post = np.where(is_click, orders.primary[row_order], orders.view_posts[row_order, view_slot])
    n_rows = len(row_order)
    score = np.where(is_click, rng.beta(6.0, 2.0, size=n_rows), rng.beta(2.0, 4.0, size=n_rows))

    month = post["date_ns"].view("datetime64[ns]").astype("datetime64[M]")
    campaign = posts["brand"].to_numpy(dtype=object) + "_" + np.datetime_as_string(month).astype(object)
    brand = np.array([p.brand for p in CATALOGUE], dtype=object)[product]
    name = np.array([p.name for p in CATALOGUE], dtype=object)[product]
    category = np.array([p.category for p in CATALOGUE], dtype=object)[product]
    table = _table("tracking_data", {
        "tracking_id": _str_column(_ids("T", n_rows, 8)),
        "source": _str_column(np.full(n_rows, "influencer", dtype=object)),
        "campaign": _str_column(campaign[row_post]),
        "influencer_id": _str_column(posts["influencer_id"].to_numpy(dtype=object)[row_post]),
        "post_id": _str_column(posts["post_id"].to_numpy(dtype=object)[row_post]),
        "order_id": _str_column(_ids("O", n_orders, 8)[row_order]),
        "user_id": _str_column(_ids("U", n_users, 7)[user][row_order]),
        "brand": _str_column(brand[row_order]),
        "product": _str_column(name[row_order]),
        "product_category": _str_column(category[row_order]),
        "date": _datetime_column(orders.time_ns[row_order]),
        "orders": np.ones(n_rows, dtype=np.int64),
        "revenue": revenue[row_order].astype(float),
        "profit": profit[row_order],
        "touch_type": _str_column(np.where(is_click, "click", "view").astype(object)),
        "attribution_score": np.round(np.clip(score, 0.01, 1.0), 3),
        "campaign_type": _str_column(posts["campaign_type"].to_numpy(dtype=object)[row_post]),
        "incremental_flag": (incremental[row_order] & is_click).astype(np.int64),
    })
    return table


# ---------------------------------------------------------------------------------------------
# Payouts and spend
# ---------------------------------------------------------------------------------------------

def _deal_terms(rng: np.random.Generator, tier: np.ndarray, n_posts: np.ndarray, expected_orders: np.ndarray,
                expected_revenue: np.ndarray) -> dict[str, np.ndarray]:
    """Per influencer: basis, payout granularity, fee per post and cost per order.

    The expected cost is the expected revenue over a target ROAS (per tier × log-normal noise),
    so spend is proportionate to revenue at any dataset size.
    """
    n = len(tier)
    target = np.array([TARGET_ROAS[t] for t in TIERS])[tier] * np.exp(TARGET_ROAS_SIGMA * rng.standard_normal(n))
    basis = rng.choice(len(BASIS_SHARES), size=n, p=_probabilities(BASIS_SHARES))
    per_post = rng.random(n) < PER_POST_PAYOUT_SHARE
    cost = expected_revenue / target
    posts, orders = np.maximum(n_posts, 1), np.maximum(expected_orders, 1e-9)
    hybrid = basis == list(BASIS_SHARES).index("hybrid")
    # A hybrid deal pays a bonus about half of the time; 1 + bonus/2 keeps its expected cost on target.
    share_fixed = np.where(hybrid, HYBRID_FIXED_SHARE / (1 + HYBRID_BONUS / 2), 1.0)
    share_orders = np.where(hybrid, (1 - HYBRID_FIXED_SHARE) / (1 + HYBRID_BONUS / 2), 1.0)
    return {"basis": basis, "per_post": per_post, "fee": _nice_amount(cost * share_fixed / posts),
            "cost_per_order": _nice_amount(cost * share_orders / orders)}


def _payout_rows(post: dict[str, np.ndarray], orders_per_post: np.ndarray, terms: dict[str, np.ndarray],
                 tier: np.ndarray) -> pd.DataFrame:
    """Payout rows before pricing: one per post for per-post influencers, one per other influencer.

    Columns: influencer (index), post (index, -1 for all posts), posts covered, orders, and the
    median the hybrid bonus is judged against: the influencer's median orders per post for a
    per-post row; the median orders of influencers of the same tier (with one row each) for an
    influencer-level row.
    """
    n_inf = len(tier)
    author = post["author"]
    per_post_rows = np.flatnonzero(terms["per_post"][author])
    by_post = pd.DataFrame({"influencer": author[per_post_rows], "post": per_post_rows, "covered": 1,
                            "orders": orders_per_post[per_post_rows]})
    by_post["median"] = by_post.groupby("influencer")["orders"].transform("median")

    n_posts = np.bincount(author, minlength=n_inf)
    orders_total = np.bincount(author, weights=orders_per_post, minlength=n_inf).astype(np.int64)
    whole = np.flatnonzero(~terms["per_post"] & (n_posts > 0))
    by_influencer = pd.DataFrame({"influencer": whole, "post": -1, "covered": n_posts[whole],
                                  "orders": orders_total[whole], "tier": tier[whole]})
    by_influencer["median"] = by_influencer.groupby("tier")["orders"].transform("median")

    rows = pd.concat([by_influencer.drop(columns="tier"), by_post], ignore_index=True)
    return rows.sort_values(["influencer", "post"], kind="stable").reset_index(drop=True)


def _payouts(rng: np.random.Generator, influencers: pd.DataFrame, posts: pd.DataFrame,
             post: dict[str, np.ndarray], inf_codes: dict[str, np.ndarray], orders_per_post: np.ndarray,
             expected_orders_per_post: np.ndarray, expected_revenue_per_post: np.ndarray
             ) -> tuple[pd.DataFrame, np.ndarray]:
    """The payouts table and the spend it puts on each post (rule of analytics.spend)."""
    n_inf, author = len(influencers), post["author"]
    n_posts = np.bincount(author, minlength=n_inf)
    expected_orders = np.bincount(author, weights=expected_orders_per_post, minlength=n_inf)
    expected_revenue = np.bincount(author, weights=expected_revenue_per_post, minlength=n_inf)
    terms = _deal_terms(rng, inf_codes["tier"], n_posts, expected_orders, expected_revenue)
    rows = _payout_rows(post, orders_per_post, terms, inf_codes["tier"])

    inf, covered, n_ord = rows["influencer"].to_numpy(), rows["covered"].to_numpy(), rows["orders"].to_numpy()
    basis = np.array(list(BASIS_SHARES), dtype=object)[terms["basis"][inf]]
    fee, cpo = terms["fee"][inf], terms["cost_per_order"][inf]
    is_post, is_order, is_hybrid = basis == "post", basis == "order", basis == "hybrid"
    fixed = np.where(is_order, 0.0, fee * covered)
    variable = np.where(is_post, 0.0, cpo * n_ord)
    bonus = np.where(is_hybrid & (n_ord > rows["median"].to_numpy()), np.round(HYBRID_BONUS * (fixed + variable), 2),
                     0.0)
    total = np.round(fixed + variable + bonus, 2)

    post_idx = rows["post"].to_numpy()
    has_post = post_idx >= 0
    post_ids = posts["post_id"].to_numpy(dtype=object)
    payout_post = np.where(has_post, post_ids[np.maximum(post_idx, 0)], None)
    # An influencer-level row covers all brands the influencer posted for; it names no brand so that
    # analytics.spend spreads it over all of them.
    payout_brand = np.where(has_post, posts["brand"].to_numpy(dtype=object)[np.maximum(post_idx, 0)], None)
    table = _table("payouts", {
        "payout_id": _str_column(_ids("PAY", len(rows), 7)),
        "influencer_id": _str_column(influencers["influencer_id"].to_numpy(dtype=object)[inf]),
        "post_id": pd.Series(payout_post, dtype=object),
        "brand": pd.Series(payout_brand, dtype=object),
        "basis": _str_column(basis),
        "rate": np.where(is_order, cpo, fee),
        "orders": n_ord.astype(np.int64),
        "cost_per_order": np.where(is_post, np.nan, cpo),
        "tier": _str_column(np.array(TIERS, dtype=object)[inf_codes["tier"][inf]]),
        "performance_bonus": bonus,
        "total_payout": total,
    })
    spend = _spend_by_post(post, orders_per_post, inf, post_idx, total, np.where(is_post, 0.0, total - fixed))
    return table, spend


def _spend_by_post(post: dict[str, np.ndarray], orders_per_post: np.ndarray, payout_inf: np.ndarray,
                   payout_post: np.ndarray, total: np.ndarray, order_part: np.ndarray) -> np.ndarray:
    """Spend per post: a payout with a post goes to it; an influencer-level payout is spread over the
    influencer's posts, its fixed part equally and its order part (with bonus) by primary orders,
    equally when the influencer has no orders."""
    n_posts_total, author = len(post["author"]), post["author"]
    spend = np.zeros(n_posts_total)
    direct = payout_post >= 0
    np.add.at(spend, payout_post[direct], total[direct])

    n_inf = int(max(author.max(initial=-1), payout_inf.max(initial=-1))) + 1
    fixed_by_inf = np.zeros(n_inf)
    orders_part_by_inf = np.zeros(n_inf)
    np.add.at(fixed_by_inf, payout_inf[~direct], (total - order_part)[~direct])
    np.add.at(orders_part_by_inf, payout_inf[~direct], order_part[~direct])
    n_posts = np.bincount(author, minlength=n_inf)
    n_orders = np.bincount(author, weights=orders_per_post, minlength=n_inf)
    order_share = np.where(n_orders[author] > 0, orders_per_post / np.maximum(n_orders[author], 1),
                           1.0 / np.maximum(n_posts[author], 1))
    return spend + fixed_by_inf[author] / n_posts[author] + orders_part_by_inf[author] * order_share


# ---------------------------------------------------------------------------------------------
# Truth and the public entry point
# ---------------------------------------------------------------------------------------------

def _truth_posts(posts: pd.DataFrame, post: dict[str, np.ndarray], lift: np.ndarray, expected_baseline: np.ndarray,
                 expected_incremental: np.ndarray, spend: np.ndarray) -> pd.DataFrame:
    """One row per post: assignment, segment, planted lift, expected revenues and allocated spend."""
    return pd.DataFrame({
        "post_id": posts["post_id"],
        "campaign_type": posts["campaign_type"],
        "tier": _str_column(np.array(TIERS, dtype=object)[post["tier"]]),
        "platform": posts["platform"],
        "product": posts["product"],
        "brand": posts["brand"],
        "true_relative_lift": lift,
        "expected_baseline_revenue": expected_baseline,
        "expected_incremental_revenue": expected_incremental,
        "spend": spend,
    })


def _summary(truth_posts: pd.DataFrame) -> dict[str, float | None]:
    """The estimands over test posts: mean incremental revenue per post, relative lift and iROAS.

    None when there is nothing to divide by (no test posts, no baseline or no test spend).
    """
    test = truth_posts[truth_posts["campaign_type"] == "test"]
    incremental = float(test["expected_incremental_revenue"].sum())
    baseline = float(test["expected_baseline_revenue"].sum())
    spend = float(test["spend"].sum())
    return {
        "avg_incremental_revenue_per_test_post": incremental / len(test) if len(test) else None,
        "relative_lift": incremental / baseline if baseline > 0 else None,
        "iroas": incremental / spend if spend > 0 else None,
    }


def _check_arguments(n_influencers: int, n_posts: int, n_events: int, days: int) -> None:
    """Reject sizes the simulation cannot honour."""
    for label, value in (("n_influencers", n_influencers), ("n_posts", n_posts), ("n_events", n_events),
                         ("days", days)):
        if int(value) < 1:
            raise ValueError(f"{label} must be at least 1, got {value}")


def generate_demo(n_influencers: int = 75, n_posts: int = 300, n_events: int = 800, seed: int = 42,
                  effect: bool = True, start: str = "2026-04-01", days: int = 183) -> DemoDataset:
    """Generate the four demo tables and the truth planted in them, deterministically for ``seed``.

    n_events is the exact number of tracking rows (order touches); posts are dated uniformly over
    [start, start + days). With ``effect=False`` promotion changes nothing (all true lifts are 0).

    >>> demo = generate_demo(seed=7)
    >>> sorted(demo.tables), len(demo.tables["posts"]), len(demo.tables["tracking_data"])
    (['influencers', 'payouts', 'posts', 'tracking_data'], 300, 800)
    """
    _check_arguments(n_influencers, n_posts, n_events, days)
    rng = np.random.default_rng(seed)
    start_ns = pd.Timestamp(start).normalize().as_unit("ns").value

    influencers, inf_codes = _influencers(rng, n_influencers)
    posts, post = _posts(rng, influencers, inf_codes, n_posts, start_ns, days)
    lift, tier_lift, product_mult = _planted_lift(rng, post, effect)

    baseline = post["reach"] * influencers["conversion_rate_baseline"].to_numpy()[post["author"]]
    weight = baseline * (1 + lift * post["is_test"])
    orders = _draw_orders(rng, post, weight, n_events)
    tracking = _tracking(rng, posts, post, lift, orders)

    n_orders = len(orders.primary)
    price = posts["product_price"].to_numpy()
    # Expected orders of a post as primary touch, and the revenue they bring (E[qty] units each).
    per_unit_weight = n_orders / weight.sum()
    expected_orders = per_unit_weight * weight
    expected_baseline = per_unit_weight * baseline * price * EXPECTED_QUANTITY
    expected_incremental = per_unit_weight * baseline * lift * post["is_test"] * price * EXPECTED_QUANTITY
    orders_per_post = np.bincount(orders.primary, minlength=n_posts)
    payouts, spend = _payouts(rng, influencers, posts, post, inf_codes, orders_per_post, expected_orders,
                              expected_orders * price * EXPECTED_QUANTITY)

    truth_posts = _truth_posts(posts, post, lift, expected_baseline, expected_incremental, spend)
    truth = {
        "seed": int(seed),
        "effect": bool(effect),
        "start": str(pd.Timestamp(start).date()),
        "days": int(days),
        "sizes": {"influencers": int(n_influencers), "posts": int(n_posts), "tracking_data": int(n_events),
                  "orders": int(n_orders), "users": int(tracking["user_id"].nunique()),
                  "payouts": int(len(payouts))},
        "control_probability": CONTROL_PROBABILITY,
        "expected_quantity": EXPECTED_QUANTITY,
        "tier_lift": tier_lift,
        "platform_mult": dict(PLATFORM_MULT),
        "product_mult": product_mult,
        "target_roas": dict(TARGET_ROAS),
        **_summary(truth_posts),
    }
    tables = {"influencers": influencers, "posts": posts, "tracking_data": tracking, "payouts": payouts}
    return DemoDataset(tables=tables, truth=truth, truth_posts=truth_posts)
