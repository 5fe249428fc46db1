"""One Plotly template that matches the Bootstrap theme (colours, font, grid), used by every chart."""
import plotly.graph_objects as go
import plotly.io as pio

FONT = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", '
        '"Liberation Sans", Arial, sans-serif')
BODY_COLOR = "#212529"
MUTED = "#6c757d"
GRID = "#e9ecef"
# Bootstrap's palette, in an order where neighbours stay distinguishable.
COLORWAY = ["#0d6efd", "#fd7e14", "#20c997", "#6f42c1", "#d63384", "#ffc107", "#0dcaf0", "#198754"]
REVENUE = "#0d6efd"
SPEND = "#adb5bd"
ROAS = "#fd7e14"
TARGET = "#dc3545"

TEMPLATE_NAME = "dashboard"

pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout=dict(
        font=dict(family=FONT, color=BODY_COLOR, size=13),
        colorway=COLORWAY,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin=dict(l=48, r=48, t=24, b=24),
        hoverlabel=dict(font=dict(family=FONT)),
        # Legend under the plot: the mode bar (PNG download) lives top right.
        legend=dict(orientation="h", yanchor="top", y=-0.14, x=0, font=dict(size=12)),
        xaxis=dict(gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID, automargin=True),
        yaxis=dict(gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID, automargin=True),
    )
)
