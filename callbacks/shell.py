"""Page shell: which section a path shows, navigation links that keep the filters, and the toggles
for narrow screens (those run in the browser, no round trip)."""
from dash import Input, Output, State, no_update

from dashboard import ids
from layouts.shell import SECTIONS, section_for


def render_section(pathname: str | None, shown: str | None, config):
    """(section content, its path); nothing changes when the path's section is already shown.

    dcc.Location re-sends the pathname whenever the filters rewrite the query string, and
    rebuilding the section then would throw away its state.
    """
    section = section_for(pathname)
    if section.path == shown:
        return no_update, no_update
    return section.build(config), section.path


def nav_links(pathname: str | None, search: str | None) -> tuple:
    """(hrefs, active flags) of the navigation: every link carries the current filters."""
    current = section_for(pathname)
    return (tuple(s.path + (search or "") for s in SECTIONS), tuple(s is current for s in SECTIONS))


def register(app, service) -> None:
    @app.callback(Output(ids.PAGE, "children"), Output(ids.SECTION_SHOWN, "data"),
                  Input(ids.URL, "pathname"), State(ids.SECTION_SHOWN, "data"))
    def _route(pathname, shown):
        return render_section(pathname, shown, service.config)

    @app.callback(
        *[Output(s.nav_id, "href") for s in SECTIONS], *[Output(s.nav_id, "active") for s in SECTIONS],
        Input(ids.URL, "pathname"), Input(ids.URL, "search"),
    )
    def _nav(pathname, search):
        hrefs, active = nav_links(pathname, search)
        return (*hrefs, *active)

    app.clientside_callback(
        """function(n, pathname, isOpen) {
            // The toggler opens and closes the menu; choosing a section closes it.
            var trigger = window.dash_clientside.callback_context.triggered[0];
            if (trigger && trigger.prop_id.indexOf("navbar-toggler") === 0) { return n ? !isOpen : isOpen; }
            return false;
        }""",
        Output("navbar-collapse", "is_open"),
        Input("navbar-toggler", "n_clicks"), Input(ids.URL, "pathname"),
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
