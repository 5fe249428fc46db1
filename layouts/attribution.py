"""Attribution: every model side by side, and the assumptions every model uses (editable, stored)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from analytics.attribution import MODEL_DESCRIPTIONS, MODEL_LABELS, MODELS
from analytics.schema import PLATFORMS
from dashboard import ids
from layouts.components import chart_card, data_grid, grid_header
from layouts.components import MONEY, number_column

PERCENT = "params.value == null ? '—' : d3.format('.0%')(params.value)"

SHIFT_COLUMNS = [
    {"field": "name", "headerName": "Influencer", "pinned": "left", "minWidth": 150},
    {"field": "platform", "headerName": "Platform"},
    {"field": "tier", "headerName": "Tier"},
    *[number_column(model, MODEL_LABELS[model], MONEY) for model in MODELS],
    number_column("shift", "Moves by", MONEY, sort="desc"),
    number_column("shift_share", "of last touch", PERCENT),
]

# (setting name, label, step) for the plain number fields of AttributionSettings.
NUMBER_FIELDS = (
    ("click_window_days", "Click window (days)", 1),
    ("view_window_days", "View window (days)", 1),
    ("half_life_hours", "Decay half-life (hours)", 1),
    ("click_base_weight", "Base weight: click", 0.1),
    ("view_base_weight", "Base weight: view", 0.1),
    ("engagement_weight_min", "Engagement weight: min", 0.1),
    ("engagement_weight_max", "Engagement weight: max", 0.1),
    ("other_platform_weight", "Other platforms' weight", 0.1),
)
POSITION_LABELS = ("Position-based: first", "middle (shared)", "last")


def _number_input(label: str, setting_id: dict, step: float) -> dbc.Col:
    return dbc.Col([dbc.Label(label, class_name="filter-label"),
                    # No browser-side min/step: the server checks every value and names the field.
                    dbc.Input(id=setting_id, type="number", step="any", size="sm")], xs=6, md=3,
                   class_name="mb-2")


def assumptions_form() -> dbc.Card:
    numbers = [_number_input(label, ids.setting(name), step) for name, label, step in NUMBER_FIELDS]
    platforms = [_number_input(f"Platform weight: {p}", ids.setting(f"platform:{p}"), 0.1) for p in PLATFORMS]
    positions = [_number_input(label, ids.setting(f"position:{i}"), 0.05) for i, label in enumerate(POSITION_LABELS)]
    return dbc.Card(dbc.CardBody([
        html.H6("Attribution assumptions", className="card-title"),
        html.P("Stored with the data and used by every section. The brief's defaults: 7-day click and 14-day view "
               "windows, 48-hour half-life, platform weights YouTube 1.4, Instagram 1.0, TikTok 0.8, Twitter 0.6.",
               className="text-muted small"),
        dbc.Row(numbers + platforms + positions, class_name="g-2"),
        html.Div([
            dbc.Button("Save assumptions", id=ids.AT_SAVE, color="primary", size="sm", class_name="me-2"),
            dbc.Button("Restore the brief's defaults", id=ids.AT_DEFAULTS, color="secondary", outline=True,
                       size="sm"),
        ], className="mt-2"),
        html.Div(id=ids.AT_MESSAGE, className="mt-2 small"),
        html.Div(id=ids.AT_STATS, className="mt-3 small text-muted"),
    ]), class_name="mb-4")


def model_list() -> html.Ul:
    return html.Ul([html.Li([html.B(MODEL_LABELS[m] + ": "), MODEL_DESCRIPTIONS[m]]) for m in MODELS],
                   className="small mb-0")


def attribution_section() -> html.Div:
    return html.Div([
        html.Div([
            html.H4("Attribution models", className="mb-0"),
            html.Div(id=ids.AT_SUBTITLE, className="text-muted small"),
        ], className="section-header mb-3"),
        dbc.Row([
            dbc.Col(chart_card("Revenue and ROAS under each model", ids.AT_TOTALS, height=300), xs=12, lg=6,
                    class_name="mb-3"),
            dbc.Col(dbc.Card(dbc.CardBody([html.H6("The models", className="card-title"), model_list()]),
                            class_name="h-100"), xs=12, lg=6, class_name="mb-3"),
        ], class_name="g-3"),
        dbc.Row([
            dbc.Col(chart_card("ROAS by platform under each model", ids.AT_PLATFORM, height=300), xs=12, lg=6,
                    class_name="mb-3"),
            dbc.Col(chart_card("ROAS by tier under each model", ids.AT_TIER, height=300), xs=12, lg=6,
                    class_name="mb-3"),
        ], class_name="g-3"),
        dbc.Card(dbc.CardBody([
            grid_header("How much each influencer's credit moves between models", ids.AT_SHIFT),
            data_grid(ids.AT_SHIFT, SHIFT_COLUMNS, page_size=10, auto_height=True),
        ]), class_name="mb-3"),
        assumptions_form(),
    ], id="section-attribution")
