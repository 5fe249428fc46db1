"""Order credit: how much of each order a tracking row (one touch) receives.

An order touched by several posts appears once per touch with the same order_id and the full
order revenue on every row. A model gives the touches of one order weights that sum to at most 1,
so revenue counted as Σ revenue × credit is counted once per order; what an order's touches do not
receive (1 − Σ credit) is unattributed (organic) revenue.

Assumptions (the brief's defaults, all in :class:`AttributionSettings`):

- A touch counts only inside its window before the order: 14 days after a view, 7 days after a
  click (boundaries included). A touch after the order never counts. Touches whose post was
  inferred (``timing_known`` False, e.g. the original minimal files without post_id) have no
  window and no decay.
- Time decay halves a touch's weight every 48 hours between publication and order.
- Platform weights YouTube 1.4, Instagram 1.0, TikTok 0.8, Twitter 0.6 (others 1.0); base
  weights click 1.0, view 0.5; engagement weight = clip(post engagement rate / influencer
  baseline engagement rate, 0.5, 1.5).
- ``weighted_score``: attribution_score = base × platform_weight × timing_weight ×
  engagement_weight; an order's scores are scaled down only when they sum to more than 1, so
  final_revenue = raw_revenue × attribution_score and the rest is organic.

Models (``MODELS``) split one order among its touches inside the window:

>>> touches = pd.DataFrame({
...     "order_key": [0, 0, 1],
...     "touch_time": pd.to_datetime(["2026-01-01", "2026-01-03", "2026-01-02"]),
...     "order_time": pd.to_datetime(["2026-01-05", "2026-01-05", "2026-01-03"]),
...     "touch_type": ["view", "click", "click"],
... })
>>> credit(touches, "last_touch").tolist()
[0.0, 1.0, 1.0]
>>> credit(touches, "linear").tolist()
[0.5, 0.5, 1.0]
>>> unattributed_share(touches, credit(touches, "weighted_score")).round(4).tolist()
[0.375, 0.2929]
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

MODELS = ("last_touch", "first_touch", "linear", "time_decay", "position_based", "weighted_score")
DEFAULT_MODEL = "last_touch"
MODEL_LABELS = {
    "last_touch": "Last touch",
    "first_touch": "First touch",
    "linear": "Linear",
    "time_decay": "Time decay",
    "position_based": "Position-based",
    "weighted_score": "Weighted score",
}
MODEL_DESCRIPTIONS = {
    "last_touch": "The latest touch in the window gets the whole order (ties: click, then the later row).",
    "first_touch": "The earliest touch in the window gets the whole order (ties: click, then the earlier row).",
    "linear": "Every touch in the window gets an equal share of the order.",
    "time_decay": "Shares halve with every half-life between post and order, normalised to the whole order.",
    "position_based": ("First and last touches get 40% each, the touches between share 20% "
                       "(one touch: all; two: half each)."),
    "weighted_score": "Each touch scores base × platform × timing × engagement weight; scores above 1 in total "
                      "are scaled to 1, the rest of the order is organic.",
}

HOUR_NS = 3_600 * 10**9
DAY_NS = 24 * HOUR_NS
DEFAULT_PLATFORM_WEIGHTS = {"YouTube": 1.4, "Instagram": 1.0, "TikTok": 0.8, "Twitter": 0.6}


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

def _number(name: str, value: Any) -> float:
    """A finite float, or a ValueError naming the setting."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def _positive(name: str, value: Any) -> float:
    number = _number(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be greater than 0, got {value!r}")
    return number


def _non_negative(name: str, value: Any) -> float:
    number = _number(name, value)
    if number < 0:
        raise ValueError(f"{name} must be at least 0, got {value!r}")
    return number


class PlatformWeights(Mapping):
    """A read-only, hashable platform → weight mapping; lookups ignore case and surrounding spaces.

    >>> w = PlatformWeights({"YouTube": 1.4})
    >>> w["youtube "], dict(w)
    (1.4, {'YouTube': 1.4})
    """

    def __init__(self, weights: Mapping[str, Any] | None = None, name: str = "platform_weights"):
        if weights is None:
            weights = {}
        if not isinstance(weights, Mapping):
            raise ValueError(f"{name} must be a mapping of platform to weight, got {weights!r}")
        items: dict[str, float] = {}
        folded: dict[str, str] = {}
        for platform, weight in weights.items():
            if not isinstance(platform, str) or not platform.strip():
                raise ValueError(f"{name} keys must be platform names, got {platform!r}")
            label = platform.strip()
            if label.casefold() in folded:
                raise ValueError(f"{name} names {label!r} twice (platform names ignore case)")
            folded[label.casefold()] = label
            items[label] = _non_negative(f"{name}[{label!r}]", weight)
        self._items = dict(sorted(items.items()))
        self._folded = {key.casefold(): value for key, value in self._items.items()}

    def __getitem__(self, platform: str) -> float:
        try:
            return self._folded[str(platform).strip().casefold()]
        except KeyError:
            raise KeyError(platform) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __repr__(self) -> str:
        return f"PlatformWeights({self._items!r})"


@dataclass(frozen=True)
class AttributionSettings:
    """Every attribution assumption, with the brief's defaults (shown in the UI as assumptions).

    Validated on construction: windows and half-life > 0, weights ≥ 0, engagement bounds
    ordered, position weights (first, middle, last) summing to 1. Hashable, so it can key caches;
    ``key()`` is its canonical text.

    >>> s = AttributionSettings()
    >>> s.platform_weight("YouTube"), s.platform_weight("Snapchat"), s.window_days("view"), s.window_days(None)
    (1.4, 1.0, 14.0, 7.0)
    >>> AttributionSettings.from_dict(s.to_dict()) == s
    True
    >>> AttributionSettings(click_window_days=0)
    Traceback (most recent call last):
    ...
    ValueError: click_window_days must be greater than 0, got 0
    """

    view_window_days: float = 14.0  # a view counts for orders up to this many days after the post
    click_window_days: float = 7.0  # a click (or an unknown touch type) counts up to this many days
    half_life_hours: float = 48.0  # timing weight halves every half-life between post and order
    platform_weights: Mapping[str, float] = field(default_factory=lambda: PlatformWeights(DEFAULT_PLATFORM_WEIGHTS))
    other_platform_weight: float = 1.0  # platforms not in platform_weights
    click_base_weight: float = 1.0  # base weight of a click (and of an unknown touch type)
    view_base_weight: float = 0.5
    engagement_weight_min: float = 0.5  # engagement weight = clip(engagement ratio, min, max)
    engagement_weight_max: float = 1.5
    position_weights: tuple[float, float, float] = (0.4, 0.2, 0.4)  # first, middle (shared), last

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "view_window_days", _positive("view_window_days", self.view_window_days))
        put(self, "click_window_days", _positive("click_window_days", self.click_window_days))
        put(self, "half_life_hours", _positive("half_life_hours", self.half_life_hours))
        put(self, "platform_weights", PlatformWeights(self.platform_weights))
        for name in ("other_platform_weight", "click_base_weight", "view_base_weight",
                     "engagement_weight_min", "engagement_weight_max"):
            put(self, name, _non_negative(name, getattr(self, name)))
        if self.engagement_weight_min > self.engagement_weight_max:
            raise ValueError(f"engagement_weight_min ({self.engagement_weight_min}) must not exceed "
                             f"engagement_weight_max ({self.engagement_weight_max})")
        position = self.position_weights
        if isinstance(position, (str, bytes, Mapping)) or not hasattr(position, "__len__") or len(position) != 3:
            raise ValueError(f"position_weights must be three numbers (first, middle, last), got {position!r}")
        position = tuple(_non_negative(f"position_weights[{i}]", w) for i, w in enumerate(position))
        if not math.isclose(sum(position), 1.0, rel_tol=0, abs_tol=1e-9):
            raise ValueError(f"position_weights must sum to 1, got {list(position)} (sum {sum(position):g})")
        put(self, "position_weights", position)

    def platform_weight(self, platform: object) -> float:
        """The weight of a platform (case-insensitive); other_platform_weight when not listed."""
        if not isinstance(platform, str):
            return self.other_platform_weight
        return self.platform_weights.get(platform, self.other_platform_weight)

    def window_days(self, touch_type: object) -> float:
        """The attribution window of a touch type: view window for "view", click window otherwise."""
        return self.view_window_days if _is_view_label(touch_type) else self.click_window_days

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe plain values (floats, a dict, a list); ``from_dict`` reads them back."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "platform_weights":
                value = dict(value.items())
            elif f.name == "position_weights":
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> AttributionSettings:
        """Settings from ``to_dict`` output (missing keys take the defaults).

        Raises ValueError naming the field for unknown keys and invalid values.

        >>> AttributionSettings.from_dict({"half_life_hours": 24}).half_life_hours
        24.0
        >>> AttributionSettings.from_dict({"platform_weights": {"YouTube": -1}})
        Traceback (most recent call last):
        ...
        ValueError: platform_weights['YouTube'] must be at least 0, got -1
        """
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError(f"attribution settings must be a mapping, got {type(data).__name__}")
        known = [f.name for f in fields(cls)]
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            raise ValueError(f"unknown attribution setting(s): {', '.join(unknown)}; known: {', '.join(known)}")
        return cls(**dict(data))

    def key(self) -> str:
        """Canonical text of the settings, for cache keys (equal settings, equal text).

        >>> AttributionSettings(view_window_days=14).key() == AttributionSettings().key()
        True
        """
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))


DEFAULT_SETTINGS = AttributionSettings()


# ---------------------------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------------------------

def timing_weight(hours, half_life_hours: float = DEFAULT_SETTINGS.half_life_hours):
    """0.5 ** (hours / half_life_hours): 1 at the order, 0.5 one half-life before it.

    ``hours`` is the time from the post to the order (≥ 0), a number or an array.

    >>> timing_weight(0, 48), timing_weight(48, 48), timing_weight(96, 48)
    (1.0, 0.5, 0.25)
    """
    half_life = _positive("half_life_hours", half_life_hours)
    weight = np.power(0.5, np.asarray(hours, dtype=float) / half_life)
    return float(weight) if np.ndim(weight) == 0 else weight


def engagement_weight(ratio, settings: AttributionSettings = DEFAULT_SETTINGS):
    """clip(ratio, engagement_weight_min, engagement_weight_max); 1.0 where the ratio is unknown.

    >>> engagement_weight(np.array([0.2, 1.1, 3.0, np.nan])).tolist()
    [0.5, 1.1, 1.5, 1.0]
    """
    ratio = np.asarray(ratio, dtype=float)
    weight = np.where(np.isnan(ratio), 1.0,
                      np.clip(ratio, settings.engagement_weight_min, settings.engagement_weight_max))
    return float(weight) if np.ndim(weight) == 0 else weight


def post_engagement_ratio(engagements, reach, baseline_rate) -> np.ndarray:
    """A post's engagement rate (engagements / reach) over its influencer's baseline rate.

    NaN where it cannot be known: reach or baseline missing or not positive.

    >>> post_engagement_ratio([60, 10, 5], [1000, 0, 100], [0.04, 0.05, np.nan]).tolist()
    [1.5, nan, nan]
    """
    engagements = np.asarray(pd.to_numeric(pd.Series(np.asarray(engagements, dtype=object)), errors="coerce"),
                             dtype=float)
    reach = np.asarray(pd.to_numeric(pd.Series(np.asarray(reach, dtype=object)), errors="coerce"), dtype=float)
    baseline = np.asarray(pd.to_numeric(pd.Series(np.asarray(baseline_rate, dtype=object)), errors="coerce"),
                          dtype=float)
    ok = (reach > 0) & (baseline > 0) & ~np.isnan(engagements)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = engagements / reach / baseline
    return np.where(ok, ratio, np.nan)


# ---------------------------------------------------------------------------------------------
# Orders and touches
# ---------------------------------------------------------------------------------------------

def order_keys(tracking: pd.DataFrame) -> np.ndarray:
    """An integer order key per row: equal keys are touches of one order.

    Rows without an order id (the original assignment's files) are single-touch orders.

    >>> order_keys(pd.DataFrame({"order_id": ["A", None, "A", "B"]})).tolist()
    [0, 3, 0, 1]
    """
    if "order_id" not in tracking:
        return np.arange(len(tracking))
    codes, uniques = pd.factorize(tracking["order_id"])
    missing = codes < 0
    codes = codes.astype(np.int64)
    codes[missing] = len(uniques) + np.flatnonzero(missing)
    return codes


def touch_frame(tracking: pd.DataFrame, touch_time, *, order_time=None, platform=None, engagement_ratio=None,
                timing_known=None) -> pd.DataFrame:
    """The touches frame ``credit`` reads, from tracking rows and per-row values (matched by position).

    Columns: order_key (``order_keys``), touch_time, order_time (NaT when not given), touch_type
    (tracking's, None when absent), platform (None when not given), engagement_ratio (NaN when not
    given) and timing_known (default: True where both times are known, so without ``order_time``
    no window or decay applies). Index: tracking's.

    >>> t = touch_frame(pd.DataFrame({"order_id": ["A", "A"]}), pd.to_datetime(["2026-01-01", "2026-01-02"]))
    >>> t["order_key"].tolist(), t["timing_known"].tolist()
    ([0, 0], [False, False])
    """
    n = len(tracking)

    def column(values, default):
        if values is None:
            return np.full(n, default, dtype=object if default is None else float)
        values = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
        if len(values) != n:
            raise ValueError(f"got {len(values)} values for {n} tracking rows")
        return values

    def times(values):
        if values is None:
            return np.full(n, np.datetime64("NaT", "ns"))
        return _nanoseconds(pd.Series(column(values, None))).view("datetime64[ns]")

    frame = pd.DataFrame({
        "order_key": order_keys(tracking),
        "touch_time": times(touch_time),
        "order_time": times(order_time),
        "touch_type": (tracking["touch_type"].to_numpy() if "touch_type" in tracking
                       else np.full(n, None, dtype=object)),
        "platform": column(platform, None),
        "engagement_ratio": pd.to_numeric(pd.Series(column(engagement_ratio, np.nan)), errors="coerce")
        .to_numpy(dtype=float),
    }, index=tracking.index)
    known = frame["touch_time"].notna().to_numpy() & frame["order_time"].notna().to_numpy()
    if timing_known is not None:
        known &= _bool_array(column(timing_known, None))
    frame["timing_known"] = known
    return frame


def _bool_array(values) -> np.ndarray:
    """Booleans with missing values as False."""
    values = pd.Series(values) if not isinstance(values, pd.Series) else values
    if values.dtype == bool:
        return values.to_numpy()
    return values.astype(object).where(values.notna(), False).astype(bool).to_numpy()


def _is_view_label(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() == "view"


def _per_label(values: pd.Series, label_value, missing) -> np.ndarray:
    """Apply ``label_value`` to each distinct value once (fast for few distinct labels)."""
    codes, uniques = pd.factorize(values)
    table = np.array([label_value(u) for u in uniques] + [missing])
    return table[codes]  # code -1 (missing) picks the last entry


def _nanoseconds(values: pd.Series) -> np.ndarray:
    """int64 nanoseconds since the epoch (UTC for time-zone aware values); NaT stays iNaT."""
    times = pd.to_datetime(values)
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return times.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _window_ns(days: float) -> int:
    return min(round(days * DAY_NS), np.iinfo(np.int64).max)


@dataclass(frozen=True)
class _Touches:
    """The arrays the models need, for the touches inside their window only."""

    rows: np.ndarray  # positions (in the touches frame) of the touches in the window
    group: np.ndarray  # dense order code per touch in the window
    n_groups: int
    time: np.ndarray  # touch time, int64 ns
    is_view: np.ndarray
    hours: np.ndarray  # hours from touch to order (0 when timing is unknown)


def _in_window(touches: pd.DataFrame, settings: AttributionSettings) -> _Touches:
    for name in ("order_key", "touch_time"):
        if name not in touches:
            raise ValueError(f"touches needs a {name!r} column")
    n = len(touches)
    touch_ns = _nanoseconds(touches["touch_time"])
    is_view = (_per_label(touches["touch_type"], _is_view_label, False) if "touch_type" in touches
               else np.zeros(n, dtype=bool))
    if "order_time" in touches:
        order_ns = _nanoseconds(touches["order_time"])
        known = (touch_ns != np.iinfo(np.int64).min) & (order_ns != np.iinfo(np.int64).min)
        if "timing_known" in touches:
            known &= _bool_array(touches["timing_known"])
        elapsed = np.where(known, order_ns - np.where(known, touch_ns, 0), 0)
        window = np.where(is_view, _window_ns(settings.view_window_days), _window_ns(settings.click_window_days))
        inside = ~known | ((elapsed >= 0) & (elapsed <= window))
    else:  # no order times: no window, no decay
        elapsed = np.zeros(n, dtype=np.int64)
        inside = np.ones(n, dtype=bool)
    rows = np.flatnonzero(inside)
    group, uniques = pd.factorize(touches["order_key"].to_numpy()[rows])
    if (group < 0).any():
        raise ValueError("touches has rows without an order_key (use order_keys(tracking) to build it)")
    return _Touches(rows=rows, group=group.astype(np.int64), n_groups=len(uniques), time=touch_ns[rows],
                    is_view=is_view[rows], hours=elapsed[rows] / HOUR_NS)


def _ordered(t: _Touches, clicks_first: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Touches sorted by order, then time, then touch type, then row.

    Ties on time put views before clicks (so the last touch of a tie is the click) unless
    ``clicks_first``. Returns (sort order, rank within the order, touches of the order).
    """
    n = len(t.rows)
    click_rank = t.is_view if clicks_first else ~t.is_view
    tie = click_rank.astype(np.int64) * n + np.arange(n)
    order = np.lexsort((tie, t.time, t.group))
    sizes = np.bincount(t.group, minlength=t.n_groups)
    starts = np.cumsum(sizes) - sizes  # groups are contiguous and in code order after the sort
    group_sorted = t.group[order]
    rank = np.arange(n) - starts[group_sorted]
    return order, rank, sizes[group_sorted]


def _position_weights(rank: np.ndarray, size: np.ndarray, weights: tuple[float, float, float]) -> np.ndarray:
    first, middle, last = weights
    ends = first + last
    first_of_two, last_of_two = (first / ends, last / ends) if ends > 0 else (0.5, 0.5)
    w = np.empty(len(rank))
    w[size == 1] = 1.0
    two = size == 2
    w[two] = np.where(rank[two] == 0, first_of_two, last_of_two)
    many = size >= 3
    r, k = rank[many], size[many]
    w[many] = np.where(r == 0, first, np.where(r == k - 1, last, middle / np.maximum(k - 2, 1)))
    return w


def credit(touches: pd.DataFrame, model: str = DEFAULT_MODEL,
           settings: AttributionSettings = DEFAULT_SETTINGS) -> pd.Series:
    """Credit per touch under ``model``: the share of its order's revenue the touch earns.

    ``touches`` has one row per tracking row: order_key (equal keys = one order), touch_time (post
    publication), order_time, touch_type ("view"/"click"; anything else counts as a click),
    platform, engagement_ratio (post engagement rate / influencer baseline, NaN if unknown) and
    timing_known (False: no window, timing weight 1). Only order_key and touch_time are required;
    without order_time no window or decay applies.

    Touches outside their window get 0 and take no part in the split. The credits of one order
    sum to 1 when a touch is in the window (0 otherwise), and to at most 1 for weighted_score.
    Returns a float Series named "credit" on ``touches.index``.

    >>> touches = pd.DataFrame({"order_key": [7, 7, 7],
    ...     "touch_time": pd.to_datetime(["2026-01-01", "2026-01-03", "2026-01-05"]),
    ...     "order_time": pd.to_datetime(["2026-01-05"] * 3), "touch_type": ["view", "view", "click"]})
    >>> credit(touches, "position_based").tolist()
    [0.4, 0.2, 0.4]
    >>> credit(touches, "time_decay").round(4).tolist()  # 0.25, 0.5 and 1 over 1.75
    [0.1429, 0.2857, 0.5714]
    """
    if model not in MODELS:
        raise ValueError(f"unknown attribution model {model!r}; known: {', '.join(MODELS)}")
    out = np.zeros(len(touches))
    t = _in_window(touches, settings)
    if len(t.rows):
        if model in ("last_touch", "first_touch", "position_based"):
            order, rank, size = _ordered(t, clicks_first=model == "first_touch")
            if model == "last_touch":
                w = (rank == size - 1).astype(float)
            elif model == "first_touch":
                w = (rank == 0).astype(float)
            else:
                w = _position_weights(rank, size, settings.position_weights)
            out[t.rows[order]] = w
        elif model == "linear":
            sizes = np.bincount(t.group, minlength=t.n_groups)
            out[t.rows] = 1.0 / sizes[t.group]
        elif model == "time_decay":
            # Relative to the order's latest touch, so no order's weights all underflow to 0.
            nearest = np.full(t.n_groups, np.inf)
            np.minimum.at(nearest, t.group, t.hours)
            w = np.power(0.5, (t.hours - nearest[t.group]) / settings.half_life_hours)
            out[t.rows] = w / np.bincount(t.group, weights=w, minlength=t.n_groups)[t.group]
        else:  # weighted_score
            score = _scores(touches, t, settings)
            total = np.bincount(t.group, weights=score, minlength=t.n_groups)
            out[t.rows] = score / np.maximum(total, 1.0)[t.group]
    return pd.Series(out, index=touches.index, name="credit")


def _scores(touches: pd.DataFrame, t: _Touches, settings: AttributionSettings) -> np.ndarray:
    """base × platform weight × timing weight × engagement weight of each touch in the window."""
    base = np.where(t.is_view, settings.view_base_weight, settings.click_base_weight)
    if "platform" in touches:
        platform = _per_label(touches["platform"], settings.platform_weight,
                              settings.other_platform_weight).astype(float)[t.rows]
    else:
        platform = settings.other_platform_weight
    engagement = (engagement_weight(pd.to_numeric(touches["engagement_ratio"], errors="coerce")
                                    .to_numpy(dtype=float)[t.rows], settings)
                  if "engagement_ratio" in touches else 1.0)
    return base * platform * np.power(0.5, t.hours / settings.half_life_hours) * engagement


def unattributed_share(touches: pd.DataFrame, credit: pd.Series | np.ndarray) -> pd.Series:
    """1 − Σ credit per order: the share of each order's revenue no touch earns (organic).

    Indexed by order_key (sorted); never below 0.

    >>> unattributed_share(pd.DataFrame({"order_key": [1, 1, 2]}), [0.3, 0.2, 0.0]).tolist()
    [0.5, 1.0]
    """
    values = credit.to_numpy() if isinstance(credit, pd.Series) else np.asarray(credit, dtype=float)
    if len(values) != len(touches):
        raise ValueError(f"got {len(values)} credits for {len(touches)} touches")
    total = pd.Series(values, dtype=float).groupby(touches["order_key"].to_numpy()).sum()
    share = (1.0 - total).clip(lower=0.0)
    share.index.name, share.name = "order_key", "unattributed"
    return share


# ---------------------------------------------------------------------------------------------
# Backward-compatible entry points
# ---------------------------------------------------------------------------------------------

def order_credit(tracking: pd.DataFrame, touch_time, model: str = DEFAULT_MODEL, *, order_time=None,
                 platform=None, engagement_ratio=None, timing_known=None,
                 settings: AttributionSettings = DEFAULT_SETTINGS) -> pd.Series:
    """Credit per tracking row under the named model (weights of one order sum to at most 1).

    The per-row values are matched by position (see ``touch_frame``). Without ``order_time``
    every touch counts and none decays (the behaviour before windows existed).

    >>> t = pd.DataFrame({"order_id": ["A", "A"], "touch_type": ["view", "click"]})
    >>> order_credit(t, pd.to_datetime(["2026-01-01", "2026-01-02"]), "linear").tolist()
    [0.5, 0.5]
    """
    if model not in MODELS:
        raise ValueError(f"unknown attribution model {model!r}; known: {', '.join(MODELS)}")
    touches = touch_frame(tracking, touch_time, order_time=order_time, platform=platform,
                          engagement_ratio=engagement_ratio, timing_known=timing_known)
    return credit(touches, model, settings)


def last_touch_credit(tracking: pd.DataFrame, touch_time) -> pd.Series:
    """1.0 for the latest touch of each order, 0.0 for the others (no window).

    Ties on touch time go to a click over a view, then to the later row (stable and documented).

    >>> t = pd.DataFrame({"order_id": ["A", "A", None]})
    >>> last_touch_credit(t, pd.Series(pd.to_datetime(["2026-01-02", "2026-01-01", "2026-01-01"]))).tolist()
    [1.0, 0.0, 1.0]
    """
    return order_credit(tracking, touch_time, "last_touch")
