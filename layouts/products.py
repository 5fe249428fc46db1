"""Product Performance Hub: ranking and score, categories, price–performance, margins, launches, best sellers."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from analytics.products import SCORE_FORMULA
from dashboard import ids
from layouts.components import chart_card, data_grid, grid_header
from layouts.components import COUNT, MONEY, RATIO, number_column

SHARE = "params.value == null ? '—' : d3.format('.1%')(params.value)"
SCORE = "params.value == null ? '—' : d3.format('.3f')(params.value)"

PRODUCT_COLUMNS = [
    {"field": "rank", "headerName": "#", "minWidth": 60, "maxWidth": 70, "type": "rightAligned"},
    {"field": "product", "headerName": "Product", "pinned": "left", "minWidth": 170},
    {"field": "brand", "headerName": "Brand"},
    {"field": "category", "headerName": "Category"},
    number_column("score", "Score", SCORE, sort="desc"),
    number_column("price", "Price", MONEY),
    {"field": "margin_band", "headerName": "Margin band"},
    number_column("revenue", "Revenue", MONEY),
    number_column("spend", "Spend", MONEY),
    number_column("roas", "ROAS", RATIO),
    number_column("profit_roas", "Profit ROAS", RATIO),
    number_column("profit", "Profit", MONEY),
    number_column("orders", "Orders", COUNT),
    number_column("share_of_revenue", "Share", SHARE),
]

BEST_INFLUENCER_COLUMNS = [
    {"field": "name", "headerName": "Influencer", "pinned": "left", "minWidth": 150},
    {"field": "platform", "headerName": "Platform"},
    {"field": "tier", "headerName": "Tier"},
    number_column("revenue", "Revenue", MONEY, sort="desc"),
    number_column("orders", "Orders", COUNT),
    number_column("spend", "Spend", MONEY),
    number_column("roas", "ROAS", RATIO),
]


def products_section() -> html.Div:
    return html.Div([
        html.Div([
            html.H4("Product Performance Hub", className="mb-0"),
            html.Div(id=ids.PR_SUBTITLE, className="text-muted small"),
        ], className="section-header mb-3"),
        dbc.Card(dbc.CardBody([
            grid_header("Product ranking", ids.PR_RANKING),
            html.P(SCORE_FORMULA, className="text-muted small"),
            data_grid(ids.PR_RANKING, PRODUCT_COLUMNS, page_size=10, auto_height=True),
        ]), class_name="mb-3"),
        dbc.Row([
            dbc.Col(chart_card("Categories: revenue, spend and ROAS", ids.PR_CATEGORIES, height=320), xs=12, lg=6,
                    class_name="mb-3"),
            dbc.Col(chart_card("Price vs performance", ids.PR_PRICE, height=320, controls=dbc.RadioItems(
                id=ids.PR_PRICE_Y, value="revenue", inline=True, class_name="small",
                options=[{"label": "Revenue", "value": "revenue"}, {"label": "ROAS", "value": "roas"}])),
                xs=12, lg=6, class_name="mb-3"),
        ], class_name="g-3"),
        dbc.Row([
            dbc.Col(chart_card("Margin bands: revenue ROAS vs profit ROAS", ids.PR_BANDS, height=300), xs=12, lg=6,
                    class_name="mb-3"),
            dbc.Col(dbc.Card(dbc.CardBody([
                html.Div([
                    html.H6("New launches vs established products", className="card-title mb-0"),
                    html.Div([dbc.Label("New = first promoted within", html_for=ids.PR_LAUNCH_DAYS,
                                        class_name="small me-2 mb-0"),
                              dbc.Input(id=ids.PR_LAUNCH_DAYS, type="number", min=1, max=365, value=60, size="sm",
                                        debounce=True, style={"width": "80px"}),
                              html.Span("days", className="small ms-2")], className="d-flex align-items-center"),
                ], className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-2"),
                html.Div(id=ids.PR_LAUNCH),
            ]), class_name="h-100"), xs=12, lg=6, class_name="mb-3"),
        ], class_name="g-3"),
        dbc.Card(dbc.CardBody([
            grid_header("Who sells it best", ids.PR_BEST, extra=dcc.Dropdown(
                id=ids.PR_PRODUCT, clearable=False, placeholder="Choose a product", style={"minWidth": "280px"})),
            data_grid(ids.PR_BEST, BEST_INFLUENCER_COLUMNS, page_size=10, auto_height=True),
        ]), class_name="mb-4"),
    ], id="section-products")
