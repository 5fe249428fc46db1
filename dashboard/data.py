"""The data service: fact tables once per data_version, analytics results memoized.

Cache keys are primitive text only: (kind, data_version, canonical filter spec, options).
Fact tables stay in this process (one load per version); results go to flask-caching, so
gunicorn workers with a FileSystemCache or Redis share them.
"""
from __future__ import annotations

import ctypes
import hashlib
import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Callable

import numpy as np
import pandas as pd
from flask_caching import Cache
from sqlalchemy.engine import Engine

from analytics import forecast as forecasting
from analytics import model_comparison, tiers
from analytics.metrics import metrics_by
from analytics.quality import data_quality
from analytics.attribution import DEFAULT_MODEL, MODELS, AttributionSettings
from dashboard.assumptions import load_attribution_settings, save_attribution_settings
from analytics import products as product_analytics
from analytics.facts import Facts, build_facts, posts_from_daily
from analytics.filters import (FilterSpec, KnownValues, apply_filters, clean_spec, filter_posts, known_values,
                               period, with_dates)
from analytics.lift_report import LiftReport, TestPlan, lift_report, plan_test, segment_table
from analytics.overview import Overview, campaign_overview, top_influencers
from dashboard import store
from dashboard.config import Config

# The columns the fact tables need; reading fewer columns keeps start-up fast on large data.
FACT_COLUMNS = {
    "influencers": ["influencer_id", "name", "platform", "follower_count", "tier", "conversion_rate_baseline",
                    "engagement_rate_baseline"],
    "posts": ["post_id", "influencer_id", "platform", "date", "reach", "likes", "comments", "shares", "brand",
              "product", "product_category", "product_price", "product_margin", "campaign_type"],
    "tracking_data": ["influencer_id", "post_id", "order_id", "date", "orders", "revenue", "profit",
                      "touch_type"],
    "payouts": ["payout_id", "influencer_id", "post_id", "brand", "basis", "orders", "cost_per_order",
                "performance_bonus", "total_payout"],
}


def release_freed_memory() -> None:
    """Hand memory freed after a large load back to the OS (glibc keeps it otherwise, and the
    process would stay at its peak size). A no-op where glibc's malloc_trim is missing."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def compact_tracking(tracking: pd.DataFrame) -> pd.DataFrame:
    """The tracking table in a fraction of the memory: ids and labels as categoricals and order
    ids as 64-bit hashes (only their equality matters; a collision among a million ids has a
    chance of about 1 in 30 million). Runs per chunk while loading, so no million strings pile up."""
    out = tracking.copy()
    for column in ("influencer_id", "post_id", "touch_type"):
        if column in out:
            out[column] = out[column].astype("category")
    if "order_id" in out:
        present = out["order_id"].notna()
        hashed = pd.util.hash_pandas_object(out["order_id"].astype(str), index=False).to_numpy()
        out["order_id"] = pd.array(np.where(present, hashed, 0), dtype="UInt64")
        out.loc[~present, "order_id"] = pd.NA
    return out


class DataService:
    MAX_FACT_SETS = len(MODELS) + 1  # fact tables kept in memory (one per attribution model in use)

    def __init__(self, config: Config, engine: Engine, cache: Cache):
        self.config = config
        self.engine = engine
        self.cache = cache
        self._tables: tuple[str, dict] | None = None
        self._facts: OrderedDict[tuple[str, str], tuple[Facts, KnownValues]] = OrderedDict()
        self._lock = threading.Lock()
        self._config_key = hashlib.sha1(repr((
            sorted(config.targets.items()), config.alpha, config.control_share, config.organic_share,
            config.margin_bands, sorted(config.seasonality.items()), config.top_influencers,
        )).encode()).hexdigest()[:12]

    def version(self) -> str:
        return store.data_version(self.engine)

    def attribution_settings(self) -> AttributionSettings:
        """The stored attribution assumptions (the brief's defaults until someone edits them)."""
        return load_attribution_settings(self.engine)

    def save_attribution_settings(self, settings: AttributionSettings) -> None:
        save_attribution_settings(self.engine, settings)

    def _raw_tables(self, version: str) -> dict:
        """The stored tables (only the columns facts need), read once per data_version and kept
        compact, so building facts for another attribution model needs no database read."""
        if self._tables is None or self._tables[0] != version:
            self._tables = None  # let the old version's tables go before reading the new ones
            tables = store.load_dataset(self.engine, FACT_COLUMNS, convert={"tracking_data": compact_tracking})
            tracking = tables["tracking_data"]
            for column in ("influencer_id", "post_id", "touch_type"):  # chunks had their own categories
                tracking[column] = tracking[column].astype("category")
            self._tables = (version, tables)
            release_freed_memory()
        return self._tables[1]

    def facts(self, model: str = DEFAULT_MODEL) -> tuple[str, Facts, KnownValues]:
        """(data_version, fact tables, known filter values) for an attribution model.

        Built once per (data_version, model) and kept for the few most recently used models; the
        raw tables are read from the store once per data_version.
        """
        data_version = self.version()
        settings = self.attribution_settings()
        # Results depend on the data, the attribution assumptions and the configured assumptions
        # (targets, α, shares, bands, seasonality): all are in the version, so a shared cache never
        # serves results computed under other settings.
        version = f"{data_version}|{settings.key()}|{self._config_key}"
        key = (version, model)
        with self._lock:
            if key not in self._facts:
                facts = build_facts(self._raw_tables(data_version), model, settings=settings)
                release_freed_memory()
                self._facts[key] = (facts, known_values(facts.daily))
                for stale in [k for k in self._facts if k[0] != version]:
                    del self._facts[stale]
                while len(self._facts) > self.MAX_FACT_SETS:
                    self._facts.popitem(last=False)
            self._facts.move_to_end(key)
            facts, known = self._facts[key]
        return version, facts, known

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
        version, facts, known = self.facts(spec.model)
        return self._memoized(
            "overview", version, f"{spec.key()}|{granularity}",
            lambda: campaign_overview(facts.daily, facts.influencers, spec, known, self.config.targets,
                                      granularity, self.config.top_influencers),
        )

    def posts(self, spec: FilterSpec):
        """The posts (units of randomisation) the filters select, with revenue under the spec's model."""
        _, facts, _ = self.facts(spec.model)
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

    def post_totals(self, spec: FilterSpec):
        """Post-grain rows summing the filtered post×day slice (adds up to the Overview's figures)."""
        _, facts, _ = self.facts(spec.model)
        return posts_from_daily(apply_filters(facts.daily, spec), facts.posts)

    def margin_bands(self) -> product_analytics.MarginBands:
        high, low = self.config.margin_bands
        return product_analytics.MarginBands(high=high, low=low)

    def products(self, spec: FilterSpec) -> dict:
        """Product ranking (with score), categories, margin bands and the price–performance matrix."""
        version, _, _ = self.facts(spec.model)

        def compute():
            posts = self.post_totals(spec)
            table = product_analytics.product_table(posts, self.margin_bands())
            table = table.assign(score=product_analytics.product_score(table))
            return {"table": table, "categories": product_analytics.category_table(posts),
                    "bands": product_analytics.margin_band_table(table),
                    "price": product_analytics.price_performance(table)}
        return self._memoized("products", version, spec.key(), compute)

    def launches(self, spec: FilterSpec, new_within_days: int):
        """New vs established products as of the period's last day; first promotion over all dates."""
        _, _, known = self.facts(spec.model)
        as_of = period(spec, known)[1] if known.first_day else None
        if as_of is None:
            return None
        posts = self.post_totals(with_dates(spec, None, spec.end))
        return product_analytics.launch_analysis(posts, as_of, new_within_days)

    def best_influencers(self, spec: FilterSpec, brand: str, product: str):
        return product_analytics.best_influencers(self.post_totals(spec), product, limit=50, brand=brand)

    def model_comparison(self, spec: FilterSpec) -> dict:
        """The selection under every attribution model: totals, by platform and tier, credit shifts.

        With a minimum ROAS, the influencers it keeps are decided once, under the selected model,
        and the same influencers are compared under every model.
        """
        version, selected, _ = self.facts(spec.model)

        def compute():
            kept = None
            if spec.min_roas is not None:
                kept = apply_filters(selected.daily, spec)["influencer_id"].astype(str).unique()
            open_spec = replace(spec, min_roas=None)
            rows = {}
            for model in MODELS:
                _, facts, _ = self.facts(model)
                model_rows = apply_filters(facts.daily, replace(open_spec, model=model))
                rows[model] = model_rows if kept is None else model_rows[
                    model_rows["influencer_id"].astype(str).isin(kept)]
            influencers = self.facts(DEFAULT_MODEL)[1].influencers
            return {"totals": model_comparison.totals_by_model(rows),
                    "platform": model_comparison.compare_by(rows, "platform"),
                    "tier": model_comparison.compare_by(rows, "tier"),
                    "shift": model_comparison.credit_shift(rows, influencers)}
        return self._memoized("models", version, spec.key(), compute)

    def brands(self, spec: FilterSpec):
        """Per brand: revenue, spend, ROAS, profit, and iROAS with its CI where a control group exists."""
        version, facts, _ = self.facts(spec.model)

        def compute():
            table = metrics_by(apply_filters(facts.daily, spec), "brand")
            lifts = self.segments(spec, "brand")
            if len(lifts):
                table = table.merge(lifts[["brand", "iroas", "iroas_low", "iroas_high", "warning"]], on="brand",
                                    how="left")
            return table
        return self._memoized("brands", version, spec.key(), compute)

    def platforms(self, spec: FilterSpec):
        """Per platform: posts, revenue and spend per post, ROAS, engagement rate, CPE, CPM."""
        version, facts, _ = self.facts(spec.model)

        def compute():
            table = metrics_by(apply_filters(facts.daily, spec), "platform")
            posts = table["posts"].where(table["posts"] > 0)
            return table.assign(revenue_per_post=table["revenue"] / posts, spend_per_post=table["spend"] / posts)
        return self._memoized("platforms", version, spec.key(), compute)

    def tier_uncertainty(self, spec: FilterSpec) -> tuple:
        """(ROAS per tier with bootstrap CIs, Micro − Mega difference with its CI)."""
        version, _, _ = self.facts(spec.model)

        def compute():
            posts = self.post_totals(spec)
            alpha = self.config.alpha
            return tiers.tier_roas_bootstrap(posts, alpha=alpha), tiers.tier_difference(posts, alpha=alpha)
        return self._memoized("tiers", version, spec.key(), compute)

    def forecast(self, spec: FilterSpec, metric: str, granularity: str, seasonal: bool):
        """History and forecast of a metric under the filters, ending on the last posting day (later
        days only collect the tail of the attribution window and would read as a collapse)."""
        version, facts, known = self.facts(spec.model)

        def compute():
            rows = apply_filters(facts.daily, spec)
            if rows.empty:
                return None
            last_post = facts.posts["date"].max().date().isoformat()
            end = min(spec.end or last_post, last_post)
            values = forecasting.series(rows, metric, granularity, start=spec.start, end=end)
            horizon = 28 if granularity == "D" else 8
            # Seasonal uplifts describe demand: never applied to spend, which is a budget decision.
            apply = seasonal and metric != "spend"
            seasonality = forecasting.SeasonalityAssumptions(**self.config.seasonality) if apply else None
            return forecasting.forecast(values, horizon, granularity, seasonality=seasonality)
        key = f"{spec.key()}|{metric}|{granularity}|{seasonal}"
        return self._memoized("forecast", version, key, compute)

    def quality(self):
        """Data quality of everything stored (all columns), once per data version."""
        version = self.version()
        return self._memoized("quality", version, "", lambda: data_quality(store.load_dataset(self.engine)))


    def influencer_table(self, spec: FilterSpec):
        """Every influencer under the filters with their metrics, largest revenue first."""
        _, facts, _ = self.facts(spec.model)
        rows = apply_filters(facts.daily, spec)
        return top_influencers(rows, facts.influencers, limit=len(facts.influencers))

    def product_influencers(self, spec: FilterSpec):
        """Revenue, orders, spend and ROAS of every (product, influencer) pair under the filters."""
        posts = self.post_totals(spec)
        table = metrics_by(posts, ["brand", "product", "influencer_id"])
        names = posts.drop_duplicates("influencer_id").set_index("influencer_id")[["name", "platform", "tier"]]
        return table.join(names, on="influencer_id")[["brand", "product", "influencer_id", "name", "platform", "tier",
                                                      "revenue", "orders", "spend", "roas"]]
