"""Downloads built on the server: every grid's full filtered content as CSV or Excel, and the
performance summary workbook. Text cells are neutralised against spreadsheet formulas."""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.io as pio
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, no_update

from analytics.lift_report import SEGMENT_DIMENSIONS
from callbacks.filters import describe
from dashboard import ids
from dashboard.exports import export_filename, to_csv_bytes, to_xlsx_bytes


def _segments(service, spec) -> pd.DataFrame:
    tables = [service.segments(spec, d).rename(columns={d: "segment"}).assign(dimension=d)
              for d in SEGMENT_DIMENSIONS]
    table = pd.concat(tables, ignore_index=True)
    return table[["dimension", "segment", *[c for c in table.columns if c not in ("dimension", "segment")]]]


# grid id -> (section name for the file, the grid's full content under the filters)
GRID_TABLES = {
    ids.OV_TOP: ("overview-influencers", lambda service, spec: service.influencer_table(spec)),
    ids.PR_RANKING: ("products-ranking", lambda service, spec: service.products(spec)["table"].sort_values(
        "score", ascending=False)),
    ids.PR_BEST: ("products-influencers", lambda service, spec: service.product_influencers(spec)),
    ids.INC_SEGMENTS: ("incrementality-segments", _segments),
    ids.AT_SHIFT: ("attribution-credit-shift", lambda service, spec: service.model_comparison(spec)["shift"]),
    ids.AD_BRANDS: ("advanced-brands", lambda service, spec: service.brands(spec)),
    ids.AD_PLATFORMS: ("advanced-platforms", lambda service, spec: service.platforms(spec)),
}


def grid_download(service, grid: str, fmt: str, spec) -> dict:
    """dcc.Download data for one grid's full content."""
    section, table_of = GRID_TABLES[grid]
    table = table_of(service, spec).reset_index(drop=True)
    name = export_filename(section, describe(spec).removeprefix("Showing: "), date.today(), fmt)
    if fmt == "xlsx":
        return dcc.send_bytes(to_xlsx_bytes({section[:31]: table}), name)
    return dcc.send_bytes(to_csv_bytes(table), name)


def summary_workbook(service, spec) -> bytes:
    """KPIs, breakdowns, top performers, product ranking and incrementality with CIs, one sheet each."""
    overview = service.overview(spec)
    kpis = pd.DataFrame([{"kpi": key, "value": d.value, "previous_period": d.previous, "change": d.change,
                          "target": d.target, "vs_target": d.vs_target} for key, d in overview.kpis.items()])
    sheets = {"KPIs": kpis}
    for name, table in overview.breakdowns.items():
        sheets[f"By {name}"] = table
    sheets["Top influencers"] = overview.top_influencers
    sheets["Products"] = service.products(spec)["table"].sort_values("score", ascending=False)
    report = service.lift(spec)
    if report.has_control:
        c, r = report.overall.comparison, report.overall
        sheets["Incrementality"] = pd.DataFrame([{
            "confidence_level": 1 - report.alpha, "n_test": c.n_test, "n_control": c.n_control,
            "test_mean": c.test_mean, "control_mean": c.control_mean, "abs_lift": c.abs_lift,
            "abs_lift_low": (c.abs_lift_ci or (None, None))[0], "abs_lift_high": (c.abs_lift_ci or (None, None))[1],
            "rel_lift": c.rel_lift, "rel_lift_low": (c.rel_lift_ci or (None, None))[0],
            "rel_lift_high": (c.rel_lift_ci or (None, None))[1], "p_value": c.p_value,
            "incremental_revenue": r.incremental_revenue, "iroas": r.iroas,
            "iroas_low": (r.iroas_ci or (None, None))[0], "iroas_high": (r.iroas_ci or (None, None))[1],
            "attributed_roas": r.attributed_roas, "method": c.method}])
        sheets["Lift by segment"] = _segments(service, spec)
    else:
        sheets["Incrementality"] = pd.DataFrame([{"note": " ".join(report.warnings)}])
    filters = pd.DataFrame([{"filter": k, "value": ", ".join(v) if isinstance(v, list) else v}
                            for k, v in spec.to_dict().items()])
    sheets["Filters"] = filters
    return to_xlsx_bytes(sheets)


def chart_html(payload: dict) -> dict | None:
    """dcc.Download data: a standalone, interactive HTML file of the chart (plotly.js inside, so it
    opens with no network)."""
    if not payload or not isinstance(payload.get("figure"), dict):
        return None
    html = pio.to_html(payload["figure"], include_plotlyjs=True, full_html=True, validate=False,
                       config={"displaylogo": False})
    name = "".join(c for c in str(payload.get("name") or "chart") if c.isalnum() or c in "-_.")[:150]
    return dcc.send_string(html, f"{name}.html")


def register(app, service) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="charts", function_name="download"),
        Output(ids.CHART_EXPORT, "data"),
        Input({"type": ids.CHART_DOWNLOAD, "graph": ALL, "fmt": ALL}, "n_clicks"),
        State(ids.F_SUMMARY, "children"),
        prevent_initial_call=True,
    )

    @app.callback(Output(ids.DOWNLOAD, "data", allow_duplicate=True), Input(ids.CHART_EXPORT, "data"),
                  prevent_initial_call=True)
    def _chart_html(payload):
        return chart_html(payload) or no_update

    @app.callback(Output(ids.DOWNLOAD, "data", allow_duplicate=True),
                  Input({"type": ids.EXPORT, "grid": ALL, "fmt": ALL}, "n_clicks"),
                  State(ids.FILTERS, "data"), prevent_initial_call=True)
    def _export(clicks, filters):
        trigger = ctx.triggered_id
        if not trigger or not any(clicks or []) or not ctx.triggered[0]["value"]:
            return no_update  # buttons appearing with a new section are not clicks
        return grid_download(service, trigger["grid"], trigger["fmt"], service.clean(filters))

    @app.callback(Output(ids.DOWNLOAD, "data", allow_duplicate=True), Input(ids.OV_WORKBOOK, "n_clicks"),
                  State(ids.FILTERS, "data"), prevent_initial_call=True)
    def _workbook(clicks, filters):
        if not clicks:
            return no_update
        spec = service.clean(filters)
        name = export_filename("performance-summary", describe(spec).removeprefix("Showing: "), date.today(),
                               "xlsx")
        return dcc.send_bytes(summary_workbook(service, spec), name)
