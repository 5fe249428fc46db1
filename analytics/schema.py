"""The four entities of the brief, defined once.

The store builds its tables from these definitions, validation (import) checks uploads against
them and templates are written from them. ``minimal=True`` marks the columns of the original
assignment's files; the other columns are the extended (v2.0) ones and may be absent.
"""
from __future__ import annotations

from dataclasses import dataclass

PLATFORMS = ("Instagram", "YouTube", "TikTok", "Twitter")
TIERS = ("Micro", "Macro", "Mega")
CAMPAIGN_TYPES = ("test", "control")
PAYOUT_BASES = ("post", "order", "hybrid")
TOUCH_TYPES = ("view", "click")
# Followers at which an influencer becomes Macro, then Mega (the brief's tiers).
TIER_THRESHOLDS = (100_000, 1_000_000)


@dataclass(frozen=True)
class Column:
    """One column of an entity.

    kind is one of "str", "int", "float", "date", "datetime".
    """

    name: str
    kind: str
    description: str
    minimal: bool = False
    nullable: bool = True
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    example: object = None


@dataclass(frozen=True)
class Entity:
    name: str  # table name in the store
    key: str  # unique id column
    columns: tuple[Column, ...]
    description: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


INFLUENCERS = Entity(
    name="influencers",
    key="influencer_id",
    description="One row per influencer (creator) the brands pay.",
    columns=(
        Column("influencer_id", "str", "Unique influencer id", minimal=True, nullable=False, example="INF0001"),
        Column("name", "str", "Display name", minimal=True, example="Aarav Sharma"),
        Column("category", "str", "Content niche (Fitness, Health, ...)", minimal=True, example="Fitness"),
        Column("gender", "str", "Gender as reported", minimal=True, example="M"),
        Column("follower_count", "int", "Followers on the platform", minimal=True, min=0, example=48000),
        Column("platform", "str", "Main platform", minimal=True, allowed=PLATFORMS, example="Instagram"),
        Column("tier", "str", "Micro / Macro / Mega (derived from followers when absent)", allowed=TIERS,
               example="Micro"),
        Column("engagement_rate_baseline", "float", "Usual engagement rate (0..1)", min=0, max=1, example=0.045),
        Column("conversion_rate_baseline", "float", "Usual conversion rate (0..1)", min=0, max=1, example=0.012),
    ),
)

POSTS = Entity(
    name="posts",
    key="post_id",
    description="One row per sponsored post; the post is the unit randomised to test or control.",
    columns=(
        Column("post_id", "str", "Unique post id", nullable=False, example="P000001"),
        Column("influencer_id", "str", "Who posted (influencers.influencer_id)", minimal=True, nullable=False,
               example="INF0001"),
        Column("platform", "str", "Where it was posted", minimal=True, allowed=PLATFORMS, example="Instagram"),
        Column("date", "date", "Publication date", minimal=True, nullable=False, example="2026-05-01"),
        Column("url", "str", "Link to the post", minimal=True, example="https://instagram.example/p/P000001"),
        Column("caption", "str", "Caption text", minimal=True, example="My post-workout shake"),
        Column("reach", "int", "Unique accounts reached", minimal=True, min=0, example=21000),
        Column("likes", "int", "Likes", minimal=True, min=0, example=950),
        Column("comments", "int", "Comments", minimal=True, min=0, example=48),
        Column("shares", "int", "Shares", min=0, example=20),
        Column("brand", "str", "Brand promoted", example="MuscleBlaze"),
        Column("product", "str", "Product promoted", example="Biozyme Whey Protein"),
        Column("product_category", "str", "Product category", example="Protein"),
        Column("product_price", "float", "Unit price (INR)", min=0, example=2999.0),
        Column("product_margin", "float", "Gross margin share of price (0..1)", min=0, max=1, example=0.45),
        Column("campaign_type", "str", "test (promoted) or control (held out)", allowed=CAMPAIGN_TYPES,
               example="test"),
    ),
)

TRACKING = Entity(
    name="tracking_data",
    key="tracking_id",
    description="One row per order touch: an order touched by several posts appears once per touch.",
    columns=(
        Column("tracking_id", "str", "Unique row id", nullable=False, example="T0000001"),
        Column("source", "str", "influencer / organic, or a free-text source", minimal=True, example="influencer"),
        Column("campaign", "str", "Campaign name (free text)", minimal=True, example="MuscleBlaze_May"),
        Column("influencer_id", "str", "Influencer credited by the touch", minimal=True, example="INF0001"),
        Column("post_id", "str", "Post that made the touch", example="P000001"),
        Column("order_id", "str", "Order id, shared by all touches of one order", example="O0000001"),
        Column("user_id", "str", "Buyer id", minimal=True, example="U000123"),
        Column("brand", "str", "Brand bought", example="MuscleBlaze"),
        Column("product", "str", "Product bought", minimal=True, example="Biozyme Whey Protein"),
        Column("product_category", "str", "Product category", example="Protein"),
        Column("date", "datetime", "Order time", minimal=True, nullable=False, example="2026-05-03 14:20:00"),
        Column("orders", "int", "Orders in the row (1 for order-level data)", minimal=True, min=0, example=1),
        Column("revenue", "float", "Order revenue (INR), the full order value on every touch row",
               minimal=True, min=0, example=2999.0),
        Column("profit", "float", "Gross profit of the order (INR)", example=1349.55),
        Column("touch_type", "str", "view or click", allowed=TOUCH_TYPES, example="click"),
        Column("attribution_score", "float", "Vendor attribution score (0..1)", min=0, max=1, example=0.8),
        Column("campaign_type", "str", "test or control, as the post", allowed=CAMPAIGN_TYPES, example="test"),
        Column("incremental_flag", "int", "1 when the order is known to be incremental", min=0, max=1, example=1),
    ),
)

PAYOUTS = Entity(
    name="payouts",
    key="payout_id",
    description="What each influencer was paid; with post_id for one post, without for all their posts.",
    columns=(
        Column("payout_id", "str", "Unique payout id", nullable=False, example="PAY000001"),
        Column("influencer_id", "str", "Who was paid", minimal=True, nullable=False, example="INF0001"),
        Column("post_id", "str", "The post paid for (empty: all the influencer's posts)", example="P000001"),
        Column("brand", "str", "Brand that paid (optional)", example="MuscleBlaze"),
        Column("basis", "str", "post, order or hybrid", minimal=True, allowed=PAYOUT_BASES, example="post"),
        Column("rate", "float", "Fee per post (post, hybrid) or per order (order)", minimal=True, min=0,
               example=5000.0),
        Column("orders", "int", "Orders the payout was computed on", minimal=True, min=0, example=3),
        Column("cost_per_order", "float", "Per-order part of a hybrid or order payout", min=0, example=250.0),
        Column("tier", "str", "Tier at payout time", allowed=TIERS, example="Micro"),
        Column("performance_bonus", "float", "Bonus included in total_payout", min=0, example=0.0),
        Column("total_payout", "float", "Amount paid (INR)", minimal=True, min=0, example=5000.0),
    ),
)

ENTITIES: dict[str, Entity] = {e.name: e for e in (INFLUENCERS, POSTS, TRACKING, PAYOUTS)}


def tier_from_followers(followers, thresholds: tuple[int, int] = TIER_THRESHOLDS):
    """Micro below the first threshold, Mega at or above the second, Macro between.

    >>> tier_from_followers([5_000, 100_000, 2_000_000]).tolist()
    ['Micro', 'Macro', 'Mega']
    """
    import numpy as np

    values = np.asarray(followers, dtype=float)
    return np.where(values >= thresholds[1], "Mega", np.where(values >= thresholds[0], "Macro", "Micro"))
