"""Switching the attribution model in the browser changes the figures, and the URL carries it."""
import pytest
from selenium.webdriver.common.keys import Keys

from dashboard.app import create_app
from tests.browser.test_overview_browser import text_of, wait_for_kpis, wait_until


@pytest.fixture
def app(private_config):
    return create_app(private_config)


def test_switching_model_changes_figures_and_url(dash_duo, app):
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.start_server(app)
    last_touch = wait_for_kpis(dash_duo)
    dash_duo.select_dcc_dropdown("#filter-model", value="Weighted score")
    dash_duo.find_element("body").send_keys(Keys.ESCAPE)
    wait_until(dash_duo, lambda: text_of(dash_duo, "#kpi-revenue") not in (None, last_touch),
               message="revenue did not change with the model")
    wait_until(dash_duo, lambda: "model=weighted_score" in dash_duo.driver.current_url)
    assert "weighted score attribution" in text_of(dash_duo, "#overview-period")

    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element("#nav-attribution"))
    wait_until(dash_duo, lambda: "weighted score credits" in (text_of(dash_duo, "#attribution-subtitle") or ""),
               message="the model comparison did not render")
    assert dash_duo.get_logs() == []
