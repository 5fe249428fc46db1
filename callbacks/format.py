"""How numbers read on screen: rupees in lakh/crore, ratios as 3.2x, changes as +12.3%."""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

DASH = "—"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def indian_grouping(number: int) -> str:
    """12,34,567 style grouping.

    >>> indian_grouping(1234567)
    '12,34,567'
    """
    sign, text = ("-" if number < 0 else ""), str(abs(int(number)))
    if len(text) <= 3:
        return sign + text
    head, tail = text[:-3], text[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return sign + ",".join(groups) + "," + tail


def money(value) -> str:
    """Rupees: ₹45,120 below a lakh, then ₹12.35 L, then ₹1.23 Cr.

    >>> money(45120.4), money(1234567), money(123456789)
    ('₹45,120', '₹12.35 L', '₹12.35 Cr')
    """
    if _missing(value):
        return DASH
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount >= 1e7:
        return f"{sign}₹{amount / 1e7:,.2f} Cr"
    if amount >= 1e5:
        return f"{sign}₹{amount / 1e5:.2f} L"
    return f"{sign}₹{indian_grouping(round(amount))}"


def ratio(value) -> str:
    """ROAS-style multiple: 3.24x."""
    return DASH if _missing(value) else f"{value:.2f}x"


def count(value) -> str:
    return DASH if _missing(value) else indian_grouping(round(value))


def percent(value, signed: bool = False) -> str:
    if _missing(value):
        return DASH
    return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"


def day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%-d %b %Y")


def period(days: tuple[str, str] | None) -> str:
    if not days:
        return ""
    return f"{day(days[0])} – {day(days[1])}"


def attribution(model: str, settings) -> str:
    """Which model and windows revenue figures use: an assumption, labelled where it is used."""
    from analytics.attribution import MODEL_LABELS

    return (f"revenue by {MODEL_LABELS.get(model, model).lower()} attribution ({settings.click_window_days:g}-day "
            f"click / {settings.view_window_days:g}-day view windows)")


def grid_records(table: pd.DataFrame, fields) -> list[dict]:
    """Rows for AG Grid: plain Python values, None for missing or infinite numbers."""
    out = table.reindex(columns=list(fields)).astype(object)
    out = out.where(out.notna(), None)
    records = out.to_dict("records")
    for row in records:
        for key, value in row.items():
            if isinstance(value, (float, np.floating)):
                row[key] = None if not np.isfinite(value) else round(float(value), 4)
            elif isinstance(value, np.integer):
                row[key] = int(value)
    return records
