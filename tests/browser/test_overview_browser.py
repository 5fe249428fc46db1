"""A person's path through the Campaign Overview in headless Chromium (dash_duo)."""
from tests.browser.helpers import choose, text_of, wait_for_kpis, wait_until


def test_filter_changes_kpis_url_and_reload_restores_view(dash_duo, app):
    dash_duo.start_server(app)
    everything = wait_for_kpis(dash_duo)

    choose(dash_duo, "#filter-brand", "Gritzo")
    wait_until(dash_duo, lambda: text_of(dash_duo, "#kpi-revenue") != everything, message="KPIs did not change")
    gritzo = text_of(dash_duo, "#kpi-revenue")
    wait_until(dash_duo, lambda: "brand=Gritzo" in dash_duo.driver.current_url, message="URL lacks the filter")
    assert "Gritzo" in text_of(dash_duo, "#filter-summary")

    dash_duo.driver.get(dash_duo.driver.current_url)  # reload the copied link
    wait_until(dash_duo, lambda: text_of(dash_duo, "#kpi-revenue") == gritzo, message="reload lost the view")
    assert "Gritzo" in text_of(dash_duo, "#filter-brand")

    dash_duo.find_element("#filter-reset").click()
    wait_until(dash_duo, lambda: text_of(dash_duo, "#kpi-revenue") == everything, message="reset did not reset")
    wait_until(dash_duo, lambda: "brand=" not in dash_duo.driver.current_url)
    assert dash_duo.get_logs() == []


def test_link_with_filters_opens_that_view_and_weekly_trend(dash_duo, app):
    dash_duo.start_server(app)
    wait_for_kpis(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/?tier=Micro&platform=Instagram&min_roas=1")
    wait_until(dash_duo, lambda: "Micro" in (text_of(dash_duo, "#filter-summary") or ""))
    assert "ROAS ≥ 1x" in text_of(dash_duo, "#filter-summary")
    dash_duo.wait_for_text_to_equal("#overview-top-title", text_of(dash_duo, "#overview-top-title"))
    weekly = [label for label in dash_duo.find_elements("#overview-granularity label") if label.text == "Weekly"][0]
    dash_duo.driver.execute_script("arguments[0].click();", weekly)
    wait_until(dash_duo, lambda: "weekly" in (text_of(dash_duo, "#overview-trend") or ""),
               message="weekly trend not shown")
    assert dash_duo.get_logs() == []


def test_no_request_leaves_the_origin_and_phone_width_fits(dash_duo, app):
    dash_duo.start_server(app)
    wait_for_kpis(dash_duo)
    resources = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    outside = [url for url in resources if not url.startswith(dash_duo.server_url)]
    assert resources and outside == []

    dash_duo.driver.set_window_size(390, 900)
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1"), timeout=5,
        message="the page scrolls sideways on a phone-width screen")
    body = dash_duo.find_element("#filter-body")
    assert not body.is_displayed()  # folded away on a phone
    dash_duo.find_element("#filter-toggle").click()
    wait_until(dash_duo, body.is_displayed, timeout=5, message="the Filters button did not open the filters")
    assert dash_duo.get_logs() == []
