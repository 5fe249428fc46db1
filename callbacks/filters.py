"""Filter bar ⇄ filter store ⇄ URL query string.

One callback owns the three so they never disagree: the URL wins on page load (a copied link
reopens the same view), the controls win when the user changes them, reset clears all. Every
value is cleaned on the server against what the data has.
"""
from __future__ import annotations

from dash import Input, Output, ctx

from analytics.attribution import DEFAULT_MODEL, MODEL_LABELS
from analytics.filters import FilterSpec, KnownValues, clean_spec, parse_query
from callbacks import format as fmt
from dashboard import ids

CONTROL_OUTPUTS = (
    (ids.F_BRAND, "value"), (ids.F_PLATFORM, "value"), (ids.F_TIER, "value"), (ids.F_CATEGORY, "value"),
    (ids.F_PRICE, "value"), (ids.F_MIN_ROAS, "value"), (ids.F_DATES, "start_date"), (ids.F_DATES, "end_date"),
    (ids.F_MODEL, "value"),
)


def controls_to_raw(brand, platform, tier, category, price, min_roas, start, end, model=None) -> dict:
    """What the controls say, as raw filter values."""
    price = price or [None, None]
    return {"brand": brand or [], "platform": platform or [], "tier": tier or [], "category": category or [],
            "price_min": price[0], "price_max": price[1], "min_roas": min_roas, "start": start, "end": end,
            "model": model}


def spec_to_controls(spec: FilterSpec, known: KnownValues) -> tuple:
    price = [spec.price_min if spec.price_min is not None else known.price_min,
             spec.price_max if spec.price_max is not None else known.price_max]
    return (list(spec.brand), list(spec.platform), list(spec.tier), list(spec.category), price, spec.min_roas,
            spec.start, spec.end, spec.model)


def describe(spec: FilterSpec) -> str:
    """One line saying what is filtered, for the bar's summary."""
    parts = [", ".join(getattr(spec, name)) for name in ("brand", "platform", "tier", "category")
             if getattr(spec, name)]
    if spec.price_min is not None or spec.price_max is not None:
        low = fmt.money(spec.price_min) if spec.price_min is not None else "any"
        high = fmt.money(spec.price_max) if spec.price_max is not None else "any"
        parts.append(f"price {low} – {high}")
    if spec.min_roas is not None:
        parts.append(f"influencer ROAS ≥ {spec.min_roas:g}x")
    if spec.start or spec.end:
        parts.append(f"{fmt.day(spec.start) if spec.start else 'start'} – {fmt.day(spec.end) if spec.end else 'end'}")
    if spec.model != DEFAULT_MODEL:
        parts.append(f"{MODEL_LABELS[spec.model].lower()} attribution")
    return "Showing: " + ("; ".join(parts) if parts else "all data")


def sync_filters(trigger: str | None, search: str | None, controls: tuple, known: KnownValues):
    """(control values, filter store data, URL search, summary) after a change from `trigger`."""
    if trigger == ids.F_RESET:
        spec = FilterSpec()
    elif trigger in (None, ids.URL):
        spec = clean_spec(parse_query(search), known)
    else:
        spec = clean_spec(controls_to_raw(*controls), known)
    return (*spec_to_controls(spec, known), spec.to_dict(), spec.to_query(), describe(spec))


def register(app, service) -> None:
    @app.callback(
        *[Output(cid, prop) for cid, prop in CONTROL_OUTPUTS],
        Output(ids.FILTERS, "data"), Output(ids.URL, "search"), Output(ids.F_SUMMARY, "children"),
        Input(ids.URL, "search"),
        *[Input(cid, prop) for cid, prop in CONTROL_OUTPUTS],
        Input(ids.F_RESET, "n_clicks"),
    )
    def _sync(search, *controls_and_reset):
        return sync_filters(ctx.triggered_id, search, controls_and_reset[:-1], service.known())
