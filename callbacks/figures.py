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
        # A line across the groups, named in the legend (an annotation would collide with the bars).
        fig.add_scatter(x=labels, y=[target_roas] * len(labels), yaxis="y2", mode="lines",
                        name=f"Target {target_roas:g}x", line=dict(color=TARGET, dash="dot", width=1.5, shape="hv"),
                        hoverinfo="skip")
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
