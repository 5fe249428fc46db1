"""Shared building blocks: KPI card, chart card, grid. Components only, no computation."""
from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

# Grid value formatters (d3-format, run by AG Grid in the browser); missing values show "—".
MONEY = ("params.value == null ? '—' : (params.value < 0 ? '−₹' : '₹') + "
         "d3.format(',.0f')(Math.abs(params.value))")
RATIO = "params.value == null ? '—' : d3.format('.2f')(params.value) + 'x'"
COUNT = "params.value == null ? '—' : d3.format(',.0f')(params.value)"


def number_column(field: str, header: str, formatter: str, **extra) -> dict:
    """A right-aligned numeric grid column formatted in the browser by a d3-format expression."""
    return {"field": field, "headerName": header, "type": "rightAligned", "filter": "agNumberColumnFilter",
            "valueFormatter": {"function": formatter}, **extra}


GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": "hover",
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]}


def kpi_card(title: str, value: str, value_id: str, lines: list[tuple[str, str]] | None = None,
             hint: str | None = None) -> dbc.Card:
    """A KPI card: title, big value and small lines (text, css class) such as deltas and targets."""
    return dbc.Card(
        dbc.CardBody([
            html.Div(title, className="kpi-title", title=hint or ""),
            html.Div(value, id=value_id, className="kpi-value"),
            *[html.Div(text, className=f"kpi-line {css}") for text, css in (lines or [])],
        ]),
        class_name="kpi-card h-100",
    )


def chart_downloads(graph_id: str) -> html.Div:
    """PNG and standalone-HTML downloads of one chart, named after the chart, filters and date."""
    from dashboard import ids

    return html.Div([
        dbc.Button("PNG", id=ids.chart_download(graph_id, "png"), size="sm", color="link", class_name="p-0 me-2",
                   title="Download this chart as a PNG image"),
        dbc.Button("HTML", id=ids.chart_download(graph_id, "html"), size="sm", color="link", class_name="p-0",
                   title="Download this chart as a standalone, interactive HTML file"),
    ], className="chart-downloads small")


def chart_card(title: str, graph_id: str, controls=None, height: int = 320) -> dbc.Card:
    """A card holding one chart (and optional controls beside the title)."""
    header = html.Div([html.H6(title, className="card-title mb-0"),
                       html.Div([controls, chart_downloads(graph_id)],
                                className="d-flex align-items-center gap-2 flex-wrap")],
                      className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-2")
    return dbc.Card(dbc.CardBody([
        header,
        dcc.Loading(dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": f"{height}px"}),
                    type="dot", delay_show=300),
    ]), class_name="h-100 chart-card")


def data_grid(grid_id: str, column_defs: list[dict], page_size: int = 10, auto_height: bool = False,
              row_data: list[dict] | None = None, empty_text: str = "No data for these filters") -> dag.AgGrid:
    """A sortable, paged AG Grid; rows come from a callback. auto_height fits short tables to their rows."""
    return dag.AgGrid(
        id=grid_id,
        columnDefs=column_defs,
        rowData=row_data or [],
        # Wide enough that headers wrap between words, not inside them ("Reven ue").
        defaultColDef={"sortable": True, "resizable": True, "filter": True, "minWidth": 115,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        columnSize="responsiveSizeToFit",
        dashGridOptions={"pagination": True, "paginationPageSize": page_size,
                         "paginationPageSizeSelector": sorted({page_size, 10, 25, 50, 100}), "animateRows": False,
                         "localeText": {"noRowsToShow": empty_text},
                         **({"domLayout": "autoHeight"} if auto_height else {})},
        style={"width": "100%"} if auto_height else {"height": "520px", "width": "100%"},
    )


def empty_state(message: str) -> html.Div:
    return html.Div(message, className="empty-state text-muted")


def export_buttons(grid_id: str) -> html.Div:
    """CSV and Excel downloads of a grid's full filtered content (built on the server)."""
    from dashboard import ids

    return html.Div([
        dbc.Button("CSV", id=ids.export_button(grid_id, "csv"), size="sm", color="secondary", outline=True,
                   class_name="me-1", title="Download every row under the current filters as CSV"),
        dbc.Button("Excel", id=ids.export_button(grid_id, "xlsx"), size="sm", color="secondary", outline=True,
                   title="Download every row under the current filters as an Excel workbook"),
    ], className="export-buttons")


def grid_header(title, grid_id: str, title_id: str | None = None, extra=None) -> html.Div:
    """A grid's title row: the title, optional controls, and its export buttons."""
    heading = html.H6(title, id=title_id, className="card-title mb-0") if title_id else \
        html.H6(title, className="card-title mb-0")
    return html.Div([heading, html.Div([extra, export_buttons(grid_id)],
                                       className="d-flex align-items-center gap-2 flex-wrap")],
                    className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-2")
