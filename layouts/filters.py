"""The filter bar every section shares. Options come from the data (KnownValues)."""
from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from analytics.attribution import DEFAULT_MODEL, MODEL_LABELS, MODELS
from analytics.filters import KnownValues
from dashboard import ids


def _multi(label: str, component_id: str, options: tuple[str, ...], placeholder: str) -> dbc.Col:
    return dbc.Col([
        dbc.Label(label, html_for=component_id, class_name="filter-label"),
        dcc.Dropdown(id=component_id, options=[{"label": o, "value": o} for o in options], value=[], multi=True,
                     placeholder=placeholder, clearable=True, persistence=False),
    ], xs=12, sm=6, lg=3, class_name="mb-2")


def price_marks(known: KnownValues) -> dict:
    return {int(v): f"₹{int(v):,}" for v in (known.price_min, known.price_max) if v is not None}


def _list_filters(known: KnownValues) -> dbc.Row:
    return dbc.Row([
        _multi("Brand", ids.F_BRAND, known.brand, "All brands"),
        _multi("Platform", ids.F_PLATFORM, known.platform, "All platforms"),
        _multi("Tier", ids.F_TIER, known.tier, "All tiers"),
        _multi("Category", ids.F_CATEGORY, known.category, "All categories"),
    ], class_name="g-2")


def _range_filters(known: KnownValues) -> dbc.Row:
    low = known.price_min if known.price_min is not None else 0
    high = known.price_max if known.price_max is not None else 0
    return dbc.Row([
        dbc.Col([
            dbc.Label("Product price (₹)", html_for=ids.F_PRICE, class_name="filter-label"),
            dcc.RangeSlider(id=ids.F_PRICE, min=low, max=high, value=[low, high], step=1,
                            marks=price_marks(known), allowCross=False,
                            tooltip={"placement": "bottom", "always_visible": False}),
        ], xs=12, md=6, lg=3, class_name="mb-2"),
        dbc.Col([
            dbc.Label("Minimum influencer ROAS", html_for=ids.F_MIN_ROAS, class_name="filter-label"),
            # step "any": with a step of 0.1 the browser drops 2.75 as invalid and sends nothing.
            dbc.Input(id=ids.F_MIN_ROAS, type="number", min=0, step="any", placeholder="Any", debounce=True),
        ], xs=6, md=3, lg=2, class_name="mb-2"),
        dbc.Col([
            dbc.Label("Dates", html_for=ids.F_DATES, class_name="filter-label"),
            html.Div(dcc.DatePickerRange(
                id=ids.F_DATES, min_date_allowed=known.first_day, max_date_allowed=known.last_day,
                initial_visible_month=known.last_day, display_format="D MMM YYYY",
                start_date_placeholder_text=_nice(known.first_day),
                end_date_placeholder_text=_nice(known.last_day), clearable=True,
                number_of_months_shown=1, minimum_nights=0,
            ), className="date-picker"),
        ], xs=12, md=6, lg=3, class_name="mb-2"),
        dbc.Col([
            dbc.Label("Attribution model", html_for=ids.F_MODEL, class_name="filter-label"),
            dcc.Dropdown(id=ids.F_MODEL, options=[{"label": MODEL_LABELS[m], "value": m} for m in MODELS],
                         value=DEFAULT_MODEL, clearable=False, searchable=False),
        ], xs=6, md=3, lg=2, class_name="mb-2"),
        dbc.Col([
            dbc.Label("\u00a0", class_name="filter-label d-none d-lg-block"),
            dbc.Button("Reset filters", id=ids.F_RESET, color="secondary", outline=True, class_name="w-100"),
        ], xs=6, md=3, lg=2, class_name="mb-2"),
    ], class_name="g-2 align-items-start")


def filter_bar(known: KnownValues) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        # On a phone the filters fold away behind this button; on wider screens they are always shown.
        dbc.Button("Filters ▾", id=ids.F_TOGGLE, color="primary", outline=True, size="sm",
                   class_name="d-md-none mb-2 filter-toggle"),
        html.Div([_list_filters(known), _range_filters(known)], id=ids.F_BODY, className="filter-body"),
        html.Div(id=ids.F_SUMMARY, className="filter-summary text-muted small"),
    ]), class_name="filter-bar mb-3")


def _nice(day: str | None) -> str:
    return date.fromisoformat(day).strftime("%-d %b %Y") if day else ""
