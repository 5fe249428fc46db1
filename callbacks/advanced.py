"""Advanced Analytics: filter store → brands, platforms, tiers with bootstrap CIs, forecast."""
from __future__ import annotations

import pandas as pd
from dash import Input, Output, html

from callbacks import figures
from callbacks import format as fmt
from callbacks.format import grid_records
from dashboard import ids


def brand_rows(table: pd.DataFrame, level: str) -> list[dict]:
    rows = grid_records(table, ["brand", "revenue", "spend", "roas", "profit", "iroas", "iroas_low", "iroas_high",
                                "warning"])
    for row in rows:
        low, high = row.pop("iroas_low"), row.pop("iroas_high")
        row["iroas_ci"] = f"{fmt.ratio(low)} to {fmt.ratio(high)}" if low is not None and high is not None else "—"
        warning = row.pop("warning") or ""
        row["note"] = warning or ("" if row["iroas"] is not None else "no control group for this brand")
    return rows


def tier_text(difference, tiers_result) -> list:
    lines = [html.P(difference.sentence)]
    small = tiers_result.table[tiers_result.table["status"] != "ok"]["tier"].tolist()
    if small:
        lines.append(html.P(f"Too few influencers with spend for an interval: {', '.join(small)}.",
                            className="text-muted"))
    lines.append(html.P(tiers_result.method, className="text-muted mb-0"))
    return lines


def forecast_text(result) -> str:
    if result is None:
        return "No data for these filters."
    if not result.ok:
        return result.message
    parts = [result.method]
    if result.backtest is not None and result.backtest.mape is not None:
        coverage = result.backtest.coverage.get(0.95)
        parts.append(f"Backtest on the last {result.backtest.holdout_periods} held-out periods: MAPE "
                     f"{fmt.percent(result.backtest.mape)}"
                     + (f", {fmt.percent(coverage)} of actuals inside the 95% interval" if coverage is not None
                        else "") + ".")
    if result.applied_adjustments:
        parts.append(f"Assumption applied: {result.applied_adjustments}")
    return " ".join(parts)


def register(app, service) -> None:
    @app.callback(
        Output(ids.AD_SUBTITLE, "children"), Output(ids.AD_BRANDS, "rowData"), Output(ids.AD_PLATFORMS, "rowData"),
        Output(ids.AD_TIERS, "figure"), Output(ids.AD_TIER_TEXT, "children"),
        Input(ids.FILTERS, "data"),
    )
    def _refresh(filters):
        spec = service.clean(filters)
        level = f"{(1 - service.config.alpha) * 100:g}%"
        tiers_result, difference = service.tier_uncertainty(spec)
        platforms = grid_records(service.platforms(spec), ["platform", "posts", "revenue_per_post",
                                                           "spend_per_post", "roas", "engagement_rate", "cpe",
                                                           "cpm"])
        attribution = fmt.attribution(spec.model, service.attribution_settings())
        subtitle = f"Brands, platforms and tiers under the selected filters · {attribution}"
        return (subtitle, brand_rows(service.brands(spec), level), platforms,
                figures.tier_bootstrap_figure(tiers_result.table, level), tier_text(difference, tiers_result))

    @app.callback(
        Output(ids.AD_FORECAST, "figure"), Output(ids.AD_FORECAST_TEXT, "children"),
        Input(ids.FILTERS, "data"), Input(ids.AD_METRIC, "value"), Input(ids.AD_GRANULARITY, "value"),
        Input(ids.AD_SEASONALITY, "value"),
    )
    def _forecast(filters, metric, granularity, seasonal):
        metric = metric if metric in ("revenue", "spend", "orders", "roas") else "revenue"
        granularity = granularity if granularity in ("D", "W") else "W"
        result = service.forecast(service.clean(filters), metric, granularity, bool(seasonal))
        return figures.forecast_figure(result, metric), forecast_text(result)
