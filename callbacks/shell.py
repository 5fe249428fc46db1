"""Page shell: the navigation toggler on narrow screens (runs in the browser, no round trip)."""
from dash import Input, Output, State


def register(app, service) -> None:
    app.clientside_callback(
        "function(n, isOpen) { return n ? !isOpen : isOpen; }",
        Output("navbar-collapse", "is_open"),
        Input("navbar-toggler", "n_clicks"),
        State("navbar-collapse", "is_open"),
    )
