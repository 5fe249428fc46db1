"""Configuration, read once from environment variables into a frozen object.

Every setting has a default, so `make run` works with no environment at all.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_TARGETS = {"roas": 3.0}
TARGET_KEYS = ("revenue", "spend", "roas", "orders", "aov", "profit", "roi")


def parse_targets(text: str) -> dict[str, float]:
    """Parse "roas=3,aov=1500" into {"roas": 3.0, "aov": 1500.0}; unknown keys are an error.

    >>> parse_targets("roas=2.5, orders=1000")
    {'roas': 2.5, 'orders': 1000.0}
    """
    targets: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        key = key.strip().lower()
        if key not in TARGET_KEYS:
            raise ValueError(f"TARGETS: unknown KPI {key!r}; use one of {', '.join(TARGET_KEYS)}")
        try:
            targets[key] = float(value)
        except ValueError:
            raise ValueError(f"TARGETS: {part!r} is not KPI=number") from None
    return targets


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
            import_snapshots=int(env.get("IMPORT_SNAPSHOTS", "3")),
        )

    def with_changes(self, **changes) -> "Config":
        return replace(self, **changes)
