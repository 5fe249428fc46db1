"""Campaign Overview section: KPI cards, breakdowns, trend and top influencers."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from layouts.components import COUNT, MONEY, RATIO, chart_card, data_grid, grid_header, number_column

TOP_INFLUENCER_COLUMNS = [
    {"field": "name", "headerName": "Influencer", "pinned": "left", "minWidth": 150},
    {"field": "platform", "headerName": "Platform"},
    {"field": "tier", "headerName": "Tier"},
    number_column("follower_count", "Followers", COUNT),
    number_column("revenue", "Revenue", MONEY, sort="desc"),
    number_column("spend", "Spend", MONEY),
    number_column("roas", "ROAS", RATIO),
    number_column("orders", "Orders", COUNT),
    number_column("aov", "AOV", MONEY),
    number_column("profit", "Profit", MONEY),
]


def granularity_switch() -> html.Div:
    return html.Div(dbc.RadioItems(
        id=ids.OV_GRANULARITY, value="D", class_name="btn-group",
        input_class_name="btn-check", label_class_name="btn btn-sm btn-outline-primary",
        label_checked_class_name="active",
        options=[{"label": "Daily", "value": "D"}, {"label": "Weekly", "value": "W"}],
    ), className="radio-group")


def overview_section() -> html.Div:
    return html.Div([
        html.Div([
            html.H4("Campaign Overview", className="mb-0"),
            html.Div(id=ids.OV_PERIOD, className="text-muted small"),
        ], className="section-header mb-3"),
        html.Div(id=ids.OV_KPIS, className="mb-2"),
        html.Div(id=ids.OV_LIFT, className="lift-strip mb-3"),
        dbc.Row([
            dbc.Col(chart_card("By brand", ids.OV_BY_BRAND, height=280), xs=12, lg=4, class_name="mb-3"),
            dbc.Col(chart_card("By platform", ids.OV_BY_PLATFORM, height=280), xs=12, lg=4, class_name="mb-3"),
            dbc.Col(chart_card("By tier", ids.OV_BY_TIER, height=280), xs=12, lg=4, class_name="mb-3"),
        ], class_name="g-3"),
        dbc.Row(dbc.Col(chart_card("Revenue, spend and ROAS over time", ids.OV_TREND,
                                   controls=granularity_switch(), height=340), class_name="mb-3")),
        dbc.Card(dbc.CardBody([
            grid_header("", ids.OV_TOP, title_id=ids.OV_TOP_TITLE),
            data_grid(ids.OV_TOP, TOP_INFLUENCER_COLUMNS),
        ]), class_name="mb-3"),
        html.Div(dbc.Button("Download the performance summary (Excel)", id=ids.OV_WORKBOOK, color="primary",
                            outline=True), className="mb-4"),
    ], id="section-overview")
