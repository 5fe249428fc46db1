"""The page shell: navigation, shared filter bar, filter store and the section container."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import dash_bootstrap_components as dbc
from dash import dcc, html

from analytics.filters import KnownValues
from dashboard import ids
from dashboard.config import Config
from layouts.filters import filter_bar
from layouts.advanced import advanced_section
from layouts.attribution import attribution_section
from layouts.data import data_section
from layouts.incrementality import incrementality_section
from layouts.overview import overview_section
from layouts.products import products_section

@dataclass(frozen=True)
class Section:
    path: str
    label: str
    nav_id: str
    build: Callable[[Config], html.Div]


# Only sections that work are listed; the first is the home page.
SECTIONS = (
    Section("/", "Campaign Overview", ids.NAV_OVERVIEW, lambda config: overview_section()),
    Section("/products", "Products", ids.NAV_PRODUCTS, lambda config: products_section()),
    Section("/incrementality", "Incremental ROAS", ids.NAV_INCREMENTALITY, lambda config: incrementality_section()),
    Section("/advanced", "Advanced", ids.NAV_ADVANCED, lambda config: advanced_section()),
    Section("/attribution", "Attribution", ids.NAV_ATTRIBUTION, lambda config: attribution_section()),
    Section("/data", "Data", ids.NAV_DATA, lambda config: data_section(config.max_upload_bytes / 2**20)),
)


def section_for(pathname: str | None) -> Section:
    """The section a path shows (unknown paths show the home section)."""
    path = (pathname or "/").rstrip("/") or "/"
    return next((s for s in SECTIONS if s.path == path), SECTIONS[0])


def navbar(title: str) -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(s.label, href=s.path, id=s.nav_id)) for s in SECTIONS]
    return dbc.Navbar(dbc.Container([
        dbc.NavbarBrand([html.Span("◆", className="brand-mark me-2"), title], href="/"),
        dbc.NavbarToggler(id="navbar-toggler", n_clicks=0),
        dbc.Collapse(dbc.Nav(links, navbar=True, class_name="ms-auto"), id="navbar-collapse", navbar=True),
    ], fluid=True), color="dark", dark=True, class_name="mb-3 app-navbar")


def no_data_notice() -> dbc.Alert:
    return dbc.Alert([
        html.H5("No data yet", className="alert-heading"),
        html.P(["The database is empty. Upload your files in the ", html.A("Data section", href="/data"),
                " (templates are there too), or load the demo dataset with ", html.Code("python -m dashboard demo"),
                " and reload this page."], className="mb-0"),
    ], color="info")


def error_toast() -> dbc.Toast:
    return dbc.Toast(id=ids.ERROR_TOAST, header="Something went wrong", icon="danger", is_open=False,
                     dismissable=True, duration=15000, class_name="error-toast")


def page(title: str, known: KnownValues, has_data: bool) -> html.Div:
    return html.Div([
        dcc.Location(id=ids.URL, refresh=False),
        error_toast(),
        dcc.Store(id=ids.FILTERS, storage_type="memory"),
        dcc.Store(id=ids.SECTION_SHOWN, storage_type="memory"),
        dcc.Download(id=ids.DOWNLOAD),
        dcc.Store(id=ids.CHART_EXPORT),
        navbar(title),
        dbc.Container([
            filter_bar(known) if has_data else no_data_notice(),
            html.Div(id=ids.PAGE),
        ], fluid=True, class_name="app-body"),
    ])
