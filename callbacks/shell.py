"""Page shell: navigation and filter toggles on narrow screens (run in the browser, no round trip)."""
from dash import Input, Output, State

from dashboard import ids


def register(app, service) -> None:
    app.clientside_callback(
        "function(n, isOpen) { return n ? !isOpen : isOpen; }",
        Output("navbar-collapse", "is_open"),
        Input("navbar-toggler", "n_clicks"),
        State("navbar-collapse", "is_open"),
    )
    app.clientside_callback(
        """function(n, cls) {
            if (!n) { return cls; }
            return cls.indexOf(' open') >= 0 ? cls.replace(' open', '') : cls + ' open';
        }""",
        Output(ids.F_BODY, "className"),
        Input(ids.F_TOGGLE, "n_clicks"),
        State(ids.F_BODY, "className"),
    )
