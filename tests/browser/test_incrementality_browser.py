"""The Incremental ROAS Center in headless Chromium: renders, follows a filter, the planner answers."""
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import choose, start_desktop, text_of, wait_until


def test_section_renders_follows_filters_and_plans(dash_duo, app):
    start_desktop(dash_duo, app)
    dash_duo.wait_for_element("#nav-incrementality", timeout=20).click()
    wait_until(dash_duo, lambda: "CI" in (text_of(dash_duo, "#inc-abs-ci") or ""), message="lift card empty")
    assert "95% CI" in text_of(dash_duo, "#inc-abs-ci")
    assert "p = " in text_of(dash_duo, "#inc-reading")
    everything = text_of(dash_duo, "#inc-subtitle")

    choose(dash_duo, "#filter-tier", "Micro")
    wait_until(dash_duo, lambda: text_of(dash_duo, "#inc-subtitle") not in (None, everything),
               message="the section did not follow the tier filter")
    assert "/incrementality?tier=Micro" in dash_duo.driver.current_url

    units = dash_duo.find_element("#inc-plan-units")
    units.clear()
    units.send_keys("2000", Keys.ENTER)
    wait_until(dash_duo, lambda: "1,600 test and 400 control posts" in (text_of(dash_duo, "#inc-plan-answer") or ""),
               message="the planner did not answer")
    assert "posts in total" in text_of(dash_duo, "#inc-plan-answer")

    # the filters travel with the navigation
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.find_element("#nav-overview"))
    wait_until(dash_duo, lambda: "Micro" in (text_of(dash_duo, "#filter-summary") or ""))
    wait_until(dash_duo, lambda: "Incremental lift" in (text_of(dash_duo, "#overview-lift") or ""),
               message="the Overview shows no incremental lift")
    assert dash_duo.get_logs() == []
