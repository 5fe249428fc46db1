"""A failing computation shows a plain message, never a traceback, and the page keeps working."""
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.app import ERROR_MESSAGE, create_app


def test_failure_shows_plain_message_not_traceback(dash_duo, config):
    app = create_app(config)
    service = app.server.config["DASHBOARD_SERVICE"]

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals: /srv/db password=hunter2")

    service.overview = broken
    dash_duo.start_server(app)
    dash_duo.wait_for_element("#error-toast", timeout=20)
    WebDriverWait(dash_duo.driver, 20).until(lambda d: ERROR_MESSAGE in d.find_element("id", "error-toast").text)
    page = dash_duo.find_element("body").text
    assert "Traceback" not in page and "hunter2" not in page and "RuntimeError" not in page
    # the filter bar still answers
    assert dash_duo.find_element("#filter-summary").text.startswith("Showing:")
