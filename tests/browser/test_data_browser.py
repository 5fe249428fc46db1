"""A new user's path through the Data section: upload messy files, read the report, commit, see the
Overview change; and download an export in the browser and open it."""
import csv
import io
from pathlib import Path

from selenium.webdriver.support.ui import WebDriverWait

from dashboard.app import create_app
from tests.browser.helpers import open_section, start_desktop, text_of, wait_for_kpis, wait_until

MESSY = Path(__file__).resolve().parent.parent / "data" / "messy"


def start_with_downloads(dash_duo, app, folder: Path) -> None:
    """Start the app in a desktop-sized window that saves downloads into `folder`."""
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    start_desktop(dash_duo, app)
    wait_for_kpis(dash_duo)


def click_and_download(dash_duo, selector: str, folder: Path, suffix: str) -> Path:
    """Click a download button and return the file once the browser has written it (Chrome writes to
    a .crdownload file and renames it when complete, so the suffix appears only then)."""
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element(selector))
    WebDriverWait(dash_duo.driver, 30).until(
        lambda _: [p for p in folder.iterdir() if p.suffix == suffix], f"no {suffix} file was downloaded")
    return next(p for p in folder.iterdir() if p.suffix == suffix)


def test_upload_report_commit_and_overview_changes(dash_duo, private_app):
    start_desktop(dash_duo, private_app)
    before = wait_for_kpis(dash_duo)
    open_section(dash_duo, "#nav-data")
    upload = dash_duo.wait_for_element("#data-upload input[type=file]", timeout=20)
    upload.send_keys("\n".join(str(p) for p in sorted(MESSY.glob("*.csv"))))
    wait_until(dash_duo, lambda: "rows to add" in (text_of(dash_duo, "#data-report") or ""), timeout=30,
               message="no import report")
    assert "Nothing is stored until you commit" in text_of(dash_duo, "#data-report")
    commit = dash_duo.find_element("#data-commit")
    wait_until(dash_duo, commit.is_enabled, message="commit stays disabled")
    dash_duo.driver.save_screenshot("/tmp/data-report.png")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", commit)
    wait_until(dash_duo, lambda: "Imported" in (text_of(dash_duo, "#data-message") or ""), timeout=30,
               message="the commit did not report")
    link = dash_duo.find_element("#data-message a")  # "Open the Overview with the new data"
    dash_duo.driver.execute_script("arguments[0].click();", link)
    wait_until(dash_duo, lambda: (text_of(dash_duo, "#kpi-revenue") or before) != before, timeout=30,
               message="the Overview did not change after the import")
    assert dash_duo.get_logs() == []


def test_grid_export_downloads_in_the_browser(dash_duo, private_app, tmp_path):
    start_with_downloads(dash_duo, private_app, tmp_path)
    path = click_and_download(dash_duo, '[id*="overview-top-influencers"][id*="csv"]', tmp_path, ".csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert "overview-influencers" in path.name and len(rows) == 75
    assert {"name", "revenue", "roas"} <= set(rows[0])
    assert dash_duo.get_logs() == []


def test_chart_downloads_as_standalone_html(dash_duo, private_app, tmp_path):
    start_with_downloads(dash_duo, private_app, tmp_path)
    wait_until(dash_duo, lambda: dash_duo.find_elements("#overview-by-brand .js-plotly-plot .bars"),
               message="the brand chart did not draw")
    path = click_and_download(dash_duo, '[id*="overview-by-brand"][id*="html"]', tmp_path, ".html")
    text = path.read_text(encoding="utf-8")
    assert "overview-by-brand" in path.name and "all-data" in path.name
    assert "<html" in text and "MuscleBlaze" in text and "Plotly.newPlot" in text
    assert dash_duo.get_logs() == []


def test_too_large_upload_is_refused_with_a_clear_message(dash_duo, private_config, tmp_path):
    from dataclasses import replace

    app = create_app(replace(private_config, max_upload_bytes=1024))
    start_desktop(dash_duo, app)
    wait_for_kpis(dash_duo)
    open_section(dash_duo, "#nav-data")
    big = tmp_path / "posts.csv"
    big.write_text("influencer_id,platform,date\n" + "INF00001,Instagram,2026-05-01\n" * 200)
    dash_duo.wait_for_element("#data-upload input[type=file]", timeout=20).send_keys(str(big))
    wait_until(dash_duo, lambda: "the limit is" in (text_of(dash_duo, "#data-size-message") or ""),
               message="no size message")
    assert "posts.csv" in text_of(dash_duo, "#data-size-message")
    assert not (text_of(dash_duo, "#data-report") or "")  # nothing was sent for checking
    assert dash_duo.get_logs() == []
