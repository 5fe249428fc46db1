"""Incremental ROAS Center: test vs control with its uncertainty, segments, health checks, planner."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from layouts.components import chart_card, data_grid, grid_header
from layouts.components import COUNT, MONEY, RATIO, number_column

PERCENT = "params.value == null ? '—' : d3.format('+.1%')(params.value)"
P_VALUE = "params.value == null ? '—' : (params.value < 0.001 ? '< 0.001' : d3.format('.3f')(params.value))"

SEGMENT_COLUMNS = [
    {"field": "segment", "headerName": "Segment", "pinned": "left", "minWidth": 140},
    number_column("n_test", "Test posts", COUNT),
    number_column("n_control", "Control posts", COUNT),
    number_column("abs_lift", "Lift / post", MONEY),
    number_column("rel_lift", "Relative lift", PERCENT),
    number_column("iroas", "iROAS", RATIO),
    number_column("p_value", "p", P_VALUE),
    number_column("p_adjusted", "p (BH-adjusted)", P_VALUE),
    {"field": "verdict", "headerName": "Reading", "minWidth": 260, "wrapText": True, "autoHeight": True,
     "cellStyle": {"lineHeight": "1.4", "paddingTop": "6px", "paddingBottom": "6px"}},
]

SEGMENT_OPTIONS = [{"label": label, "value": value} for label, value in (
    ("Tier", "tier"), ("Platform", "platform"), ("Brand", "brand"), ("Category", "category"),
    ("Product", "product"))]

HOW_COMPUTED = [
    html.P(["Each post is randomised before launch to ", html.B("test"), " (promoted, about 80%) or ",
            html.B("control"), " (promotion withheld from its audience cell, about 20%). What a control post's "
            "cell buys within the attribution window is the organic baseline."]),
    html.P(["The unit of analysis is the post, the unit of randomisation, with zero-revenue posts included. "
            "The estimand is the ", html.B("average incremental revenue per test post"),
            ": Δ = mean revenue of test posts − mean revenue of control posts. Group sums and per-order "
            "means are never compared."]),
    html.Ul([
        html.Li("Absolute lift: Welch's unequal-variance t; CI = Δ ± t(1−α/2, ν)·SE."),
        html.Li("Relative lift Δ / control mean: delta method; when the control mean is too close to 0 "
                "(Fieller's g ≥ 1) it is reported as not estimable."),
        html.Li("Incremental revenue = n_test·Δ; iROAS = n_test·Δ / test spend, with the CI scaled the same way."),
        html.Li("Segments: the same comparison within each segment, p-values adjusted for the number of segments "
                "(Benjamini–Hochberg); segments with fewer than 10 posts per group are not tested."),
        html.Li("Sample ratio: a chi-square test of the test/control split against the planned 20% control share."),
        html.Li("CUPED: revenue adjusted by a pre-campaign covariate (followers × baseline conversion rate), "
                "which narrows the interval without changing what is estimated."),
        html.Li("A p-value is the chance of a difference at least this large if promotion had no effect; "
                "it is not the probability that the lift is real, and (1 − p) is not a confidence."),
    ]),
]


def _lift_card(title: str, value_id: str) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(title, className="kpi-title"),
        html.Div("—", id=value_id, className="kpi-value"),
        html.Div(id=f"{value_id}-ci", className="kpi-line text-muted"),
    ]), class_name="kpi-card h-100"), xs=6, xl=3, class_name="mb-3")


def planner_card() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H6("Power and minimum detectable effect", className="card-title"),
        html.P("Plan the next test with the revenue spread of the selected posts.", className="text-muted small"),
        dbc.Row([
            dbc.Col([dbc.Label("Control share (%)", html_for=ids.INC_PLAN_SHARE, class_name="filter-label"),
                     dbc.Input(id=ids.INC_PLAN_SHARE, type="number", min=5, max=50, step=1, value=20,
                               debounce=True)], xs=4),
            dbc.Col([dbc.Label("Posts in the test", html_for=ids.INC_PLAN_UNITS, class_name="filter-label"),
                     dbc.Input(id=ids.INC_PLAN_UNITS, type="number", min=10, step=10, value=300, debounce=True)],
                    xs=4),
            dbc.Col([dbc.Label("Target lift (%)", html_for=ids.INC_PLAN_TARGET, class_name="filter-label"),
                     dbc.Input(id=ids.INC_PLAN_TARGET, type="number", min=1, step=1, value=20, debounce=True)],
                    xs=4),
        ], class_name="g-2 mb-2"),
        html.Div(id=ids.INC_PLAN_ANSWER, className="planner-answer"),
    ]), class_name="h-100")


def incrementality_section() -> html.Div:
    return html.Div([
        html.Div([
            html.H4("Incremental ROAS Center", className="mb-0"),
            html.Div(id=ids.INC_SUBTITLE, className="text-muted small"),
        ], className="section-header mb-3"),
        html.Div(id=ids.INC_ALERTS),
        dbc.Row([_lift_card("Lift per test post", ids.INC_ABS), _lift_card("Relative lift", ids.INC_REL),
                 _lift_card("iROAS", ids.INC_IROAS), _lift_card("Incremental revenue", ids.INC_REVENUE)],
                class_name="g-3"),
        dbc.Alert(id=ids.INC_READING, color="light", class_name="reading mb-3"),
        dbc.Row([
            dbc.Col(chart_card("Revenue per post: test vs control", ids.INC_MEANS, height=300), xs=12, lg=5,
                    class_name="mb-3"),
            dbc.Col(chart_card("Attributed ROAS vs incremental ROAS by tier", ids.INC_TIERS, height=300), xs=12,
                    lg=7, class_name="mb-3"),
        ], class_name="g-3"),
        dbc.Card(dbc.CardBody([
            grid_header("Lift by segment", ids.INC_SEGMENTS, extra=dbc.RadioItems(
                id=ids.INC_SEGMENT_BY, options=SEGMENT_OPTIONS, value="tier", inline=True, class_name="small")),
            dcc.Loading(dcc.Graph(id=ids.INC_FOREST, config={"displaylogo": False, "displayModeBar": "hover"},
                                  style={"height": "360px"}), type="dot", delay_show=300),
            data_grid(ids.INC_SEGMENTS, SEGMENT_COLUMNS, page_size=10, auto_height=True),
        ]), class_name="mb-3"),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H6("Health checks", className="card-title"),
                html.Div(id=ids.INC_HEALTH),
            ]), class_name="h-100"), xs=12, lg=6, class_name="mb-3"),
            dbc.Col(planner_card(), xs=12, lg=6, class_name="mb-3"),
        ], class_name="g-3"),
        dbc.Accordion(dbc.AccordionItem(HOW_COMPUTED, title="How this is computed"), start_collapsed=True,
                      class_name="mb-4"),
    ], id="section-incrementality")
