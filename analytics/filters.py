"""The shared filter spec: one plain, canonical description of what every section shows.

The browser holds it as JSON in a dcc.Store and in the URL query string; the server never trusts
either and cleans every spec against the values the data actually has (`clean_spec`).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from typing import Mapping
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd

from analytics.attribution import DEFAULT_MODEL, MODELS
from analytics.schema import TIERS as TIER_ORDER

LIST_FIELDS = ("brand", "platform", "tier", "category")
NUMBER_FIELDS = ("price_min", "price_max", "min_roas")
DATE_FIELDS = ("start", "end")


@dataclass(frozen=True)
class FilterSpec:
    brand: tuple[str, ...] = ()
    platform: tuple[str, ...] = ()
    tier: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    price_min: float | None = None
    price_max: float | None = None
    min_roas: float | None = None  # keep influencers whose ROAS (under the other filters) meets it
    start: str | None = None  # ISO dates, inclusive
    end: str | None = None
    model: str = DEFAULT_MODEL  # attribution model every revenue figure uses

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def key(self) -> str:
        """Canonical text of the spec, for cache keys."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def to_query(self) -> str:
        """The URL query string ("?brand=A&brand=B&start=…"), empty for no filters."""
        pairs = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                pairs.extend((f.name, v) for v in value)
            elif f.name == "model" and value == DEFAULT_MODEL:
                continue  # the default model keeps links short
            elif value is not None:
                pairs.append((f.name, _format_number(value) if isinstance(value, float) else value))
        return "?" + urlencode(pairs) if pairs else ""

    @property
    def is_default(self) -> bool:
        return self == FilterSpec()


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def parse_query(search: str | None) -> dict:
    """Raw filter values from a URL query string (not yet validated)."""
    values = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    raw: dict = {name: values.get(name, []) for name in LIST_FIELDS}
    for name in NUMBER_FIELDS + DATE_FIELDS + ("model",):
        if values.get(name):
            raw[name] = values[name][0]
    return raw


@dataclass(frozen=True)
class KnownValues:
    """What the data has: the only values a filter may take."""

    brand: tuple[str, ...]
    platform: tuple[str, ...]
    tier: tuple[str, ...]
    category: tuple[str, ...]
    price_min: float | None
    price_max: float | None
    first_day: str | None
    last_day: str | None

    @property
    def days(self) -> int:
        if not self.first_day:
            return 0
        return (date.fromisoformat(self.last_day) - date.fromisoformat(self.first_day)).days + 1




def _ordered(values, preferred=()) -> tuple[str, ...]:
    values = [str(v) for v in values]
    head = [v for v in preferred if v in values]
    return tuple(head + sorted(v for v in values if v not in head))


def known_values(daily: pd.DataFrame) -> KnownValues:
    """Known filter values from the post×day fact table."""
    def present(column):
        return daily[column].dropna().unique().tolist() if len(daily) else []

    price = daily["price"].dropna() if len(daily) else pd.Series(dtype=float)
    days = daily["day"] if len(daily) else pd.Series(dtype="datetime64[ns]")
    return KnownValues(
        brand=_ordered(present("brand")),
        platform=_ordered(present("platform")),
        tier=_ordered(present("tier"), TIER_ORDER),
        category=_ordered(present("category")),
        price_min=float(np.floor(price.min())) if len(price) else None,
        price_max=float(np.ceil(price.max())) if len(price) else None,
        first_day=days.min().date().isoformat() if len(days) else None,
        last_day=days.max().date().isoformat() if len(days) else None,
    )


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _iso_day(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        return pd.Timestamp(str(value)[:10]).date().isoformat()
    except (ValueError, TypeError):
        return None


def clean_spec(raw: Mapping | None, known: KnownValues) -> FilterSpec:
    """A valid, canonical FilterSpec from untrusted input.

    Unknown list values are dropped and the rest put in the data's order; an unknown attribution
    model falls back to the default; numbers that do not
    parse are ignored; a price range or date range covering all the data means "no filter";
    dates are clamped to the data's range and swapped when reversed.
    """
    raw = dict(raw or {})
    lists = {}
    for name in LIST_FIELDS:
        value = raw.get(name) or []
        # Case and spaces do not matter: a hand-edited link with "instagram" still means Instagram.
        wanted = {str(v).strip().casefold() for v in ([value] if isinstance(value, str) else value)}
        lists[name] = tuple(v for v in getattr(known, name) if v.casefold() in wanted)

    price_min, price_max = _number(raw.get("price_min")), _number(raw.get("price_max"))
    if price_min is not None and price_max is not None and price_min > price_max:
        price_min, price_max = price_max, price_min
    if price_min is not None and known.price_min is not None and price_min <= known.price_min:
        price_min = None
    if price_max is not None and known.price_max is not None and price_max >= known.price_max:
        price_max = None

    min_roas = _number(raw.get("min_roas"))
    if min_roas is not None and min_roas <= 0:
        min_roas = None

    start, end = _iso_day(raw.get("start")), _iso_day(raw.get("end"))
    if start and end and start > end:
        start, end = end, start
    if known.first_day:
        start = None if start is None or start <= known.first_day else min(start, known.last_day)
        end = None if end is None or end >= known.last_day else max(end, known.first_day)
    model = raw.get("model") if raw.get("model") in MODELS else DEFAULT_MODEL
    return FilterSpec(**lists, price_min=price_min, price_max=price_max, min_roas=min_roas, start=start, end=end,
                      model=model)


def period(spec: FilterSpec, known: KnownValues) -> tuple[str, str] | None:
    """The inclusive date range the spec covers (the data's range where it sets no bound)."""
    if not known.first_day:
        return None
    return spec.start or known.first_day, spec.end or known.last_day


def previous_period(spec: FilterSpec, known: KnownValues) -> tuple[str, str] | None:
    """The period of equal length just before the spec's period."""
    current = period(spec, known)
    if current is None:
        return None
    start, end = (date.fromisoformat(d) for d in current)
    length = (end - start).days + 1
    return (start - timedelta(days=length)).isoformat(), (start - timedelta(days=1)).isoformat()


def dimension_mask(daily: pd.DataFrame, spec: FilterSpec, days: tuple[str, str] | None = None,
                   day_column: str = "day") -> np.ndarray:
    """Rows of a fact table that pass every filter except minimum ROAS (dates on `day_column`)."""
    mask = np.ones(len(daily), dtype=bool)
    for name in LIST_FIELDS:
        values = getattr(spec, name)
        if values:
            mask &= daily[name].isin(values).to_numpy()
    price = daily["price"].to_numpy()
    if spec.price_min is not None:
        mask &= price >= spec.price_min
    if spec.price_max is not None:
        mask &= price <= spec.price_max
    start, end = days if days else (spec.start, spec.end)
    day = daily[day_column].to_numpy()
    if start:
        mask &= day >= np.datetime64(start)
    if end:
        mask &= day <= np.datetime64(end)
    return mask


def influencers_meeting_roas(rows: pd.DataFrame, min_roas: float) -> np.ndarray:
    """Mask of rows whose influencer's ROAS over `rows` is at least min_roas.

    An influencer with revenue but no spend meets any minimum; one with neither does not.
    """
    codes = rows["influencer_id"].cat.codes.to_numpy()
    size = len(rows["influencer_id"].cat.categories)
    revenue = np.bincount(codes, weights=rows["revenue"].to_numpy(), minlength=size)
    spend = np.bincount(codes, weights=rows["spend"].to_numpy(), minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        meets = np.where(spend > 0, revenue / np.where(spend > 0, spend, 1) >= min_roas, revenue > 0)
    return meets[codes]


def apply_filters(daily: pd.DataFrame, spec: FilterSpec, days: tuple[str, str] | None = None) -> pd.DataFrame:
    """The post×day rows the spec selects; `days` overrides the spec's dates (previous period)."""
    rows = daily[dimension_mask(daily, spec, days)]
    if spec.min_roas is not None and len(rows):
        rows = rows[influencers_meeting_roas(rows, spec.min_roas)]
    return rows


def with_dates(spec: FilterSpec, start: str | None, end: str | None) -> FilterSpec:
    return replace(spec, start=start, end=end)


def filter_posts(posts: pd.DataFrame, daily: pd.DataFrame, spec: FilterSpec) -> pd.DataFrame:
    """The posts (units of randomisation) the spec selects: published in the date range, matching
    the dimensions and price; with a minimum ROAS, only the influencers `apply_filters` keeps.

    Each post keeps all the revenue credited to it, also orders after the range's end: the
    outcome of a unit is what it earned in its attribution window.
    """
    selected = posts[dimension_mask(posts, spec, day_column="date")]
    if spec.min_roas is not None and len(selected):
        kept = apply_filters(daily, spec)["influencer_id"].astype(str).unique()
        selected = selected[selected["influencer_id"].isin(kept)]
    return selected
