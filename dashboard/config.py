"""Configuration, read once from environment variables into a frozen object.

Every setting has a default, so `make run` works with no environment at all.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_TARGETS = {"roas": 3.0}
TARGET_KEYS = ("revenue", "spend", "roas", "orders", "aov", "profit", "roi")


def parse_pairs(text: str, allowed: tuple[str, ...], variable: str, what: str) -> dict[str, float]:
    """"a=1, b=2" → {"a": 1.0, "b": 2.0} for keys in `allowed`; errors name the variable.

    >>> parse_pairs("roas=2.5, orders=1000", TARGET_KEYS, "TARGETS", "KPI")
    {'roas': 2.5, 'orders': 1000.0}
    """
    pairs: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        key = key.strip().lower()
        if key not in allowed:
            raise ValueError(f"{variable}: unknown {what} {key!r}; use one of {', '.join(allowed)}")
        try:
            pairs[key] = float(value)
        except ValueError:
            raise ValueError(f"{variable}: {part!r} is not {what}=number") from None
    return pairs


def parse_targets(text: str) -> dict[str, float]:
    """Parse "roas=3,aov=1500" into {"roas": 3.0, "aov": 1500.0}; unknown keys are an error."""
    return parse_pairs(text, TARGET_KEYS, "TARGETS", "KPI")


def parse_margin_bands(text: str) -> tuple[float, float]:
    """"0.5,0.3" → (0.5, 0.3): margins above the first are high, below the second low.

    >>> parse_margin_bands("0.45, 0.25")
    (0.45, 0.25)
    """
    try:
        high, low = (float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"MARGIN_BANDS: {text!r} is not 'high,low' (e.g. 0.5,0.3)") from None
    if not 0 <= low <= high <= 1:
        raise ValueError(f"MARGIN_BANDS: need 0 <= low <= high <= 1, got high {high}, low {low}")
    return high, low


def parse_seasonality(text: str) -> dict[str, float]:
    """"q1=0.25,q2=0.15" → uplift per quarter (missing quarters 0).

    >>> parse_seasonality("q1=0.3")
    {'q1': 0.3, 'q2': 0.0, 'q3': 0.0, 'q4': 0.0}
    """
    quarters = ("q1", "q2", "q3", "q4")
    return {**dict.fromkeys(quarters, 0.0), **parse_pairs(text, quarters, "SEASONALITY", "quarter")}


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'dashboard.sqlite').resolve()}"


@dataclass(frozen=True)
class Config:
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    # flask-caching backend: SimpleCache (one process), FileSystemCache (gunicorn workers), RedisCache.
    cache_type: str = "SimpleCache"
    cache_dir: str | None = None
    cache_redis_url: str | None = None
    cache_timeout: int = 3600
    # Targets the KPI cards compare against (e.g. target ROAS).
    targets: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    # Statistics assumptions (shown in the UI where used).
    alpha: float = 0.05  # significance level; intervals are (1 − alpha) confidence intervals
    control_share: float = 0.2  # planned share of posts held out as control
    organic_share: float = 0.2  # assumed organic share of revenue, used only when there is no control group
    # Product margin bands (high above, low below) and seasonal uplifts per quarter for forecasts.
    margin_bands: tuple[float, float] = (0.5, 0.3)
    seasonality: dict[str, float] = field(default_factory=lambda: {"q1": 0.25, "q2": 0.15, "q3": 0.0, "q4": 0.0})
    # Data management: largest upload accepted, and how many earlier datasets an import keeps to restore.
    max_upload_bytes: int = 64 * 1024 * 1024
    import_snapshots: int = 3
    # How many influencers the Overview's top-influencer grid lists.
    top_influencers: int = 100
    title: str = "Influencer ROI Dashboard"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Config":
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("DATA_DIR", "data"))
        targets = parse_targets(env["TARGETS"]) if "TARGETS" in env else dict(DEFAULT_TARGETS)
        return cls(
            database_url=env.get("DATABASE_URL") or default_database_url(data_dir),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "8050")),
            debug=env.get("DASH_DEBUG", "").lower() in {"1", "true", "yes"},
            cache_type=env.get("CACHE_TYPE", "SimpleCache"),
            cache_dir=env.get("CACHE_DIR"),
            cache_redis_url=env.get("CACHE_REDIS_URL"),
            cache_timeout=int(env.get("CACHE_TIMEOUT", "3600")),
            targets=targets,
            max_upload_bytes=int(float(env.get("MAX_UPLOAD_MB", "64")) * 1024 * 1024),
            margin_bands=parse_margin_bands(env["MARGIN_BANDS"]) if "MARGIN_BANDS" in env else (0.5, 0.3),
            seasonality=parse_seasonality(env["SEASONALITY"]) if "SEASONALITY" in env else
            {"q1": 0.25, "q2": 0.15, "q3": 0.0, "q4": 0.0},
            import_snapshots=int(env.get("IMPORT_SNAPSHOTS", "3")),
        )

    def with_changes(self, **changes) -> "Config":
        return replace(self, **changes)
