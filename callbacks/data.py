"""Data section: upload → report → commit or cancel; templates; history and restore; data quality."""
from __future__ import annotations

import base64
import binascii
import uuid

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update

from callbacks.format import grid_records
from dashboard import ids, importer, store, templates
from layouts.data import report_body

PLAN_TIMEOUT = 3600  # seconds a checked import waits for its commit
MAX_PROBLEMS_SHOWN = 500


def decode_uploads(contents: list[str], filenames: list[str]) -> dict[str, bytes]:
    """{file name: bytes} from dcc.Upload's data URLs; a clear ImportRejected when one is broken."""
    files = {}
    for content, name in zip(contents or [], filenames or []):
        try:
            files[name] = base64.b64decode(content.split(",", 1)[1], validate=True)
        except (IndexError, ValueError, binascii.Error):
            raise importer.ImportRejected(name, "the upload arrived damaged; please upload the file again") from None
    return files


def report(plan: importer.ImportPlan) -> html.Div:
    counts = plan.counts.rename_axis("entity").reset_index()
    added, updated, rejected = (int(plan.counts[c].sum()) for c in ("to_add", "to_update", "rejected"))
    files = ", ".join(f"{name} → {entity}" for name, entity in plan.files)
    summary = (f"Checked {files} in {plan.seconds:.1f} s: {added:,} rows to add, {updated:,} to update, "
               f"{rejected:,} rejected. Nothing is stored until you commit.")
    problems = grid_records(plan.problems.head(MAX_PROBLEMS_SHOWN), list(plan.problems.columns))
    return report_body(summary, grid_records(counts, list(counts.columns)), problems, plan.notes, plan.blocking)


def prepare(service, contents, filenames, entity: str, mode: str) -> tuple:
    """(report, plan token, commit enabled, message) for an upload."""
    try:
        files = decode_uploads(contents, filenames)
        entities = {name: entity for name in files} if entity and entity != "auto" else None
        plan = importer.prepare_import(files, service.engine, mode, entities=entities,
                                       max_bytes=service.config.max_upload_bytes,
                                       tier_thresholds=getattr(service.config, "tier_thresholds",
                                                               importer.TIER_THRESHOLDS))
    except importer.ImportRejected as error:
        return None, None, False, dbc.Alert(f"{error.file}: {error.reason}. Nothing was stored.", color="danger")
    token = uuid.uuid4().hex
    service.cache.set(f"import-plan|{token}", plan, timeout=PLAN_TIMEOUT)
    body = report(plan)
    message = None if plan.can_commit else dbc.Alert("This import cannot be committed as it is; see the report.",
                                                     color="warning")
    return body, token, plan.can_commit, message


def commit(service, token: str | None) -> tuple:
    """(message, plan token) after committing the checked import."""
    plan = service.cache.get(f"import-plan|{token}") if token else None
    if plan is None:
        return dbc.Alert("This check has expired; please upload the files again.", color="warning"), None
    try:
        version = importer.commit_import(plan, service.engine, keep_snapshots=service.config.import_snapshots)
    except importer.ImportRejected as error:
        return dbc.Alert(f"Not imported: {error.reason}. The stored data is unchanged.", color="danger"), None
    service.cache.delete(f"import-plan|{token}")
    added = int(plan.counts["to_add"].sum())
    updated = int(plan.counts["to_update"].sum())
    return dbc.Alert([f"Imported: {added:,} rows added, {updated:,} updated (data version {version}). ",
                      html.A("Open the Overview with the new data", href="/", className="alert-link")],
                     color="success"), None


def history_rows(engine) -> list[dict]:
    table = store.import_history(engine, limit=50)
    rows = []
    for row in table.itertuples():
        counts = row.row_counts or {}
        if row.action != "import":
            summary = "the dataset from before the previous import is back"
        elif isinstance(counts, dict):
            summary = "; ".join(f"{name}: {c.get('added', 0):,} added, {c.get('updated', 0):,} updated"
                                for name, c in counts.items())
        else:
            summary = str(counts)
        rows.append({"at": str(row.at)[:19], "action": row.action, "mode": row.mode or "", "user": row.user or "—",
                     "files": ", ".join(row.files or []), "rows": summary})
    return rows


def restore_question(history: list[dict]) -> str:
    """What the confirmation asks: which import a restore would undo."""
    latest = next((row for row in history if row["action"] == "import"), None)
    if latest is None:
        return "There is no import to undo. Continue?"
    return (f"Undo the import of {latest['files'] or 'files'} made at {latest['at']}? The data goes back to how it "
            "was before that import; earlier imports stay.")


def restore(service) -> str:
    try:
        version = importer.restore_previous(service.engine)
    except store.NothingToRestore:
        return "There is no earlier dataset to restore."
    except store.StaleDataError:
        return ("The stored data was changed outside the importer since the last import, so the earlier dataset "
                "cannot be restored safely.")
    return f"Restored the dataset from before the latest import (data version {version})."


def coverage_text(c) -> str:
    """One line on what the stored data covers."""
    def day(value):
        return "—" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%-d %b %Y")

    parts = [f"Posts {day(c.first_post_date)} – {day(c.last_post_date)}",
             f"orders {day(c.first_order_date)} – {day(c.last_order_date)}"]
    if c.days_without_posts is not None:
        parts.append(f"{c.days_without_posts} days without a post")
    if c.control_share is not None:
        parts.append(f"control posts {c.control_share:.1%}" + ("" if c.has_control_group else " (no control group)"))
    else:
        parts.append("no campaign_type column: no control group")
    if c.order_id_share is not None:
        parts.append(f"{c.order_id_share:.0%} of tracking rows have an order id")
    return " · ".join(parts) + "."


def quality_outputs(result) -> tuple:
    issues = html.Ul([html.Li(text) for text in result.issues], className="mb-0") if result.issues else html.Span(
        "No problems found.", className="text-success")
    return issues, grid_records(result.summary, list(result.summary.columns)), coverage_text(result.coverage)


SIZE_CHECK = """
function(contents, filenames, limit) {
    // Base64 holds 3 bytes in 4 characters: check the file sizes before anything is sent.
    if (!contents) { return [window.dash_clientside.no_update, ""]; }
    var tooBig = [];
    contents.forEach(function (content, i) {
        var size = Math.floor((content.length - content.indexOf(",") - 1) * 3 / 4);
        if (size > limit) {
            tooBig.push(filenames[i] + " is " + (size / 1048576).toFixed(1) + " MB");
        }
    });
    if (tooBig.length) {
        return [window.dash_clientside.no_update, tooBig.join("; ") + ": the limit is " +
                (limit / 1048576).toFixed(0) + " MB per upload (MAX_UPLOAD_MB). Nothing was sent or stored."];
    }
    return [{contents: contents, filenames: filenames}, ""];
}
"""


def register(app, service) -> None:
    app.clientside_callback(SIZE_CHECK, Output(ids.DM_CHECKED, "data"), Output(ids.DM_SIZE_MESSAGE, "children"),
                            Input(ids.DM_UPLOAD, "contents"), State(ids.DM_UPLOAD, "filename"),
                            State(ids.DM_LIMIT, "data"), prevent_initial_call=True)

    @app.callback(
        Output(ids.DM_REPORT, "children"), Output(ids.DM_PLAN, "data"), Output(ids.DM_COMMIT, "disabled"),
        Output(ids.DM_CANCEL, "disabled"), Output(ids.DM_PROBLEMS_CSV, "disabled"),
        Output(ids.DM_CHANGES_CSV, "disabled"), Output(ids.DM_MESSAGE, "children"),
        Input(ids.DM_CHECKED, "data"), Input(ids.DM_COMMIT, "n_clicks"), Input(ids.DM_CANCEL, "n_clicks"),
        State(ids.DM_ENTITY, "value"), State(ids.DM_MODE, "value"), State(ids.DM_PLAN, "data"),
        prevent_initial_call=True,
    )
    def _upload(checked, _commit, _cancel, entity, mode, token):
        if ctx.triggered_id == ids.DM_COMMIT:
            message, token = commit(service, token)
            return None, token, True, True, True, True, message
        if ctx.triggered_id == ids.DM_CANCEL:
            if token:
                service.cache.delete(f"import-plan|{token}")
            return None, None, True, True, True, True, dbc.Alert("Cancelled; nothing was stored.", color="secondary")
        if not checked or not checked.get("contents"):
            return no_update
        body, token, can_commit, message = prepare(service, checked["contents"], checked["filenames"], entity,
                                                   mode or "append")
        has_plan = token is not None
        return body, token, not can_commit, not has_plan, not has_plan, not has_plan, message

    @app.callback(Output(ids.DOWNLOAD, "data", allow_duplicate=True),
                  Input(ids.DM_PROBLEMS_CSV, "n_clicks"), Input(ids.DM_CHANGES_CSV, "n_clicks"),
                  State(ids.DM_PLAN, "data"), prevent_initial_call=True)
    def _plan_download(problems_clicks, changes_clicks, token):
        plan = service.cache.get(f"import-plan|{token}") if token and (problems_clicks or changes_clicks) else None
        if plan is None:
            return no_update
        if ctx.triggered_id == ids.DM_PROBLEMS_CSV:
            return dcc.send_bytes(plan.problems_csv(), "import_problems.csv")
        return dcc.send_bytes(plan.changes_csv(), "import_changes.csv")

    @app.callback(Output(ids.DOWNLOAD, "data", allow_duplicate=True),
                  Input(ids.DM_TEMPLATE_CSV, "n_clicks"), Input(ids.DM_TEMPLATE_XLSX, "n_clicks"),
                  State(ids.DM_TEMPLATE_ENTITY, "value"), prevent_initial_call=True)
    def _template(csv_clicks, xlsx_clicks, entity):
        if not (csv_clicks or xlsx_clicks):
            return no_update  # the buttons appearing with the section are not clicks
        if ctx.triggered_id == ids.DM_TEMPLATE_XLSX:
            return dcc.send_bytes(templates.template_xlsx(entity), templates.template_filename(entity, "xlsx"))
        return dcc.send_bytes(templates.template_csv(entity), templates.template_filename(entity, "csv"))

    @app.callback(Output(ids.DM_HISTORY, "rowData"), Output(ids.DM_RESTORE_MESSAGE, "children"),
                  Output(ids.DM_RESTORE_CONFIRM, "message"),
                  Input(ids.DM_RESTORE_CONFIRM, "submit_n_clicks"), Input(ids.DM_MESSAGE, "children"))
    def _history(_restore, _message):
        message = restore(service) if ctx.triggered_id == ids.DM_RESTORE_CONFIRM else ""
        rows = history_rows(service.engine)
        return rows, message, restore_question(rows)

    @app.callback(Output(ids.DM_QUALITY_ISSUES, "children"), Output(ids.DM_QUALITY, "rowData"),
                  Output(ids.DM_QUALITY_COVERAGE, "children"),
                  Input(ids.DM_HISTORY, "rowData"))
    def _quality(_history):
        return quality_outputs(service.quality())

