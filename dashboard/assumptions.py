"""Assumptions users can edit, stored in the database (meta table) beside the data.

Saving new assumptions does not touch the data or its data_version; the data service puts the
assumptions' key into every cache key, so results under old assumptions are never served.
"""
from __future__ import annotations

import json

from sqlalchemy.engine import Engine

from analytics.attribution import AttributionSettings
from dashboard import store

ATTRIBUTION_KEY = "attribution_settings"


def load_attribution_settings(engine: Engine) -> AttributionSettings:
    """Stored attribution settings; the brief's defaults when none (or unreadable ones) are stored."""
    text = store.get_meta(engine, ATTRIBUTION_KEY)
    if not text:
        return AttributionSettings()
    try:
        return AttributionSettings.from_dict(json.loads(text))
    except (ValueError, TypeError):
        return AttributionSettings()


def save_attribution_settings(engine: Engine, settings: AttributionSettings) -> None:
    store.create_schema(engine)
    with engine.begin() as conn:
        store._set_meta(conn, ATTRIBUTION_KEY, json.dumps(settings.to_dict(), sort_keys=True))
