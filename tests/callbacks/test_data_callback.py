"""Data section callbacks as plain functions, on a private copy of the demo database."""
import base64
from pathlib import Path

import openpyxl
import io
import pytest

from callbacks.data import commit, decode_uploads, history_rows, prepare, restore
from callbacks.exports import GRID_TABLES, grid_download, summary_workbook
from dashboard import store
from dashboard.app import create_app

MESSY = Path(__file__).resolve().parent.parent / "data" / "messy"


@pytest.fixture
def service(private_config):
    return create_app(private_config).server.config["DASHBOARD_SERVICE"]


def data_url(path: Path) -> str:
    return "data:text/csv;base64," + base64.b64encode(path.read_bytes()).decode()


def test_damaged_upload_is_a_clear_message():
    with pytest.raises(Exception, match="damaged"):
        decode_uploads(["data:text/csv;base64,@@@"], ["posts.csv"])


def test_upload_report_commit_and_restore(service):
    before = store.data_version(service.engine)
    revenue_before = service.overview(service.clean({})).kpis["revenue"].value
    files = sorted(MESSY.glob("*.csv"))
    body, token, can_commit, message = prepare(service, [data_url(p) for p in files], [p.name for p in files],
                                               "auto", "append")
    assert token and can_commit and message is None
    assert store.data_version(service.engine) == before  # checking stores nothing
    text = str(body)
    assert "rows to add" in text and "Nothing is stored until you commit" in text

    alert, token_after = commit(service, token)
    assert "Imported" in str(alert.children) and token_after is None
    assert store.data_version(service.engine) != before
    assert service.overview(service.clean({})).kpis["revenue"].value > revenue_before
    assert history_rows(service.engine)[0]["action"] == "import"

    assert "Restored" in restore(service)
    assert service.overview(service.clean({})).kpis["revenue"].value == pytest.approx(revenue_before)


def test_bad_file_changes_nothing(service):
    before = store.data_version(service.engine)
    body, token, can_commit, message = prepare(service, ["data:text/csv;base64," + base64.b64encode(
        b"\x00\x01\x02garbage\xff\xfe").decode()], ["posts.csv"], "auto", "append")
    assert token is None and not can_commit and "posts.csv" in str(message.children)
    assert store.data_version(service.engine) == before


def test_expired_plan_is_said(service):
    alert, _ = commit(service, "no-such-token")
    assert "expired" in str(alert.children)


@pytest.mark.parametrize("grid", sorted(GRID_TABLES))
def test_every_grid_exports_its_full_content(service, grid):
    spec = service.clean({})
    csv = grid_download(service, grid, "csv", spec)
    assert csv["filename"].endswith(".csv") and csv["base64"]
    content = base64.b64decode(csv["content"]).decode("utf-8-sig")
    section, table_of = GRID_TABLES[grid]
    assert len(content.strip().splitlines()) == len(table_of(service, spec)) + 1  # header + every row
    xlsx = grid_download(service, grid, "xlsx", spec)
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(xlsx["content"])))
    assert workbook.active.max_row == len(table_of(service, spec)) + 1


def test_influencer_export_is_not_limited_to_the_top_100(service):
    spec = service.clean({})
    assert len(service.influencer_table(spec)) == service.overview(spec).influencers


def test_summary_workbook_has_every_sheet(service):
    workbook = openpyxl.load_workbook(io.BytesIO(summary_workbook(service, service.clean({"tier": ["Micro"]}))))
    assert {"KPIs", "By brand", "By platform", "By tier", "Top influencers", "Products", "Incrementality",
            "Filters"} <= set(workbook.sheetnames)
    sheet = workbook["Incrementality"]
    header = [cell.value for cell in sheet[1]]
    assert "abs_lift_low" in header and "iroas_high" in header and "confidence_level" in header


def test_chart_html_is_standalone_and_safely_named():
    from callbacks.exports import chart_html

    download = chart_html({"name": "influencer-roi_overview-by-brand_all-data/../x",
                           "figure": {"data": [{"type": "bar", "x": ["A"], "y": [1]}], "layout": {}}})
    html = base64.b64decode(download["content"]).decode() if download.get("base64") else download["content"]
    assert "<html" in html and "Plotly.newPlot" in html and "cdn" not in html.split("<body>")[0].lower()
    assert "/" not in download["filename"] and download["filename"].endswith(".html")
    assert chart_html(None) is None and chart_html({"figure": "nope"}) is None


def test_restore_question_names_the_import_it_undoes():
    from callbacks.data import restore_question

    history = [{"action": "restore", "files": "", "at": "2026-12-04 10:05:00"},
               {"action": "import", "files": "posts.csv", "at": "2026-12-04 10:00:00"}]
    assert "posts.csv" in restore_question(history) and "10:00" in restore_question(history)
    assert "no import" in restore_question([])
