"""Switching the attribution model in the browser changes the figures, and the URL carries it."""
from tests.browser.helpers import choose, start_desktop, text_of, wait_for_kpis, wait_until


def test_switching_model_changes_figures_and_url(dash_duo, private_app):
    start_desktop(dash_duo, private_app)
    last_touch = wait_for_kpis(dash_duo)
    choose(dash_duo, "#filter-model", "Weighted score")
    wait_until(dash_duo, lambda: text_of(dash_duo, "#kpi-revenue") not in (None, last_touch),
               message="revenue did not change with the model")
    wait_until(dash_duo, lambda: "model=weighted_score" in dash_duo.driver.current_url)
    assert "weighted score attribution" in text_of(dash_duo, "#overview-period")

    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element("#nav-attribution"))
    wait_until(dash_duo, lambda: "weighted score credits" in (text_of(dash_duo, "#attribution-subtitle") or ""),
               message="the model comparison did not render")
    assert dash_duo.get_logs() == []
