"""What the browser tests do over and over: read text, wait, start on a desktop-sized window, pick."""
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def text_of(dash_duo, selector):
    try:
        return dash_duo.find_element(selector).text
    except StaleElementReferenceException:  # re-rendered between find and read: read again next poll
        return None


def wait_until(dash_duo, predicate, timeout=20, message=""):
    return WebDriverWait(dash_duo.driver, timeout).until(lambda _: predicate(), message)


def wait_for_kpis(dash_duo):
    dash_duo.wait_for_element("#kpi-revenue", timeout=20)
    wait_until(dash_duo, lambda: (text_of(dash_duo, "#kpi-revenue") or "").startswith("₹"),
               message="KPIs never filled")
    return text_of(dash_duo, "#kpi-revenue")


def start_desktop(dash_duo, app) -> None:
    """Serve the app and open it in a desktop-sized window (the navigation is not folded)."""
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.start_server(app)


def open_section(dash_duo, nav_id):
    dash_duo.driver.execute_script("arguments[0].click();", dash_duo.wait_for_element(nav_id, timeout=20))


def choose(dash_duo, dropdown: str, value: str) -> None:
    """Pick one option of a dropdown and close its menu, as a person would."""
    dash_duo.select_dcc_dropdown(dropdown, value=value)
    dash_duo.find_element("body").send_keys(Keys.ESCAPE)
