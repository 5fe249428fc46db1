"""Advanced Analytics: brands, platform efficiency, tiers with uncertainty, time series with forecasts."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from layouts.components import chart_card, data_grid, grid_header
from layouts.components import COUNT, MONEY, RATIO, number_column

PERCENT = "params.value == null ? '—' : d3.format('.2%')(params.value)"
MONEY_CENTS = ("params.value == null ? '—' : (params.value < 0 ? '−₹' : '₹') + "
               "d3.format(',.2f')(Math.abs(params.value))")

BRAND_COLUMNS = [
    {"field": "brand", "headerName": "Brand", "pinned": "left", "minWidth": 130},
    number_column("revenue", "Revenue", MONEY, sort="desc"),
    number_column("spend", "Spend", MONEY),
    number_column("roas", "ROAS", RATIO),
    number_column("profit", "Profit", MONEY),
    number_column("iroas", "iROAS", RATIO),
    {"field": "iroas_ci", "headerName": "iROAS 95% CI", "minWidth": 150},
    {"field": "note", "headerName": "Note", "minWidth": 200, "wrapText": True, "autoHeight": True},
]

PLATFORM_COLUMNS = [
    {"field": "platform", "headerName": "Platform", "pinned": "left", "minWidth": 120},
    number_column("posts", "Posts", COUNT),
    number_column("revenue_per_post", "Revenue / post", MONEY),
    number_column("spend_per_post", "Spend / post", MONEY),
    number_column("roas", "ROAS", RATIO, sort="desc"),
    number_column("engagement_rate", "Engagement rate", PERCENT),
    number_column("cpe", "CPE", MONEY_CENTS),
    number_column("cpm", "CPM", MONEY_CENTS),
]

METRICS = [{"label": "Revenue", "value": "revenue"}, {"label": "Spend", "value": "spend"},
           {"label": "Orders", "value": "orders"}, {"label": "ROAS", "value": "roas"}]


def forecast_controls() -> html.Div:
    return html.Div([
        dcc.Dropdown(id=ids.AD_METRIC, options=METRICS, value="revenue", clearable=False, searchable=False,
                     style={"width": "130px"}),
        dbc.RadioItems(id=ids.AD_GRANULARITY, value="W", inline=True, class_name="small",
                       options=[{"label": "Daily", "value": "D"}, {"label": "Weekly", "value": "W"}]),
        dbc.Checklist(id=ids.AD_SEASONALITY, value=[], switch=True, class_name="small",
                      options=[{"label": "Apply seasonality assumptions", "value": "on"}]),
    ], className="d-flex align-items-center flex-wrap gap-3")


def advanced_section() -> html.Div:
    return html.Div([
        html.Div([
            html.H4("Advanced analytics", className="mb-0"),
            html.Div(id=ids.AD_SUBTITLE, className="text-muted small"),
        ], className="section-header mb-3"),
        dbc.Card(dbc.CardBody([
            grid_header("Brands side by side", ids.AD_BRANDS),
            data_grid(ids.AD_BRANDS, BRAND_COLUMNS, auto_height=True),
        ]), class_name="mb-3"),
        dbc.Card(dbc.CardBody([
            grid_header("Platform efficiency", ids.AD_PLATFORMS),
            data_grid(ids.AD_PLATFORMS, PLATFORM_COLUMNS, auto_height=True),
        ]), class_name="mb-3"),
        dbc.Row([
            dbc.Col(chart_card("ROAS by tier with its bootstrap interval", ids.AD_TIERS, height=300), xs=12, lg=7,
                    class_name="mb-3"),
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H6("Does micro beat mega?", className="card-title"),
                html.Div(id=ids.AD_TIER_TEXT, className="small"),
            ]), class_name="h-100"), xs=12, lg=5, class_name="mb-3"),
        ], class_name="g-3"),
        dbc.Card(dbc.CardBody([
            html.Div([html.H6("Trend and forecast", className="card-title mb-0"), forecast_controls()],
                     className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-2"),
            dcc.Loading(dcc.Graph(id=ids.AD_FORECAST, config={"displaylogo": False, "displayModeBar": "hover"},
                                  style={"height": "380px"}), type="dot", delay_show=300),
            html.Div(id=ids.AD_FORECAST_TEXT, className="small text-muted"),
        ]), class_name="mb-4"),
    ], id="section-advanced")
