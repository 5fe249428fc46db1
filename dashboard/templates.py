"""Upload templates: per entity a CSV and an XLSX with every schema column and two example rows.

Columns come from ``analytics.schema`` (minimal columns first, then the extended ones, each group
in schema order). The first example row is the schema's ``example`` values; the second is derived
from it (ids and numbered texts incremented, the next allowed value, dates a day later, counts
scaled) with a few coherent overrides (the second row promotes another brand's product), and then
made consistent the way the importer checks it (tier from followers, payout total from its terms).
The four templates together import cleanly. The XLSX also has a "Data dictionary" sheet.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics.schema import ENTITIES, TIER_THRESHOLDS, Column, Entity, tier_from_followers
from dashboard.exports import to_csv_bytes, to_xlsx_bytes

__all__ = ["data_dictionary", "example_rows", "template_columns", "template_csv", "template_filename",
           "template_xlsx"]

# Second-row values that must belong together (another brand's product, its price and margin ...).
_SECOND_ROW = {
    ("influencers", "name"): "Diya Patel",
    ("influencers", "category"): "Health",
    ("influencers", "gender"): "F",
    ("posts", "caption"): "Morning routine with my multivitamin",
    ("posts", "url"): "https://youtube.example/watch/P000002",
    ("posts", "product_price"): 599.0,
    ("posts", "product_margin"): 0.62,
    ("tracking_data", "campaign"): "HKVitals_May",
    ("tracking_data", "orders"): 1,
    ("tracking_data", "revenue"): 1198.0,
    ("payouts", "rate"): 150.0,
    ("payouts", "orders"): 12,
    ("payouts", "cost_per_order"): 150.0,
    ("payouts", "performance_bonus"): 0.0,
    "brand": "HKVitals",
    "product": "Multivitamin",
    "product_category": "Vitamins",
}
_MARGIN_OF_SECOND_PRODUCT = 0.62


def _entity(entity: str | Entity) -> Entity:
    if isinstance(entity, Entity):
        return entity
    from dashboard.importer import entity_name

    return ENTITIES[entity_name(entity)]


def template_columns(entity: str | Entity) -> list[Column]:
    """The entity's columns, minimal ones first (schema order within each group).

    >>> [c.name for c in template_columns("payouts")][:6]
    ['influencer_id', 'basis', 'rate', 'orders', 'total_payout', 'payout_id']
    """
    columns = _entity(entity).columns
    return [c for c in columns if c.minimal] + [c for c in columns if not c.minimal]


def _next_number(text: str) -> str:
    """'INF0001' → 'INF0002', 'https://x/p/P000001' → 'https://x/p/P000002' (width kept)."""
    match = re.search(r"(\d+)(\D*)$", text)
    if not match:
        return text
    digits = match.group(1)
    return text[:match.start(1)] + str(int(digits) + 1).zfill(len(digits)) + match.group(2)


def _second_value(entity: Entity, column: Column):
    for key in ((entity.name, column.name), column.name):
        if key in _SECOND_ROW:
            return _SECOND_ROW[key]
    value = column.example
    if value is None:
        return None
    if column.allowed:
        return column.allowed[(column.allowed.index(value) + 1) % len(column.allowed)]
    if column.kind == "date":
        return str((pd.Timestamp(value) + pd.Timedelta(days=1)).date())
    if column.kind == "datetime":
        return str(pd.Timestamp(value) + pd.Timedelta(days=1, hours=-5, minutes=-15))
    if column.kind == "int":
        return 1 - int(value) if column.max == 1 else int(round(value * 2.5))
    if column.kind == "float":
        return round(value * 0.7, 3) if column.max == 1 else round(value * 0.5, 2)
    return _next_number(str(value))


def example_rows(entity: str | Entity) -> pd.DataFrame:
    """Two plausible example rows with every column, in template column order.

    >>> example_rows("influencers")[["influencer_id", "follower_count", "tier"]].to_dict("list")
    {'influencer_id': ['INF0001', 'INF0002'], 'follower_count': [48000, 120000], 'tier': ['Micro', 'Macro']}
    """
    from dashboard.importer import expected_payout

    entity = _entity(entity)
    columns = template_columns(entity)
    rows = {c.name: [c.example, _second_value(entity, c)] for c in columns}
    if "tier" in rows and "follower_count" in rows:
        rows["tier"] = [str(t) for t in tier_from_followers(rows["follower_count"], TIER_THRESHOLDS)]
    if entity.name == "tracking_data":
        rows["profit"][1] = round(rows["revenue"][1] * _MARGIN_OF_SECOND_PRODUCT, 2)
    if entity.name == "payouts":
        rows["tier"][1] = "Macro"  # INF0002's tier in the influencers template
        posts_covered = [1 if p else np.nan for p in rows["post_id"]]
        totals = expected_payout(rows["basis"], rows["rate"], rows["orders"], posts_covered, rows["cost_per_order"],
                                 rows["performance_bonus"])
        rows["total_payout"] = [round(float(t), 2) for t in totals]
    return pd.DataFrame(rows)[[c.name for c in columns]]


def _range_text(column: Column) -> str:
    if column.allowed:
        return ", ".join(column.allowed)
    if column.kind == "date":
        return "date: YYYY-MM-DD (also DD/MM/YYYY, 5 Mar 2026)"
    if column.kind == "datetime":
        return "date and time: YYYY-MM-DD HH:MM[:SS] (also DD/MM/YYYY HH:MM)"
    if column.min is not None and column.max is not None:
        share = column.kind == "float" and column.max == 1
        return f"{column.min:g} to {column.max:g}" + (" (12% or 12 also read as 0.12)" if share else "")
    if column.min is not None:
        return f"≥ {column.min:g}" + (" (₹, Rs. and 1,29,999 accepted)" if column.kind == "float" else "")
    return ""


def data_dictionary(entity: str | Entity) -> pd.DataFrame:
    """One row per column: column, type, required, in minimal file, allowed values/range, description, example."""
    entity = _entity(entity)
    generated = entity.name != "influencers"
    rows = []
    for column in template_columns(entity):
        if column.nullable:
            required = "no"
        elif column.name == entity.key and generated:
            required = "yes (generated from the row when the column is absent)"
        else:
            required = "yes"
        rows.append({"column": column.name, "type": {"str": "text", "int": "whole number", "float": "number",
                                                      "date": "date", "datetime": "date and time"}[column.kind],
                     "required": required, "in minimal file": "yes" if column.minimal else "no",
                     "allowed values / range": _range_text(column), "description": column.description,
                     "example": "" if column.example is None else str(column.example)})
    return pd.DataFrame(rows)


def template_csv(entity: str | Entity) -> bytes:
    """The CSV template (UTF-8 with BOM, so Excel shows ₹ and names correctly)."""
    return to_csv_bytes(example_rows(entity))


def template_xlsx(entity: str | Entity) -> bytes:
    """The XLSX template: a sheet named after the entity with the example rows, and a "Data dictionary"."""
    entity = _entity(entity)
    rows = example_rows(entity)
    for column in template_columns(entity):
        if column.kind in ("date", "datetime"):  # real Excel dates, not text
            rows[column.name] = pd.to_datetime(rows[column.name])
    return to_xlsx_bytes({entity.name: rows, "Data dictionary": data_dictionary(entity)})


def template_filename(entity: str | Entity, ext: str = "csv") -> str:
    """'posts_template.csv': a name the importer recognises as the entity."""
    return f"{_entity(entity).name}_template.{ext.lstrip('.')}"
