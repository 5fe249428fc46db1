"""Campaign Overview: filter store → KPI cards, breakdown charts, trend, top influencers."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from analytics.lift_report import LiftReport
from analytics.overview import KpiDelta, Overview
from callbacks import figures
from callbacks import format as fmt
from dashboard import ids
from layouts.components import kpi_card

# (KPI key, card title, value formatter, True when higher is better)
KPI_CARDS = (
    ("revenue", "Revenue", fmt.money, True),
    ("spend", "Spend", fmt.money, None),
    ("roas", "ROAS", fmt.ratio, True),
    ("orders", "Orders", fmt.count, True),
    ("aov", "AOV", fmt.money, True),
    ("profit", "Profit", fmt.money, True),
)
KPI_HINTS = {
    "revenue": "Attributed revenue under the selected attribution model, each order counted once",
    "spend": "Influencer payouts allocated to the filtered posts",
    "roas": "Revenue ÷ spend over the whole selection",
    "orders": "Attributed orders",
    "aov": "Revenue ÷ orders",
    "profit": "Gross profit on attributed revenue minus influencer spend; ROI = profit ÷ spend",
}
GRID_FIELDS = ("influencer_id", "name", "platform", "tier", "follower_count", "revenue", "spend", "roas",
               "orders", "aov", "profit")


def _tone(change: float | None, higher_is_better: bool | None) -> str:
    if change is None or higher_is_better is None or change == 0:
        return "text-muted"
    return "text-success" if (change > 0) == higher_is_better else "text-danger"


def delta_lines(key: str, delta: KpiDelta, higher_is_better: bool | None) -> list:
    """The small lines under a KPI: change vs the previous period (when it has data) and vs target."""
    lines = []
    if delta.change is not None:
        arrow = "▲" if delta.change > 0 else "▼" if delta.change < 0 else "■"
        lines.append((f"{arrow} {fmt.percent(delta.change, signed=True)} vs previous period",
                      _tone(delta.change, higher_is_better)))
    elif delta.previous is not None:
        lines.append(("— vs previous period (was 0)", "text-muted"))
    if delta.target is not None:
        shown = fmt.ratio(delta.target) if key == "roas" else fmt.money(delta.target) if key in (
            "revenue", "spend", "aov", "profit") else fmt.count(delta.target)
        if delta.vs_target is None:
            lines.append((f"Target {shown}", "text-muted"))
        else:
            word = "above" if delta.vs_target >= 0 else "below"
            lines.append((f"{fmt.percent(abs(delta.vs_target))} {word} target {shown}",
                          _tone(delta.vs_target, higher_is_better if higher_is_better is not None else False)))
    return lines


def kpi_cards(overview: Overview) -> dbc.Row:
    cards = []
    for key, title, formatter, better in KPI_CARDS:
        delta = overview.kpis[key]
        lines = delta_lines(key, delta, better)
        if key == "profit":
            lines.append((f"ROI {fmt.percent(overview.kpis['roi'].value)}", "text-muted"))
        cards.append(dbc.Col(kpi_card(title, formatter(delta.value), ids.kpi(key), lines, KPI_HINTS[key]),
                             xs=6, md=4, xl=2, class_name="mb-3"))
    return dbc.Row(cards, class_name="g-3")


def grid_rows(overview: Overview) -> list[dict]:
    return fmt.grid_records(overview.top_influencers, GRID_FIELDS)


def period_text(overview: Overview, attribution: str = "revenue by last-touch attribution") -> str:
    if not overview.period:
        return "No data for these filters"
    scope = f"{fmt.count(overview.influencers)} influencers · {fmt.count(overview.posts)} posts"
    compared = (f"changes vs {fmt.period(overview.previous_period)}" if overview.previous_period
                else overview.comparison_note or "no earlier data to compare with")
    return f"{fmt.period(overview.period)} · {scope} · {compared} · {attribution}"


def render_overview(overview: Overview, target_roas: float | None, granularity: str = "D",
                    attribution: str = "revenue by last-touch attribution") -> tuple:
    """Every output of the Overview for one computed Overview."""
    breakdowns = tuple(figures.breakdown_figure(overview.breakdowns[name], name, target_roas)
                       for name in ("brand", "platform", "tier"))
    title = f"Top {len(overview.top_influencers)} influencers by revenue" if len(overview.top_influencers) else \
        "Top influencers: no data for these filters"
    return (period_text(overview, attribution), kpi_cards(overview), *breakdowns,
            figures.trend_figure(overview.trend, granularity), grid_rows(overview), title)


def lift_strip(report: LiftReport, search: str | None = "") -> dbc.Alert:
    """One line on the Overview: the measured incremental lift with its CI, or why there is none."""
    link = dcc.Link("Incremental ROAS Center →", href="/incrementality" + (search or ""), className="ms-2")
    if report.n_units == 0:
        return dbc.Alert([html.B("Incremental lift: "), "no posts under these filters."], color="secondary",
                         class_name="py-2 mb-0 small")
    if not report.has_control:
        return dbc.Alert([html.B("Incremental lift: not measured. "), report.warnings[0], link],
                         color="secondary", class_name="py-2 mb-0 small")
    c, r, level = report.overall.comparison, report.overall, report.confidence
    if c.rel_lift is None or c.abs_lift_ci is None:
        return dbc.Alert([html.B("Incremental lift: "), c.message, link], color="secondary",
                         class_name="py-2 mb-0 small")
    per_post = (f"{fmt.money(c.abs_lift)} per test post ({level} CI {fmt.money(c.abs_lift_ci[0])} to "
                f"{fmt.money(c.abs_lift_ci[1])})")
    rel = fmt.percent(c.rel_lift, signed=True)
    rel_ci = (f" ({level} CI {fmt.percent(c.rel_lift_ci[0], signed=True)} to "
              f"{fmt.percent(c.rel_lift_ci[1], signed=True)})" if c.rel_lift_ci else " (CI not estimable)")
    iroas = (f" · iROAS {fmt.ratio(r.iroas)} ({level} CI {fmt.ratio(r.iroas_ci[0])} to {fmt.ratio(r.iroas_ci[1])})"
             if r.iroas is not None and r.iroas_ci else "")
    excludes_zero = c.abs_lift_ci[0] > 0 or c.abs_lift_ci[1] < 0
    verdict = ("the interval of the lift per post excludes zero" if excludes_zero
               else "the interval of the lift per post includes zero: no effect is not ruled out")
    return dbc.Alert([
        html.B(f"Incremental lift {per_post}"), f", {rel} relative{rel_ci}", iroas,
        f" · {fmt.count(c.n_test)} test vs {fmt.count(c.n_control)} control posts, p = {c.p_value:.3g}; {verdict}.",
        link,
    ], color="success" if excludes_zero and c.abs_lift > 0 else "light", class_name="py-2 mb-0 small")


def register(app, service) -> None:
    @app.callback(Output(ids.OV_LIFT, "children"), Input(ids.FILTERS, "data"), State(ids.URL, "search"))
    def _lift(filters, search):
        return lift_strip(service.lift(service.clean(filters)), search)

    @app.callback(
        Output(ids.OV_PERIOD, "children"), Output(ids.OV_KPIS, "children"),
        Output(ids.OV_BY_BRAND, "figure"), Output(ids.OV_BY_PLATFORM, "figure"), Output(ids.OV_BY_TIER, "figure"),
        Output(ids.OV_TREND, "figure"), Output(ids.OV_TOP, "rowData"), Output(ids.OV_TOP_TITLE, "children"),
        Input(ids.FILTERS, "data"), Input(ids.OV_GRANULARITY, "value"),
    )
    def _refresh(filters, granularity):
        granularity = granularity if granularity in ("D", "W") else "D"
        spec = service.clean(filters)
        overview = service.overview(spec, granularity)
        attribution = fmt.attribution(spec.model, service.attribution_settings())
        return render_overview(overview, service.config.targets.get("roas"), granularity, attribution)
