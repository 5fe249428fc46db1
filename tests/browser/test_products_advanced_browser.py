"""Product Hub and Advanced Analytics in headless Chromium, each following a filter change."""
from tests.browser.helpers import choose, open_section, start_desktop, text_of, wait_until


def grid_row_count(dash_duo, grid_id):
    return len(dash_duo.find_elements(f"#{grid_id} .ag-center-cols-container .ag-row"))


def test_products_follow_a_brand_filter(dash_duo, app):
    start_desktop(dash_duo, app)
    open_section(dash_duo, "#nav-products")
    wait_until(dash_duo, lambda: "12 products" in (text_of(dash_duo, "#products-subtitle") or ""),
               message="product ranking did not render")
    assert "0.4 × revenue rank" in dash_duo.find_element("#section-products").text
    choose(dash_duo, "#filter-brand", "Gritzo")
    wait_until(dash_duo, lambda: "3 products" in (text_of(dash_duo, "#products-subtitle") or ""),
               message="the ranking did not follow the brand filter")
    wait_until(dash_duo, lambda: grid_row_count(dash_duo, "products-best") > 0, message="no best sellers")
    assert dash_duo.get_logs() == []


def test_advanced_follows_a_tier_filter_and_forecasts(dash_duo, app):
    start_desktop(dash_duo, app)
    open_section(dash_duo, "#nav-advanced")
    wait_until(dash_duo, lambda: "Micro's ROAS" in (text_of(dash_duo, "#advanced-tier-text") or ""),
               message="tier comparison did not render")
    wait_until(dash_duo, lambda: "MAPE" in (text_of(dash_duo, "#advanced-forecast-text") or ""),
               message="no forecast backtest shown")
    wait_until(dash_duo, lambda: grid_row_count(dash_duo, "advanced-platforms") == 4)
    choose(dash_duo, "#filter-platform", "YouTube")
    wait_until(dash_duo, lambda: grid_row_count(dash_duo, "advanced-platforms") == 1,
               message="platform table did not follow the filter")
    assert dash_duo.get_logs() == []
