"""The data service: fact tables once per data_version, analytics results memoized.

Cache keys are primitive text only: (kind, data_version, canonical filter spec, options).
Fact tables stay in this process (one load per version); results go to flask-caching, so
gunicorn workers with a FileSystemCache or Redis share them.
"""
from __future__ import annotations

import threading
from typing import Callable

from flask_caching import Cache
from sqlalchemy.engine import Engine

from analytics.facts import Facts, build_facts
from analytics.filters import FilterSpec, KnownValues, clean_spec, filter_posts, known_values
from analytics.lift_report import LiftReport, TestPlan, lift_report, plan_test, segment_table
from analytics.overview import Overview, campaign_overview
from dashboard import store
from dashboard.config import Config

# The columns the fact tables need; reading fewer columns keeps start-up fast on large data.
FACT_COLUMNS = {
    "influencers": ["influencer_id", "name", "platform", "follower_count", "tier", "conversion_rate_baseline"],
    "posts": ["post_id", "influencer_id", "platform", "date", "reach", "likes", "comments", "shares", "brand",
              "product", "product_category", "product_price", "product_margin", "campaign_type"],
    "tracking_data": ["influencer_id", "post_id", "order_id", "date", "orders", "revenue", "profit",
                      "touch_type"],
    "payouts": ["payout_id", "influencer_id", "post_id", "brand", "basis", "orders", "cost_per_order",
                "performance_bonus", "total_payout"],
}


class DataService:
    def __init__(self, config: Config, engine: Engine, cache: Cache):
        self.config = config
        self.engine = engine
        self.cache = cache
        self._facts: tuple[str, Facts, KnownValues] | None = None
        self._lock = threading.Lock()

    def version(self) -> str:
        return store.data_version(self.engine)

    def facts(self) -> tuple[str, Facts, KnownValues]:
        """(data_version, fact tables, known filter values), rebuilt only when the version changes."""
        version = self.version()
        current = self._facts
        if current is not None and current[0] == version:
            return current
        with self._lock:
            if self._facts is None or self._facts[0] != version:
                tables = store.load_dataset(self.engine, FACT_COLUMNS)
                facts = build_facts(tables)
                self._facts = (version, facts, known_values(facts.daily))
            return self._facts

    def known(self) -> KnownValues:
        return self.facts()[2]

    def clean(self, raw: dict | None) -> FilterSpec:
        return clean_spec(raw, self.known())

    def _memoized(self, kind: str, version: str, key: str, compute: Callable[[], object]):
        cache_key = f"{kind}|{version}|{key}"
        value = self.cache.get(cache_key)
        if value is None:
            value = compute()
            self.cache.set(cache_key, value, timeout=self.config.cache_timeout)
        return value

    def overview(self, spec: FilterSpec, granularity: str = "D") -> Overview:
        version, facts, known = self.facts()
        return self._memoized(
            "overview", version, f"{spec.key()}|{granularity}",
            lambda: campaign_overview(facts.daily, facts.influencers, spec, known, self.config.targets,
                                      granularity, self.config.top_influencers),
        )

    def posts(self, spec: FilterSpec):
        """The posts (units of randomisation) the filters select."""
        _, facts, _ = self.facts()
        return filter_posts(facts.posts, facts.daily, spec)

    def lift(self, spec: FilterSpec) -> LiftReport:
        version, _, _ = self.facts()
        c = self.config
        return self._memoized("lift", version, spec.key(), lambda: lift_report(
            self.posts(spec), c.alpha, c.control_share, c.organic_share))

    def segments(self, spec: FilterSpec, dimension: str):
        version, _, _ = self.facts()
        return self._memoized("segments", version, f"{spec.key()}|{dimension}",
                              lambda: segment_table(self.posts(spec), dimension, self.config.alpha))

    def plan(self, spec: FilterSpec, n_units: int, control_share: float, target_rel_lift: float | None
             ) -> TestPlan | None:
        return plan_test(self.posts(spec), n_units, control_share, target_rel_lift, self.config.alpha)
