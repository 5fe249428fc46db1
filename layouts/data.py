"""Data section: upload with a report before commit, templates, data quality, import history."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from layouts.components import data_grid

ENTITY_OPTIONS = [{"label": "Detect from the file names", "value": "auto"},
                  {"label": "Influencers", "value": "influencers"}, {"label": "Posts", "value": "posts"},
                  {"label": "Tracking data", "value": "tracking_data"}, {"label": "Payouts", "value": "payouts"}]
MODE_OPTIONS = [{"label": "Append new rows", "value": "append"},
                {"label": "Add or update by id", "value": "upsert"},
                {"label": "Replace the uploaded tables", "value": "replace"}]

PROBLEM_COLUMNS = [
    {"field": "file", "headerName": "File", "minWidth": 140},
    {"field": "row", "headerName": "Row", "minWidth": 70, "maxWidth": 90, "type": "rightAligned"},
    {"field": "column", "headerName": "Column", "minWidth": 120},
    {"field": "value", "headerName": "Value", "minWidth": 120},
    {"field": "reason", "headerName": "Problem", "minWidth": 280, "wrapText": True, "autoHeight": True},
    {"field": "severity", "headerName": "Severity", "maxWidth": 120},
]
COUNT_COLUMNS = [{"field": c, "headerName": h} for c, h in (
    ("entity", "Table"), ("read", "Rows read"), ("to_add", "To add"), ("to_update", "To update"),
    ("rejected", "Rejected"), ("skipped", "Skipped"))]
HISTORY_COLUMNS = [{"field": c, "headerName": h, "minWidth": w} for c, h, w in (
    ("at", "When", 170), ("action", "Action", 90), ("mode", "Mode", 90), ("user", "Who", 90),
    ("files", "Files", 220), ("rows", "Rows", 260))]
QUALITY_COLUMNS = [{"field": c, "headerName": h} for c, h in (
    ("entity", "Table"), ("rows", "Rows"), ("duplicate_ids", "Duplicate ids"), ("missing_cells", "Missing cells"),
    ("orphans", "Orphans"), ("out_of_range", "Out of range"), ("outliers", "Outliers"))]


def upload_card(max_mb: float) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H6("Upload data", className="card-title"),
        html.P(["CSV or Excel files for influencers, posts, tracking data and payouts — one at a time, several "
                "together, or one ZIP. The original assignment's columns and the extended ones are both accepted; "
                f"files up to {max_mb:g} MB. Nothing is stored until you read the report and commit."],
               className="text-muted small"),
        dbc.Row([
            dbc.Col([dbc.Label("The files hold", class_name="filter-label"),
                     dcc.Dropdown(id=ids.DM_ENTITY, options=ENTITY_OPTIONS, value="auto", clearable=False,
                                  searchable=False)], xs=12, md=4, class_name="mb-2"),
            dbc.Col([dbc.Label("How to store them", class_name="filter-label"),
                     dcc.Dropdown(id=ids.DM_MODE, options=MODE_OPTIONS, value="append", clearable=False,
                                  searchable=False)], xs=12, md=4, class_name="mb-2"),
        ], class_name="g-2"),
        # No max_size here: the browser would drop a larger file silently. The size is checked in
        # the browser before sending (a clear message) and again on the server.
        dcc.Upload(id=ids.DM_UPLOAD, multiple=True, accept=".csv,.xlsx,.xls,.zip,.txt", className="upload-zone",
                   children=html.Div(["Drag and drop files here, or ", html.A("choose files")])),
        dcc.Store(id=ids.DM_LIMIT, data=int(max_mb * 1024 * 1024)),
        dcc.Store(id=ids.DM_CHECKED),
        html.Div(id=ids.DM_SIZE_MESSAGE, className="text-danger small mt-2"),
        dcc.Loading(html.Div(id=ids.DM_REPORT, className="mt-3"), type="dot", delay_show=300),
        html.Div([
            dbc.Button("Commit import", id=ids.DM_COMMIT, color="primary", disabled=True, class_name="me-2"),
            dbc.Button("Cancel", id=ids.DM_CANCEL, color="secondary", outline=True, disabled=True,
                       class_name="me-2"),
            dbc.Button("Download problems (CSV)", id=ids.DM_PROBLEMS_CSV, color="link", disabled=True),
            dbc.Button("Download list of changes (CSV)", id=ids.DM_CHANGES_CSV, color="link", disabled=True),
        ], className="mt-2"),
        html.Div(id=ids.DM_MESSAGE, className="mt-2"),
    ]), class_name="mb-3")


def report_body(summary: str, counts_rows: list[dict], problem_rows: list[dict], notes: list[str],
                blocking: list[str]) -> html.Div:
    """The report shown before commit (filled by the callback)."""
    return html.Div([
        html.P(summary, className="mb-2"),
        *[dbc.Alert(text, color="danger", class_name="py-2 small") for text in blocking],
        data_grid(ids.DM_COUNTS, COUNT_COLUMNS, auto_height=True, row_data=counts_rows),
        html.Ul([html.Li(n) for n in notes], className="small text-muted mt-2") if notes else None,
        html.H6(f"Problems ({len(problem_rows):,} shown)", className="mt-3") if problem_rows else None,
        data_grid(ids.DM_PROBLEMS, PROBLEM_COLUMNS, auto_height=True, row_data=problem_rows) if problem_rows else None,
    ])


def templates_card() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H6("Templates", className="card-title"),
        html.P("Headers, two example rows and (in Excel) a data dictionary for each table.",
               className="text-muted small"),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id=ids.DM_TEMPLATE_ENTITY, options=ENTITY_OPTIONS[1:], value="influencers",
                                 clearable=False, searchable=False), xs=12, md=5, class_name="mb-2"),
            dbc.Col([dbc.Button("CSV", id=ids.DM_TEMPLATE_CSV, color="secondary", outline=True, class_name="me-2"),
                     dbc.Button("Excel", id=ids.DM_TEMPLATE_XLSX, color="secondary", outline=True)], xs=12, md=7),
        ], class_name="g-2"),
    ]), class_name="h-100")


def history_card() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.Div([html.H6("Import history", className="card-title mb-0"),
                  # Asks first, naming the import it undoes: each restore undoes one more import.
                  dcc.ConfirmDialogProvider(
                      dbc.Button("Restore the previous dataset", id=ids.DM_RESTORE, color="warning", outline=True,
                                 size="sm"),
                      id=ids.DM_RESTORE_CONFIRM, message="Undo the latest import?")],
                 className="d-flex justify-content-between align-items-center mb-2"),
        html.Div(id=ids.DM_RESTORE_MESSAGE, className="small mb-2"),
        data_grid(ids.DM_HISTORY, HISTORY_COLUMNS, page_size=5, auto_height=True,
                  empty_text="No import yet: the stored data came from the demo generator or the command line"),
    ]), class_name="mb-3")


def quality_card() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H6("Data quality of the stored data", className="card-title"),
        html.Div(id=ids.DM_QUALITY_ISSUES, className="small mb-2"),
        data_grid(ids.DM_QUALITY, QUALITY_COLUMNS, auto_height=True),
        html.Div(id=ids.DM_QUALITY_COVERAGE, className="small text-muted mt-2"),
    ]), class_name="mb-3")


def data_section(max_mb: float = 64) -> html.Div:
    return html.Div([
        html.Div([html.H4("Data", className="mb-0"),
                  html.Div("Upload, check and restore the four tables every section is built from.",
                           className="text-muted small")], className="section-header mb-3"),
        dcc.Store(id=ids.DM_PLAN),
        upload_card(max_mb),
        dbc.Row([dbc.Col(templates_card(), xs=12, lg=5, class_name="mb-3"),
                 dbc.Col(quality_card(), xs=12, lg=7)], class_name="g-3"),
        history_card(),
    ], id="section-data")
