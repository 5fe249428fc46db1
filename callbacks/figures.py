"""Figure builders (graph_objects: fast enough for hot callbacks), one template for all."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layouts.theme import MUTED, REVENUE, ROAS, SPEND, TARGET, TEMPLATE_NAME

NO_DATA = "No data for these filters"


def empty_figure(message: str = NO_DATA) -> go.Figure:
    """A blank chart that says why it is blank."""
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME))
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=14, color=MUTED))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _roas_axis(fig: go.Figure, values, quantile: float = 1.0) -> None:
    """Second y axis for ROAS; `quantile` < 1 lets rare spikes run off the top instead of flattening the line."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    # A round top leaves room for the point labels and gives readable ticks.
    peak = float(np.quantile(finite, quantile)) if finite.size else 1.0
    top = max(1.0, math.ceil(peak * 1.25 * 2) / 2)
    fig.update_layout(yaxis2=dict(title=None, overlaying="y", side="right", showgrid=False, range=[0, top],
                                  ticksuffix="x", tickmode="auto", nticks=5))


def breakdown_figure(table: pd.DataFrame, dimension: str, target_roas: float | None = None) -> go.Figure:
    """Revenue and spend bars per group with ROAS as points on a second axis."""
    if table.empty or (table["revenue"].sum() == 0 and table["spend"].sum() == 0):
        return empty_figure()
    labels = table[dimension].astype(str)
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, barmode="group", bargap=0.25))
    fig.add_bar(x=labels, y=table["revenue"], name="Revenue", marker_color=REVENUE,
                hovertemplate="%{x}<br>Revenue ₹%{y:,.0f}<extra></extra>")
    fig.add_bar(x=labels, y=table["spend"], name="Spend", marker_color=SPEND,
                hovertemplate="%{x}<br>Spend ₹%{y:,.0f}<extra></extra>")
    fig.add_scatter(x=labels, y=table["roas"], name="ROAS", yaxis="y2", mode="markers+text",
                    marker=dict(color=ROAS, size=11, symbol="diamond"), text=[
                        "" if not np.isfinite(v) else f"{v:.1f}x" for v in table["roas"]],
                    textposition="top center", textfont=dict(color=ROAS, size=11),
                    hovertemplate="%{x}<br>ROAS %{y:.2f}x<extra></extra>")
    _roas_axis(fig, list(table["roas"]) + ([target_roas] if target_roas else []))
    if target_roas:
        # A line across the whole chart (also with a single bar), named in the legend by an empty trace
        # (an annotation would collide with the bars).
        fig.add_hline(y=target_roas, yref="y2", line=dict(color=TARGET, dash="dot", width=1.5))
        fig.add_scatter(x=[None], y=[None], yaxis="y2", mode="lines", name=f"Target {target_roas:g}x",
                        line=dict(color=TARGET, dash="dot", width=1.5), hoverinfo="skip")
    fig.update_layout(yaxis=dict(tickprefix="₹", tickformat="~s", title=None), margin=dict(t=28))
    return fig


def trend_figure(table: pd.DataFrame, granularity: str = "D") -> go.Figure:
    """Revenue and spend over time with ROAS on a second axis."""
    if table.empty:
        return empty_figure()
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, hovermode="x unified"))
    fig.add_bar(x=table["period"], y=table["spend"], name="Spend", marker_color=SPEND,
                hovertemplate="Spend ₹%{y:,.0f}<extra></extra>")
    fig.add_scatter(x=table["period"], y=table["revenue"], name="Revenue", mode="lines",
                    line=dict(color=REVENUE, width=2), hovertemplate="Revenue ₹%{y:,.0f}<extra></extra>")
    label = "ROAS (weekly)" if granularity == "W" else "ROAS (7-day rolling)"
    fig.add_scatter(x=table["period"], y=table["roas"], name=label, yaxis="y2", mode="lines",
                    line=dict(color=ROAS, width=1.5, dash="dot"), hovertemplate="ROAS %{y:.2f}x<extra></extra>",
                    connectgaps=False)
    _roas_axis(fig, table["roas"], quantile=0.95)
    fig.update_layout(yaxis=dict(tickprefix="₹", tickformat="~s"),
                      xaxis=dict(hoverformat="%-d %b %Y" if granularity == "D" else "Week of %-d %b %Y"))
    return fig


def _error_bars(values, lows, highs) -> dict:
    plus = [None if h is None or v is None else h - v for v, h in zip(values, highs)]
    minus = [None if lo is None or v is None else v - lo for v, lo in zip(values, lows)]
    return dict(type="data", symmetric=False, array=plus, arrayminus=minus, color=MUTED, thickness=1.5, width=6)


def group_means_figure(table: pd.DataFrame, confidence: str) -> go.Figure:
    """Mean revenue per post, control and test, with each mean's confidence interval."""
    if table.empty or table["mean"].isna().all():
        return empty_figure()
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, showlegend=False, bargap=0.45))
    fig.add_bar(x=table["group"], y=table["mean"], marker_color=[SPEND, REVENUE],
                error_y=_error_bars(table["mean"], table["low"], table["high"]),
                customdata=table["n"],
                hovertemplate=f"%{{x}}: ₹%{{y:,.0f}} per post<br>n = %{{customdata}}<br>{confidence} CI shown"
                              "<extra></extra>")
    fig.update_layout(yaxis=dict(tickprefix="₹", tickformat="~s", title=f"Revenue per post ({confidence} CI)"))
    return fig


def tier_incrementality_figure(table: pd.DataFrame, confidence: str) -> go.Figure:
    """Attributed ROAS beside incremental ROAS (with CI) per tier."""
    if table.empty:
        return empty_figure("No control group in this selection")
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, barmode="group", bargap=0.3))
    fig.add_bar(x=table["tier"], y=table["attributed_roas"], name="Attributed ROAS", marker_color=SPEND,
                hovertemplate="%{x}: attributed ROAS %{y:.2f}x<extra></extra>")
    ratio = ["" if r is None else f"{r:.0%} incremental" for r in table["incrementality_ratio"]]
    fig.add_bar(x=table["tier"], y=table["iroas"], name=f"iROAS ({confidence} CI)", marker_color=REVENUE,
                error_y=_error_bars(table["iroas"], table["iroas_low"], table["iroas_high"]),
                text=ratio, textposition="outside", cliponaxis=False,
                hovertemplate="%{x}: iROAS %{y:.2f}x<extra></extra>")
    fig.add_hline(y=0, line=dict(color=MUTED, width=1))
    fig.update_layout(yaxis=dict(ticksuffix="x", title=None))
    return fig


def forest_figure(table: pd.DataFrame, dimension: str) -> go.Figure:
    """Lift per post by segment with its CI; filled when significant after BH adjustment."""
    tested = table[table["abs_lift"].notna()] if not table.empty else table
    if tested.empty:
        return empty_figure("No segment has both test and control posts")
    tested = tested.iloc[::-1]  # first segment on top
    labels = [f"{s} (n={t}/{c}{'' if p is not None else ', not tested'})" for s, t, c, p in
              zip(tested[dimension], tested["n_test"], tested["n_control"], tested["p_adjusted"])]
    colors = [REVENUE if sig else MUTED for sig in tested["significant"]]
    symbols = ["circle" if sig else "circle-open" for sig in tested["significant"]]
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, showlegend=False))
    fig.add_scatter(
        x=tested["abs_lift"], y=labels, mode="markers",
        marker=dict(color=colors, symbol=symbols, size=11, line=dict(width=2, color=colors)),
        error_x=_error_bars(tested["abs_lift"], tested["abs_lift_low"], tested["abs_lift_high"]),
        hovertemplate="%{y}<br>lift ₹%{x:,.0f} per post<extra></extra>")
    fig.add_vline(x=0, line=dict(color=TARGET, dash="dot", width=1))
    fig.update_layout(xaxis=dict(tickprefix="₹", tickformat="~s",
                                 title="Incremental revenue per test post, each segment's own 95% CI · "
                                       "filled: significant after adjusting for the number of segments (BH)"),
                      margin=dict(l=8))
    return fig


def category_figure(table: pd.DataFrame) -> go.Figure:
    """Revenue and spend per category with ROAS on a second axis."""
    if table.empty:
        return empty_figure()
    return breakdown_figure(table.sort_values("revenue", ascending=False), "category")


BAND_COLORS = {"High": "#198754", "Medium": "#fd7e14", "Low": "#dc3545", "Unknown": "#adb5bd"}


def band_figure(table: pd.DataFrame) -> go.Figure:
    """Revenue ROAS beside profit ROAS per margin band."""
    if table.empty:
        return empty_figure()
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, barmode="group", bargap=0.3))
    fig.add_bar(x=table["margin_band"], y=table["roas"], name="Revenue ROAS", marker_color=REVENUE,
                hovertemplate="%{x} margin: revenue ROAS %{y:.2f}x<extra></extra>")
    fig.add_bar(x=table["margin_band"], y=table["profit_roas"], name="Profit ROAS (profit ÷ spend)",
                marker_color=ROAS, hovertemplate="%{x} margin: profit ROAS %{y:.2f}x<extra></extra>")
    fig.add_hline(y=0, line=dict(color=MUTED, width=1))
    fig.update_layout(yaxis=dict(ticksuffix="x"))
    return fig


def price_figure(table: pd.DataFrame, y: str = "revenue") -> go.Figure:
    """Price (x) vs revenue or ROAS (y) per product; bubble size = orders, colour = margin band."""
    if table.empty:
        return empty_figure()
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME))
    peak = float(table["orders"].max()) or 1.0
    for band, part in table.groupby("margin_band", sort=False):
        fig.add_scatter(
            x=part["price"], y=part[y], mode="markers", name=f"{band} margin",
            marker=dict(size=(12 + 38 * np.sqrt(part["orders"].clip(lower=0) / peak)).tolist(),
                        color=BAND_COLORS.get(band, MUTED), opacity=0.75, line=dict(width=1, color="white")),
            text=part["product"], customdata=part["orders"],
            hovertemplate="%{text}<br>price ₹%{x:,.0f}<br>" + ("revenue ₹%{y:,.0f}" if y == "revenue" else
                                                             "ROAS %{y:.2f}x") + "<br>%{customdata:,.0f} orders"
                          "<extra></extra>")
    fig.update_layout(xaxis=dict(title="Price (₹)", tickprefix="₹"), legend=dict(y=-0.28),
                      yaxis=dict(tickprefix="₹", tickformat="~s") if y == "revenue" else dict(ticksuffix="x"))
    return fig


def model_totals_figure(table: pd.DataFrame, labels: dict) -> go.Figure:
    """Revenue per attribution model (bars) with its ROAS (points, second axis)."""
    if table.empty or table["revenue"].sum() == 0:
        return empty_figure()
    names = [labels.get(m, m) for m in table["model"]]
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, showlegend=False))  # the title names both series
    fig.add_bar(x=names, y=table["revenue"], name="Revenue", marker_color=REVENUE,
                hovertemplate="%{x}<br>Revenue ₹%{y:,.0f}<extra></extra>")
    fig.add_scatter(x=names, y=table["roas"], name="ROAS", yaxis="y2", mode="markers+text",
                    marker=dict(color=ROAS, size=11, symbol="diamond"),
                    text=["" if not np.isfinite(v) else f"{v:.2f}x" for v in table["roas"]],
                    textposition="top center", textfont=dict(color=ROAS, size=11),
                    hovertemplate="%{x}<br>ROAS %{y:.2f}x<extra></extra>")
    _roas_axis(fig, table["roas"])
    fig.update_layout(yaxis=dict(tickprefix="₹", tickformat="~s"))
    return fig


def model_roas_figure(table: pd.DataFrame, dimension: str, labels: dict) -> go.Figure:
    """ROAS per group, one bar per attribution model."""
    if table.empty:
        return empty_figure()
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, barmode="group", bargap=0.2))
    for model, part in table.groupby("model", sort=False):
        fig.add_bar(x=part[dimension], y=part["roas"], name=labels.get(model, model),
                    hovertemplate="%{x}<br>" + labels.get(model, model) + " ROAS %{y:.2f}x<extra></extra>")
    fig.update_layout(yaxis=dict(ticksuffix="x"))
    return fig


def tier_bootstrap_figure(table: pd.DataFrame, level: str) -> go.Figure:
    """ROAS per tier with its bootstrap interval (no bar when a tier is too small for one)."""
    if table.empty:
        return empty_figure()
    lows = [None if not np.isfinite(v) else v for v in table["ci_low"]]
    highs = [None if not np.isfinite(v) else v for v in table["ci_high"]]
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, showlegend=False, bargap=0.45))
    fig.add_bar(x=table["tier"], y=table["roas"], marker_color=REVENUE,
                error_y=_error_bars(table["roas"], lows, highs), customdata=table["influencers"],
                hovertemplate=f"%{{x}}: ROAS %{{y:.2f}}x<br>%{{customdata}} influencers<br>{level} bootstrap CI"
                              "<extra></extra>")
    fig.update_layout(yaxis=dict(ticksuffix="x", title=f"ROAS ({level} CI)"))
    return fig


def forecast_figure(result, metric: str) -> go.Figure:
    """History, the forecast and its 80% and 95% prediction intervals."""
    if result is None:
        return empty_figure()
    if not result.ok:
        return empty_figure(result.message)
    money = metric in ("revenue", "spend")
    fmt_y = "₹%{y:,.0f}" if money else ("%{y:.2f}x" if metric == "roas" else "%{y:,.0f}")
    history, ahead = result.history, result.forecast
    fig = go.Figure(layout=dict(template=TEMPLATE_NAME, hovermode="x unified"))
    fig.add_scatter(x=history["period"], y=history["actual"], name="Actual", mode="lines",
                    line=dict(color=REVENUE, width=1.8), hovertemplate=f"Actual {fmt_y}<extra></extra>")
    for level, opacity in (("95", 0.15), ("80", 0.3)):
        fig.add_scatter(x=list(ahead["period"]) + list(ahead["period"][::-1]),
                        y=list(ahead[f"hi{level}"]) + list(ahead[f"lo{level}"][::-1]), fill="toself", mode="lines",
                        fillcolor=f"rgba(253,126,20,{opacity})", line=dict(width=0), name=f"{level}% interval",
                        hoverinfo="skip")
    fig.add_scatter(x=ahead["period"], y=ahead["mean"], name="Forecast", mode="lines",
                    line=dict(color=ROAS, width=2, dash="dash"), hovertemplate=f"Forecast {fmt_y}<extra></extra>")
    fig.update_layout(yaxis=dict(tickprefix="₹", tickformat="~s") if money else
                      dict(ticksuffix="x") if metric == "roas" else dict(tickformat="~s"))
    return fig
